package dev.activations.runtime;

/**
 * What a ready queue holds and a {@link Worker} runs: one of the scheduler's two thread kinds
 * (DESIGN.md §3a).
 * <ul>
 *   <li>{@link UserThread}: a raw continuation with our own scheduling state; one object for
 *       the thread's whole life.</li>
 *   <li>{@link JavaTask}: one submission of a Java (virtual) thread's continuation, made by the
 *       JDK through the thread's scheduler ({@link JavaThreads}); one object per submission.</li>
 * </ul>
 * The queues, policies and processor accounting see only a {@code Strand} and its priority;
 * running one and acting on how it came back is the kind's business ({@link #runOn}).
 * Extends {@link LiveSet.Member} because user threads are kept in the scheduler's live set
 * (a Java task carries the unused links: three words per submission).
 */
abstract class Strand extends LiveSet.Member {
    /** 1..10; the PRIORITY policy's level. Immutable. */
    final int priority;

    /**
     * Set when this strand stopped because the VP of the carrier it ran on had been handed off
     * while it blocked (it honoured REVOKED), at {@code stoppedAt} ({@code System.nanoTime}): the
     * worker that next dispatches it reports the wait to the kernel ({@link Worker#resumed},
     * the kernel's {@code HandOffStats.resumed}) and clears it. Written by the carrier it stopped
     * on, read by the worker that takes it from a ready queue (the queue orders the two).
     */
    boolean stoppedOnRevoke;
    long stoppedAt;

    Strand(int priority) {
        this.priority = priority;
    }

    /**
     * Runs this strand on {@code w}'s carrier until it unmounts. Runs on that carrier, inside the
     * worker loop. Returns the strand if a kernel signal stopped it (it is queued nowhere: the
     * kernel delivers it back through an upcall), else null.
     */
    abstract Object runOn(Worker w);

    /**
     * The strand mounted on the caller's carrier stops at a raised kernel {@code signal}, or
     * defers it to the end of its critical section. Runs on that strand.
     */
    abstract void honourSignal(int signal);

    /** Inside a critical section. Exact on this strand's carrier; a racy hint elsewhere. */
    abstract boolean inCriticalSection();

    /** This strand stops now because its carrier's VP was revoked: start timing its wait to run again. */
    final void noteRevokedStop() {
        stoppedAt = System.nanoTime();
        stoppedOnRevoke = true;
    }
}
