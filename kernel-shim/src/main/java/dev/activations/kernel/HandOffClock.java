package dev.activations.kernel;

import java.util.concurrent.atomic.LongAdder;

/**
 * Times the kernel's hand-offs (the paper's first promise: a processor whose carrier blocks is
 * soon running another thread) into {@link LatencyHistogram}s, read as {@link HandOffStats}.
 * One per {@link Kernel}.
 *
 * <h2>Where each timestamp comes from ({@code System.nanoTime})</h2>
 * <pre>
 *   since      bracketed:   Activation.kernelEnteredAt, taken by enterKernel (existing)
 *              unbracketed: Activation.progressSeenAt, the monitor's last sample of the carrier
 *                           that did not suspect it (it had made progress, was in a bracket, or
 *                           a pause voided the suspicion): the call began after the sample before
 *                           that one and before the sample after it (+-1 monitorInterval)
 *   handOffAt  Kernel.handOff, after the CAS to BLOCKED (the same instant as blockedAt)
 *   upcall     Kernel.deliver on the new activation, before activationBlocked: the spare
 *              carrier has been woken (or started) and scheduled by the OS
 *   dispatch   Activation.noteDispatch on the new activation: its first thread
 *   stoppedAt  the scheduler, when a thread honours REVOKED (it stops on the carrier whose call
 *              returned: at once after a failed exitKernel, at the next safepoint otherwise)
 *   resumed    the scheduler, when it next dispatches that thread: Activation.noteResumed
 * </pre>
 * A hand-off records {@code dispatch - since} (bracketed or unbracketed), its detection part
 * {@code handOffAt - since}, its transit {@code dispatch - handOffAt} and the transit's first
 * part, the wake-up {@code upcall - handOffAt}. If the new activation
 * finds nothing to run (it notes itself idle, or its upcall returns, before any dispatch) the
 * hand-off counts in {@code notRun} instead: no thread was waiting for that processor.
 *
 * <h2>Ownership and ordering</h2>
 * The new activation's {@code handOffSince}, {@code handOffAt}, {@code handOffBracketed} are
 * written by {@link #handedOff} under the kernel lock, {@code handOffPending} last, before the
 * activation is started or assigned (Thread.start, or the volatile {@code assignment} it reads
 * after its unpark: both happen-before its upcall). From then on only that carrier reads them
 * and clears {@code handOffPending} ({@link #firstDispatch}, {@link #notRun}); samplers read
 * {@code handOffPending} racily ({@link ProcessorActivity#IN_TRANSIT}). {@code progressSeenAt}
 * belongs to the monitor thread, which is also the thread that calls {@code handOff}.
 *
 * <h2>Cost</h2>
 * Timestamps and recording happen only on the hand-off path: the monitor's hand-off, the new
 * activation's upcall and first dispatch, a thread's stop after a revoked call and its next dispatch. The
 * fast path pays one read and a branch never taken: {@code handOffPending} in
 * {@code noteDispatch}/{@code noteIdle} (a field of the carrier's own activation, next to the
 * dispatch counter {@code noteDispatch} already writes), and the scheduler's check of the
 * strand it is about to run and of a yielding Java thread's old submission. Yield (1 VP) could
 * not tell the difference (docs/RESULTS.md, "The promises").
 *
 * <h2>Rejected</h2>
 * Timestamping every dispatch (to know when the blocked thread last ran) would put a
 * {@code nanoTime} on the fast path; the monitor's samples bound the unbracketed start within
 * one interval for free. A JFR event per hand-off completion was left out: JFR's
 * {@code ActivationBlocked} carries the detection time, and percentiles need a histogram anyway.
 */
final class HandOffClock {
    private final LatencyHistogram bracketed = new LatencyHistogram();
    private final LatencyHistogram bracketedDetection = new LatencyHistogram();
    private final LatencyHistogram unbracketed = new LatencyHistogram();
    private final LatencyHistogram unbracketedDetection = new LatencyHistogram();
    private final LatencyHistogram transit = new LatencyHistogram();
    private final LatencyHistogram wakeUp = new LatencyHistogram();
    private final LatencyHistogram resumed = new LatencyHistogram();
    private final LongAdder notRun = new LongAdder();

    /**
     * The monitor handed {@code blocked}'s VP to {@code fresh} at {@code now}. Caller holds the
     * kernel lock, on the monitor thread, before {@code fresh} is started or assigned.
     */
    void handedOff(Activation blocked, Activation fresh, boolean isBracketed, long now) {
        long since = isBracketed ? blocked.kernelEnteredAt : blocked.progressSeenAt;
        fresh.handOffSince = since - now > 0 ? now : since;
        fresh.handOffAt = now;
        fresh.handOffBracketed = isBracketed;
        fresh.handOffPending = true; // last: see the class comment
    }

    /** {@code a} starts its {@code activationBlocked} upcall after a hand-off. Runs on {@code a}. */
    void upcallStarted(Activation a) {
        wakeUp.record(System.nanoTime() - a.handOffAt);
    }

    /** {@code a}'s first dispatch after a hand-off. Runs on {@code a}. */
    void firstDispatch(Activation a) {
        long now = System.nanoTime();
        a.handOffPending = false;
        long since = a.handOffSince;
        long at = a.handOffAt;
        if (a.handOffBracketed) {
            bracketed.record(now - since);
            bracketedDetection.record(at - since);
        } else {
            unbracketed.record(now - since);
            unbracketedDetection.record(at - since);
        }
        transit.record(now - at);
    }

    /** {@code a} found nothing to run after a hand-off, or lost the VP first. Runs on {@code a}. */
    void notRun(Activation a) {
        a.handOffPending = false;
        notRun.increment();
    }

    /** A thread stopped at {@code stoppedAt} after a revoked call runs again. Any carrier. */
    void resumed(long stoppedAt) {
        resumed.record(System.nanoTime() - stoppedAt);
    }

    HandOffStats snapshot() {
        return new HandOffStats(bracketed.snapshot(), bracketedDetection.snapshot(), unbracketed.snapshot(),
                unbracketedDetection.snapshot(), transit.snapshot(), wakeUp.snapshot(), resumed.snapshot(), notRun.sum());
    }
}
