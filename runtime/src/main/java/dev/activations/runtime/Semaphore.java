package dev.activations.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A counting semaphore that parks user threads (platform threads block normally). FIFO: while
 * anyone waits, new acquirers queue behind them, so a large request is not starved.
 *
 * <h2>Protocol</h2>
 * {@code permits} changes only by CAS. Waiters queue under {@link SpinGuard} and publish
 * {@code waiting}, then (still under the guard) grant what the permits allow; a releaser adds
 * permits (CAS) and then reads {@code waiting}. So either the waiter sees the new permits or
 * the releaser sees the waiter. Grants happen only under the guard, head first; a granted
 * node's permits are already taken, so a waiter that gives up after being granted returns
 * them.
 */
public final class Semaphore {
    private static final VarHandle PERMITS;

    static {
        try {
            PERMITS = MethodHandles.lookup().findVarHandle(Semaphore.class, "permits", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final class Node {
        final Object waiter;
        final int need;
        volatile boolean granted;

        Node(Object waiter, int need) {
            this.waiter = waiter;
            this.need = need;
        }
    }

    private volatile int permits;
    private final SpinGuard guard = new SpinGuard();
    private final ArrayDeque<Node> waiters = new ArrayDeque<>();
    private volatile int waiting;

    /**
     * @param permits initial permits, >= 0
     */
    public Semaphore(int permits) {
        if (permits < 0) {
            throw new IllegalArgumentException("permits must be >= 0, was " + permits);
        }
        this.permits = permits;
    }

    public void acquire() throws InterruptedException {
        acquire(1);
    }

    /** Takes {@code n} (>= 1) permits, waiting as long as needed. */
    public void acquire(int n) throws InterruptedException {
        checkCount(n);
        Object me = Waiting.self();
        Waiting.checkInterrupt(me);
        if (!acquireSlow(me, n, 0, true)) {
            Waiting.interrupted(me); // acquireSlow left the flag set; the exception replaces it
            throw new InterruptedException();
        }
    }

    /** Takes {@code n} permits, ignoring interrupts (re-asserted on return). */
    public void acquireUninterruptibly(int n) {
        checkCount(n);
        acquireSlow(Waiting.self(), n, 0, false);
    }

    /** Takes one permit if available now and nobody waits. */
    public boolean tryAcquire() {
        return tryAcquire(1);
    }

    public boolean tryAcquire(int n) {
        checkCount(n);
        boolean ok = waiting == 0 && tryTake(n);
        UserThread.poll();
        return ok;
    }

    /** Takes {@code n} permits if they become available within {@code timeout}. */
    public boolean tryAcquire(int n, Duration timeout) throws InterruptedException {
        checkCount(n);
        Objects.requireNonNull(timeout, "timeout must not be null");
        Object me = Waiting.self();
        Waiting.checkInterrupt(me);
        long nanos = UserThread.saturatedNanos(timeout);
        if (nanos <= 0) {
            return tryAcquire(n);
        }
        boolean ok = acquireSlow(me, n, nanos, true);
        if (!ok && Waiting.interrupted(me)) {
            throw new InterruptedException();
        }
        return ok;
    }

    public void release() {
        release(1);
    }

    /** Returns {@code n} (>= 1) permits and wakes waiters they satisfy. */
    public void release(int n) {
        checkCount(n);
        int p;
        do {
            p = permits;
            if (p + n < p) {
                throw new Error("Maximum permit count exceeded");
            }
        } while (!PERMITS.compareAndSet(this, p, p + n)); // then read waiting: pairs with acquireSlow
        if (waiting > 0) {
            grantAndWake();
        }
        UserThread.poll();
    }

    public int availablePermits() {
        return permits;
    }

    @Override
    public String toString() {
        return "Semaphore[permits=" + permits + ", waiting=" + waiting + "]";
    }

    private static void checkCount(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("permits to acquire or release must be >= 1, was " + n);
        }
    }

    private boolean tryTake(int n) {
        int p;
        do {
            p = permits;
            if (p < n) {
                return false;
            }
        } while (!PERMITS.compareAndSet(this, p, p - n));
        return true;
    }

    /** Returns false on timeout or (interruptible) interrupt, leaving the interrupt flag set. */
    private boolean acquireSlow(Object me, int n, long nanos, boolean interruptible) {
        if (waiting == 0 && tryTake(n)) {
            UserThread.poll();
            return true;
        }
        Waiting.checkMayWait(me); // before queueing: a refused wait must be granted nothing
        Node node = new Node(me, n);
        UserThread g = guard.lock();
        waiters.add(node);
        waiting++; // volatile: then read permits in grantLocked (pairs with release)
        List<Node> woken = grantLocked();
        guard.unlock(g);
        wakeAll(woken, node);
        long deadline = nanos > 0 ? System.nanoTime() + nanos : 0;
        boolean swallowed = false;
        try {
            while (!node.granted) {
                long left = 0;
                if (nanos > 0 && (left = deadline - System.nanoTime()) <= 0) {
                    return cancel(node);
                }
                Waiting.park(me, this, left);
                if (Waiting.interrupted(me)) {
                    if (interruptible) {
                        boolean got = cancel(node);
                        if (!got) {
                            Waiting.reinterrupt(me); // caller turns it into InterruptedException
                        } else {
                            swallowed = true;
                        }
                        return got;
                    }
                    swallowed = true;
                }
            }
            return true;
        } finally {
            if (swallowed) {
                Waiting.reinterrupt(me);
            }
        }
    }

    /** Leaves the queue; returns true if the permits were granted meanwhile (then kept). */
    private boolean cancel(Node node) {
        UserThread g = guard.lock();
        if (node.granted) {
            guard.unlock(g);
            return true;
        }
        waiters.remove(node);
        waiting--;
        List<Node> woken = grantLocked(); // the new head may fit now
        guard.unlock(g);
        wakeAll(woken, null);
        return false;
    }

    private void grantAndWake() {
        UserThread g = guard.lock();
        List<Node> woken = grantLocked();
        guard.unlock(g);
        wakeAll(woken, null);
    }

    /** Caller holds the guard. Grants from the head while permits suffice. */
    private List<Node> grantLocked() {
        List<Node> woken = null;
        Node head;
        while ((head = waiters.peek()) != null && tryTake(head.need)) {
            waiters.poll();
            waiting--;
            head.granted = true;
            if (woken == null) {
                woken = new ArrayList<>(2);
            }
            woken.add(head);
        }
        return woken;
    }

    private static void wakeAll(List<Node> woken, Node self) {
        if (woken != null) {
            for (Node n : woken) {
                if (n != self) {
                    Waiting.unpark(n.waiter);
                }
            }
        }
    }
}
