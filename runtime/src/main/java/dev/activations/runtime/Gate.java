package dev.activations.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A one-shot gate: waiters block until it is opened (or failed), then all pass for ever.
 * Used by join, latches and futures; works for user and platform threads.
 *
 * <p>{@code head} is a Treiber stack of waiting nodes, or a terminal marker once the gate has
 * opened or failed. A waiter pushes its node by CAS (which fails once terminal) and parks
 * until its node is woken; {@code open} swaps in the terminal marker (getAndSet, so each
 * node is taken exactly once) and wakes every node it took. A waiter that gives up (timeout,
 * interrupt) leaves its node behind; the later wake-up is a harmless spurious unpark.
 */
final class Gate {
    private static final VarHandle HEAD;
    private static final Object OPEN = new Object();

    static {
        try {
            HEAD = MethodHandles.lookup().findVarHandle(Gate.class, "head", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final class Node {
        final Object waiter;
        final Object next;
        volatile boolean woken;

        Node(Object waiter, Object next) {
            this.waiter = waiter;
            this.next = next;
        }
    }

    private record Failed(RuntimeException cause) {
    }

    @SuppressWarnings("unused") private volatile Object head;

    boolean isOpen() {
        Object h = head;
        return h == OPEN || h instanceof Failed;
    }

    /** Opens the gate; returns false if it was already open or failed. */
    boolean open() {
        return release(OPEN);
    }

    /** Fails the gate: current and future waiters get (a copy of) {@code cause}. */
    boolean fail(RuntimeException cause) {
        return release(new Failed(cause));
    }

    private boolean release(Object terminal) {
        Object h;
        do {
            h = head;
            if (h == OPEN || h instanceof Failed) {
                return false;
            }
        } while (!HEAD.compareAndSet(this, h, terminal));
        for (Object n = h; n instanceof Node node; n = node.next) {
            node.woken = true; // before unpark: pairs with the waiter's read after park
            Waiting.unpark(node.waiter);
        }
        return true;
    }

    /** Waits until open; throws the failure if failed. */
    void await() throws InterruptedException {
        awaitNanos(Waiting.self(), 0, true);
    }

    /** {@link #await()} for a caller that knows itself: {@code self} is {@link Waiting#self()}. */
    void await(Object self) throws InterruptedException {
        awaitNanos(self, 0, true);
    }

    /** Waits at most {@code nanos} (> 0). Returns true if open. */
    boolean await(long nanos) throws InterruptedException {
        if (nanos <= 0) {
            return passed();
        }
        return awaitNanos(Waiting.self(), nanos, true);
    }

    /** Waits until open, ignoring interrupts (re-asserted on return). */
    void awaitUninterruptibly() {
        try {
            awaitNanos(Waiting.self(), 0, false);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private boolean awaitNanos(Object self, long nanos, boolean interruptible) throws InterruptedException {
        if (passed()) {
            return true;
        }
        if (interruptible) {
            Waiting.checkInterrupt(self);
        }
        Waiting.checkMayWait(self);
        Node node;
        while (true) {
            Object h = head;
            if (h == OPEN || h instanceof Failed) {
                return passed();
            }
            node = new Node(self, h);
            if (HEAD.compareAndSet(this, h, node)) {
                break;
            }
        }
        long deadline = nanos > 0 ? System.nanoTime() + nanos : 0;
        boolean swallowed = false;
        try {
            while (!node.woken) {
                long left = 0;
                if (nanos > 0) {
                    left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return passed();
                    }
                }
                Waiting.park(self, this, left);
                if (Waiting.interrupted(self)) {
                    if (interruptible) {
                        throw new InterruptedException();
                    }
                    swallowed = true;
                }
            }
        } finally {
            if (swallowed) {
                Waiting.reinterrupt(self);
            }
        }
        return passed();
    }

    private boolean passed() {
        Object h = head;
        if (h instanceof Failed f) {
            RuntimeException c = f.cause();
            throw c instanceof IllegalStateException ? new IllegalStateException(c.getMessage(), c) : c;
        }
        return h == OPEN;
    }
}
