package dev.activations.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The runtime's raw spin lock: a test-and-test-and-set on one word, for sections of a few
 * instructions with no call out. A carrier never blocks in the OS on it (the kernel's monitor
 * would see a BLOCKED carrier and might hand its VP off); past a short spin it yields its OS
 * thread, since the holder's may have been descheduled.
 *
 * <p>Protocol: {@link #acquire} is a CAS 0 → 1 (acquire semantics), retried only after a plain
 * volatile read sees 0, so waiters spin on their cache line instead of bouncing it;
 * {@link #release} is a release store of 0, pairing with that CAS. Not reentrant, no owner
 * check: callers pair the two calls in a try/finally. Subclassed by its users
 * ({@link SpinGuard}, the live-set stripes) so the lock word sits in the guarded object.
 */
class SpinLock {
    private static final VarHandle LOCKED;
    private static final int SPINS_BEFORE_YIELD = 64;

    static {
        try {
            LOCKED = MethodHandles.lookup().findVarHandle(SpinLock.class, "locked", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") private volatile int locked;

    final void acquire() {
        int spins = 0;
        while (!LOCKED.compareAndSet(this, 0, 1)) {
            do {
                if (++spins < SPINS_BEFORE_YIELD) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            } while (locked != 0);
        }
    }

    final void release() {
        LOCKED.setRelease(this, 0);
    }
}
