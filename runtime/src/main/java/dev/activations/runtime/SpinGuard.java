package dev.activations.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The runtime's internal spin lock, guarding the few instructions that update a primitive's
 * wait queues. Held inside a critical section (DESIGN.md §3, the paper's critical-section
 * recovery): a preemption that arrives while a user thread holds it is deferred until the
 * release, so the guard is never held by a stopped thread and spinning on it stays short.
 * Platform threads may hold it too (they spin, then yield their OS thread).
 */
final class SpinGuard {
    private static final VarHandle LOCKED;

    static {
        try {
            LOCKED = MethodHandles.lookup().findVarHandle(SpinGuard.class, "locked", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") private volatile int locked;

    /** Acquires; returns the caller's user thread (now in a critical section) or null. */
    UserThread lock() {
        UserThread t = UserThread.enterCritical();
        int spins = 0;
        while (!LOCKED.compareAndSet(this, 0, 1)) { // acquire: pairs with the release store in unlock
            if (++spins < 128) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        return t;
    }

    /** Releases; {@code t} is what {@link #lock()} returned. May honour a deferred preemption. */
    void unlock(UserThread t) {
        LOCKED.setRelease(this, 0);
        if (t != null) {
            t.exitCritical();
        }
    }
}
