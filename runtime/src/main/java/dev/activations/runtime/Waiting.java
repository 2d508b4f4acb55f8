package dev.activations.runtime;

import java.util.concurrent.locks.LockSupport;

/**
 * Blocking that works for both kinds of caller: a user thread parks itself (its processor
 * runs other threads), a platform thread parks its OS thread. Every user-level primitive
 * (Mutex, Semaphore, Latch, Channel, join, futures) waits through here.
 */
final class Waiting {
    private Waiting() {
    }

    /** The calling waiter: its UserThread, or the platform Thread. */
    static Object self() {
        UserThread t = UserThread.current();
        return t != null ? t : Thread.currentThread();
    }

    /** Parks {@code self} (the caller) for at most {@code nanos}, or without limit if 0. May return spuriously. */
    static void park(Object self, Object blocker, long nanos) {
        if (self instanceof UserThread t) {
            t.parkInternal(nanos);
        } else if (nanos > 0) {
            LockSupport.parkNanos(blocker, nanos);
        } else {
            LockSupport.park(blocker);
        }
    }

    /** Before {@code self} (the caller) joins a wait queue: refuses a user thread inside UserThread.blocking. */
    static void checkMayWait(Object self) {
        if (self instanceof UserThread t) {
            t.checkMayWait();
        }
    }

    static void unpark(Object waiter) {
        if (waiter instanceof UserThread t) {
            t.unpark();
        } else {
            LockSupport.unpark((Thread) waiter);
        }
    }

    /** Tests and clears the caller's interrupt flag. */
    static boolean interrupted(Object self) {
        return self instanceof UserThread t ? t.clearInterrupt() : Thread.interrupted();
    }

    /** Throws if the caller was interrupted (clearing the flag). */
    static void checkInterrupt(Object self) throws InterruptedException {
        if (interrupted(self)) {
            throw new InterruptedException();
        }
    }

    /** Re-asserts an interrupt the caller swallowed while waiting uninterruptibly. */
    static void reinterrupt(Object self) {
        if (self instanceof UserThread t) {
            t.interrupt();
        } else {
            ((Thread) self).interrupt();
        }
    }
}
