package dev.activations.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * A reentrant mutual-exclusion lock that parks user threads, never their carriers, with
 * {@link Condition}s. Usable from platform threads too (they block normally). Not fair: a
 * releasing owner wakes the longest waiter, but a running thread may take the lock first.
 *
 * <h2>Protocol</h2>
 * {@code owner} (CAS null → waiter) is the lock. {@code holds} is touched by the owner only.
 * Waiters queue under {@link SpinGuard} and publish {@code waiting}; {@code unlock} stores
 * {@code owner = null} and then reads {@code waiting}, a waiter publishes {@code waiting} and
 * then re-reads {@code owner}: one of them sees the other, so no wake-up is lost. A woken
 * waiter retries the CAS and re-queues if it lost; a waiter that gives up after being chosen
 * passes the wake-up on.
 *
 * <h2>Adaptive spinning</h2>
 * Before queueing, a contender spins only while the owner is a user thread mounted on a
 * carrier that holds its processor (the kernel tells us who runs): an owner that is parked,
 * queued, blocked in the kernel or preempted will not release soon, so spinning on it wastes
 * a processor. Platform-thread owners get a short spin.
 */
public final class Mutex implements Lock {
    private static final VarHandle OWNER;
    private static final int SPINS = 200;

    static {
        try {
            OWNER = MethodHandles.lookup().findVarHandle(Mutex.class, "owner", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final class Node {
        final Object waiter;
        boolean queued; // guard
        volatile boolean signalled;

        Node(Object waiter) {
            this.waiter = waiter;
        }
    }

    private volatile Object owner;
    private int holds;
    private final SpinGuard guard = new SpinGuard();
    private final ArrayDeque<Node> waiters = new ArrayDeque<>();
    private volatile int waiting;

    @Override
    public void lock() {
        acquire(false, 0);
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        if (!acquireOrInterrupt(0)) {
            throw new AssertionError("untimed acquire returned false");
        }
    }

    @Override
    public boolean tryLock() {
        Object me = Waiting.self();
        if (owner == me) {
            incrementHolds();
            return true;
        }
        if (OWNER.compareAndSet(this, null, me)) {
            holds = 1;
            return true;
        }
        return false;
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(time);
        if (tryLock()) {
            return true;
        }
        return nanos > 0 && acquireOrInterrupt(nanos);
    }

    /**
     * Releases one hold.
     *
     * @throws IllegalMonitorStateException if the caller does not hold this mutex
     */
    @Override
    public void unlock() {
        Object me = Waiting.self();
        if (owner != me) {
            throw new IllegalMonitorStateException("unlock() by " + describe(me) + ", which does not hold this mutex (owner: " + describe(owner) + ")");
        }
        if (--holds == 0) {
            release();
        }
        UserThread.poll();
    }

    @Override
    public Condition newCondition() {
        return new MutexCondition();
    }

    public boolean isHeldByCurrentThread() {
        return owner == Waiting.self();
    }

    public boolean isLocked() {
        return owner != null;
    }

    /** Holds of the current thread (0 if it does not own the mutex). */
    public int getHoldCount() {
        return owner == Waiting.self() ? holds : 0;
    }

    @Override
    public String toString() {
        Object o = owner;
        return "Mutex[" + (o == null ? "unlocked" : "locked by " + describe(o)) + "]";
    }

    // ------------------------------------------------------------------ internals

    private void incrementHolds() {
        if (holds == Integer.MAX_VALUE) {
            throw new Error("Maximum lock count exceeded");
        }
        holds++;
    }

    private static final int ACQUIRED = 0;
    private static final int TIMED_OUT = 1;
    private static final int INTERRUPTED = 2;

    private boolean acquireOrInterrupt(long nanos) throws InterruptedException {
        Waiting.checkInterrupt(Waiting.self());
        int r = acquire(true, nanos);
        if (r == INTERRUPTED) {
            throw new InterruptedException();
        }
        return r == ACQUIRED;
    }

    /** Acquires one hold. Returns ACQUIRED, TIMED_OUT, or (interruptible only) INTERRUPTED. */
    private int acquire(boolean interruptible, long nanos) {
        Object me = Waiting.self();
        if (owner == me) {
            incrementHolds();
            return ACQUIRED;
        }
        if (OWNER.compareAndSet(this, null, me)) {
            holds = 1;
            UserThread.poll();
            return ACQUIRED;
        }
        for (int i = 0; i < SPINS; i++) {
            Object o = owner;
            if (o == null) {
                if (OWNER.compareAndSet(this, null, me)) {
                    holds = 1;
                    return ACQUIRED;
                }
            } else if (o instanceof UserThread ut ? !ut.onProcessor() : i > SPINS / 4) {
                break;
            }
            Thread.onSpinWait();
        }
        long deadline = nanos > 0 ? System.nanoTime() + nanos : 0;
        Waiting.checkMayWait(me); // before queueing: a refused wait must leave no node behind
        Node node = new Node(me);
        boolean swallowed = false;
        try {
            while (true) {
                UserThread g = guard.lock();
                if (OWNER.compareAndSet(this, null, me)) {
                    if (node.queued) {
                        waiters.remove(node);
                        waiting--;
                    }
                    guard.unlock(g);
                    holds = 1;
                    return ACQUIRED;
                }
                if (!node.queued) {
                    node.queued = true;
                    waiters.add(node);
                    waiting++; // volatile: then re-read owner below (pairs with release())
                }
                guard.unlock(g);
                if (owner == null) {
                    continue;
                }
                long left = 0;
                if (nanos > 0 && (left = deadline - System.nanoTime()) <= 0) {
                    abandon(node);
                    return TIMED_OUT;
                }
                Waiting.park(me, this, left);
                if (Waiting.interrupted(me)) {
                    if (interruptible) {
                        abandon(node);
                        return INTERRUPTED;
                    }
                    swallowed = true;
                }
            }
        } finally {
            if (swallowed) {
                Waiting.reinterrupt(me);
            }
        }
    }

    /** A waiter gives up: leave the queue, or pass on a wake-up it was already given. */
    private void abandon(Node node) {
        UserThread g = guard.lock();
        boolean wasChosen = !node.queued;
        if (node.queued) {
            node.queued = false;
            waiters.remove(node);
            waiting--;
        }
        guard.unlock(g);
        if (wasChosen && owner == null) {
            wakeOne();
        }
    }

    /** Owner releases the last hold. */
    private void release() {
        owner = null; // volatile store, then read waiting: pairs with the waiter's publish-then-re-read
        if (waiting > 0) {
            wakeOne();
        }
    }

    private void wakeOne() {
        UserThread g = guard.lock();
        Node n = waiters.poll();
        if (n != null) {
            n.queued = false;
            waiting--;
        }
        guard.unlock(g);
        if (n != null) {
            n.signalled = true;
            Waiting.unpark(n.waiter);
        }
    }

    private void checkOwner(String what) {
        if (owner != Waiting.self()) {
            throw new IllegalMonitorStateException(what + " requires holding the mutex; " + describe(Waiting.self()) + " does not");
        }
    }

    private static String describe(Object waiter) {
        if (waiter == null) {
            return "nobody";
        }
        return waiter instanceof UserThread t ? "user thread " + t.name() : "thread " + ((Thread) waiter).getName();
    }

    // ------------------------------------------------------------------ conditions

    /**
     * A condition of this mutex. Its waiter queue is guarded by the mutex itself (every method
     * requires holding it), so signal and await never race on the queue; a waiter releases the
     * mutex fully, parks until {@code signalled}, then re-acquires it with its old hold count.
     */
    private final class MutexCondition implements Condition {
        private final ArrayDeque<Node> condWaiters = new ArrayDeque<>();

        @Override
        public void await() throws InterruptedException {
            awaitNanosInternal(0, true);
        }

        @Override
        public void awaitUninterruptibly() {
            try {
                awaitNanosInternal(0, false);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public long awaitNanos(long nanosTimeout) throws InterruptedException {
            if (nanosTimeout <= 0) {
                checkOwner("Condition.awaitNanos");
                return nanosTimeout;
            }
            long deadline = System.nanoTime() + nanosTimeout;
            boolean signalled = awaitNanosInternal(nanosTimeout, true);
            long left = deadline - System.nanoTime();
            // A waiter that consumed a signal must not report a timeout (the signal would be lost).
            return signalled ? Math.max(1, left) : Math.min(0, left);
        }

        @Override
        public boolean await(long time, TimeUnit unit) throws InterruptedException {
            return awaitNanos(unit.toNanos(time)) > 0;
        }

        @Override
        public boolean awaitUntil(Date deadline) throws InterruptedException {
            return awaitNanos(TimeUnit.MILLISECONDS.toNanos(deadline.getTime() - System.currentTimeMillis())) > 0;
        }

        /** Returns true if signalled. */
        private boolean awaitNanosInternal(long nanos, boolean interruptible) throws InterruptedException {
            checkOwner("Condition.await");
            Object me = Waiting.self();
            if (interruptible) {
                Waiting.checkInterrupt(me);
            }
            Waiting.checkMayWait(me);
            Node node = new Node(me);
            condWaiters.add(node);
            int saved = holds;
            holds = 0;
            release();
            long deadline = nanos > 0 ? System.nanoTime() + nanos : 0;
            boolean interrupted = false;
            while (!node.signalled) {
                long left = 0;
                if (nanos > 0 && (left = deadline - System.nanoTime()) <= 0) {
                    break;
                }
                Waiting.park(me, this, left);
                if (Waiting.interrupted(me)) {
                    interrupted = true;
                    if (interruptible) {
                        break;
                    }
                }
            }
            acquire(false, 0);
            holds = saved;
            boolean signalled = node.signalled;
            if (!signalled) {
                condWaiters.remove(node);
            }
            if (interrupted) {
                if (interruptible && !signalled) {
                    throw new InterruptedException();
                }
                Waiting.reinterrupt(me);
            }
            return signalled;
        }

        @Override
        public void signal() {
            checkOwner("Condition.signal");
            Node n = condWaiters.poll();
            if (n != null) {
                n.signalled = true;
                Waiting.unpark(n.waiter);
            }
        }

        @Override
        public void signalAll() {
            checkOwner("Condition.signalAll");
            Node n;
            while ((n = condWaiters.poll()) != null) {
                n.signalled = true;
                Waiting.unpark(n.waiter);
            }
        }
    }
}
