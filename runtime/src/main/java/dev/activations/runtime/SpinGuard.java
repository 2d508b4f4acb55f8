package dev.activations.runtime;

/**
 * The runtime's critical-section spin lock, guarding the few instructions that update a
 * primitive's wait queues. Held inside a critical section (DESIGN.md §3, the paper's critical-section
 * recovery): a preemption that arrives while a user thread holds it is deferred until the
 * release, so the guard is never held by a stopped thread and spinning on it stays short.
 * Platform threads may hold it too (they spin, then yield their OS thread). The lock itself is
 * a {@link SpinLock}; this class adds the critical section around it.
 */
final class SpinGuard extends SpinLock {

    /** Acquires; returns the caller's user thread (now in a critical section) or null. */
    UserThread lock() {
        UserThread t = UserThread.enterCritical();
        acquire();
        return t;
    }

    /** Releases; {@code t} is what {@link #lock()} returned. May honour a deferred preemption. */
    void unlock(UserThread t) {
        release();
        if (t != null) {
            t.exitCritical();
        }
    }
}
