package dev.activations.runtime;

import dev.activations.kernel.Activation;
import java.util.concurrent.Callable;

/**
 * One submission of a Java thread: the JDK handed its scheduler ({@link JavaThreads}) the
 * virtual thread's {@code runContinuation}, and this carries it through our ready queues to a
 * {@link Worker}, which runs it once ({@link Worker#run(JavaTask)}). The JDK makes at most one
 * submission of a virtual thread at a time (its state CAS to STARTED, UNPARKED, UNBLOCKED or
 * YIELDED has one winner, and {@code runContinuation} runs nothing unless it wins the CAS to
 * RUNNING), so a virtual thread is in at most one ready queue, as a user thread is.
 *
 * <h2>Why per submission, not per thread</h2>
 * The JDK builder takes one {@code Executor} for every thread it builds, and a virtual thread
 * started inside one of ours inherits that executor: the executor sees only a
 * {@code Runnable}. A wrapper per submission costs one small allocation, as the JDK's own
 * {@code ForkJoinTask.adapt(runContinuation)} does; priority comes from the executor (one per
 * level, {@link JavaThreads.Level}).
 *
 * <h2>Critical sections and the blocking bracket</h2>
 * Inside {@link #critical} and {@link #blocking} the virtual thread is pinned
 * ({@link Fiber#pin}): it cannot unmount, so it stays on one carrier and this submission stays
 * the mounted strand from the section's start to its end. That is what lets the section's
 * state live here rather than in a per-thread object, and it is the semantics wanted anyway: a
 * critical section runs to its end before the thread gives its processor up; a bracketed
 * call's carrier is the one the kernel watches. A JUC park inside a pinned section parks the
 * carrier, which the kernel's monitor sees and hands off like any blocking call.
 *
 * <h2>Ownership</h2>
 * {@code criticalDepth}, {@code stopDeferred} and {@code deferredSignal} are touched only by the
 * virtual thread while it is mounted and pinned (so by one carrier).
 */
final class JavaTask extends Strand {
    /** The JDK's {@code runContinuation} of one virtual thread. */
    final Runnable cont;

    private int criticalDepth;
    private boolean stopDeferred;
    private int deferredSignal;

    JavaTask(Runnable cont, int priority) {
        super(priority);
        this.cont = cont;
    }

    @Override
    Object runOn(Worker w) {
        return w.run(this);
    }

    /**
     * The kernel wants the processor: unmount now ({@code Thread.yield()}: the JDK re-submits
     * this thread, the worker loop sees the signal and gives the processor up), or at the end
     * of the critical section. A pinned thread cannot unmount; it stops at its next unmount.
     */
    @Override
    void honourSignal(int signal) {
        if (criticalDepth > 0) {
            stopDeferred = true;
            deferredSignal |= signal;
            return;
        }
        if ((signal & Activation.REVOKED) != 0) {
            noteRevokedStop(); // JavaThreads.submit passes it on to the re-submission
        }
        Thread.yield();
        stoppedOnRevoke = false; // this submission is over (or the yield was refused: nothing to time)
    }

    @Override
    boolean inCriticalSection() {
        return criticalDepth > 0;
    }

    /** {@code UserThread.critical} in a Java thread whose current submission is {@code t}. */
    static void critical(JavaTask t, Runnable section) {
        Fiber.pin(); // t stays mounted, on this carrier, until unpin
        t.criticalDepth++;
        try {
            section.run();
        } finally {
            boolean outermost = --t.criticalDepth == 0;
            Fiber.unpin();
            if (outermost && t.stopDeferred) {
                t.stopDeferred = false;
                int sig = t.deferredSignal;
                t.deferredSignal = 0;
                t.honourSignal(sig);
            }
        }
    }

    /**
     * {@code UserThread.blocking} in a Java thread: the kernel bracket around {@code call},
     * pinned so that the carrier that entered the kernel is the one that leaves it. If the VP
     * was handed off meanwhile, the thread unmounts after the call (or at the end of its
     * critical section).
     */
    static <T> T blocking(Callable<T> call) throws Exception {
        UserThread.poll(); // a safepoint first; afterwards this is perhaps another submission
        Fiber.pin();
        JavaTask t = null;
        boolean revoked = false;
        try {
            Worker w = Carrier.worker();
            if (w == null || !(w.current instanceof JavaTask mine)) {
                return call.call(); // the scheduler closed and the thread finishes off our carriers
            }
            t = mine;
            Activation a = w.act;
            a.enterKernel(t);
            try {
                return call.call();
            } finally {
                revoked = !a.exitKernel();
            }
        } finally {
            Fiber.unpin();
            if (revoked) {
                t.honourSignal(Activation.REVOKED);
            }
        }
    }

    @Override
    public String toString() {
        return "JavaTask[" + cont + ", priority " + priority + "]";
    }
}
