package dev.activations.kernel;

import java.util.concurrent.atomic.LongAdder;

/**
 * Times the kernel's hand-offs (the paper's first promise: a processor whose carrier blocks is
 * soon running another thread) into {@link LatencyRecorder}s (HdrHistogram), read as
 * {@link HandOffStats}. One per {@link Kernel}.
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
 *              carrier has been woken (or started) and scheduled by the OS (kept in
 *              Activation.handOffUpcallAt until the hand-off's end)
 *   dispatch   Activation.noteDispatch on the new activation: its first thread
 *   stoppedAt  the scheduler, when a thread honours REVOKED (it stops on the carrier whose call
 *              returned: at once after a failed exitKernel, at the next safepoint otherwise)
 *   resumed    the scheduler, when it next dispatches that thread: Activation.noteResumed
 * </pre>
 * A hand-off records {@code dispatch - since} (bracketed or unbracketed), its detection part
 * {@code handOffAt - since}, its transit {@code dispatch - handOffAt} and the transit's first
 * part, the wake-up {@code upcall - handOffAt}. If the new activation
 * finds nothing to run (it notes itself idle, or its upcall returns, before any dispatch) the
 * hand-off counts in {@code notRun} instead: no thread was waiting for that processor. A
 * hand-off records everything at its end (the first dispatch, or {@code notRun}), after its last
 * timestamp, and a return after its own: no recording, however slow (a figure's first one
 * allocates its arrays: {@link LatencyRecorder}), lengthens what it records.
 *
 * <h2>Ownership and ordering</h2>
 * The new activation's {@code handOffSince}, {@code handOffAt}, {@code handOffBracketed} are
 * written by {@link #handedOff} under the kernel lock, {@code handOffPending} last, before the
 * activation is started or assigned (Thread.start, or the volatile {@code assignment} it reads
 * after its unpark: both happen-before its upcall). From then on only that carrier reads them
 * and clears {@code handOffPending} ({@link #firstDispatch}, {@link #notRun}); samplers read
 * {@code handOffPending} racily ({@link ProcessorActivity#IN_TRANSIT}). {@code progressSeenAt}
 * belongs to the monitor thread, which is also the thread that calls {@code handOff}.
 * The recorders belong to nobody: the new activations, and the carriers that resume a returned
 * thread, record into them without a lock; {@link #snapshot} (any thread, any time:
 * {@link Kernel#handOffStats()}) reads each one's cumulative total ({@link LatencyRecorder}),
 * exact as of that read. A hand-off's new activation records {@code wakeUp}, then either
 * {@code notRun} or its total, its detection and {@code transit}, in that order; the snapshot
 * reads them in the reverse order, so it never holds a later part of a hand-off without the
 * earlier ones (what a recorder's read includes happened before it, and so did everything its
 * carrier recorded earlier): {@code transit} counts at most the detections, each detection at
 * most its total, and the totals plus {@code notRun} at most {@code wakeUp}.
 *
 * <h2>Cost</h2>
 * Timestamps and recording happen only on the hand-off path: the monitor's hand-off, the new
 * activation's upcall and first dispatch, a thread's stop after a revoked call and its next
 * dispatch, a few thousand times a second at most, so the recording's cost does not matter: four
 * recordings per hand-off of about 35 ns each (10^6 from one thread into one recorder: 33 ns once
 * compiled, 60 ns in the first million; JDK 25, a shared 2-core VM), against a hand-off's tens of
 * microseconds. Memory: three 37 KB arrays for each of the seven figures that has recorded
 * anything (0 to 0.8 MB per kernel), allocated by its first recording ({@link LatencyRecorder}).
 * {@code handOffStats()} copies them: about 0.2 ms for all seven once compiled, a few
 * milliseconds the first times. The fast path pays one read and a branch never taken:
 * {@code handOffPending} in
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
 * A histogram of our own (a copy of HdrHistogram's bucket layout, read racily) was replaced by
 * HdrHistogram's {@code Recorder} (issue 23): one implementation of the layout to trust, and
 * snapshots that are exact instead of racy. Not HdrHistogram's {@code ConcurrentHistogram} read
 * while carriers record: only its recording is thread-safe. Not an auto-resizing
 * {@code Recorder}: it grows and copies its arrays on the recording carrier each time a longer
 * duration than any before comes, and its reads lock per bucket; a fixed range costs 37 KB per
 * array, allocated once. Recording the wake-up when the upcall starts (it was, before): it would
 * sit inside the transit being timed.
 */
final class HandOffClock {
    private final LatencyRecorder bracketed = new LatencyRecorder();
    private final LatencyRecorder bracketedDetection = new LatencyRecorder();
    private final LatencyRecorder unbracketed = new LatencyRecorder();
    private final LatencyRecorder unbracketedDetection = new LatencyRecorder();
    private final LatencyRecorder transit = new LatencyRecorder();
    private final LatencyRecorder wakeUp = new LatencyRecorder();
    private final LatencyRecorder resumed = new LatencyRecorder();
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

    /**
     * {@code a} starts its {@code activationBlocked} upcall after a hand-off: always before its
     * {@link #firstDispatch} or {@link #notRun} (a hand-off's assignment is that upcall). Runs on {@code a}.
     */
    void upcallStarted(Activation a) {
        a.handOffUpcallAt = System.nanoTime(); // recorded at the hand-off's end: firstDispatch, notRun
    }

    /** {@code a}'s first dispatch after a hand-off. Runs on {@code a}. */
    void firstDispatch(Activation a) {
        long now = System.nanoTime();
        a.handOffPending = false;
        long since = a.handOffSince;
        long at = a.handOffAt;
        wakeUp.record(a.handOffUpcallAt - at);
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
        wakeUp.record(a.handOffUpcallAt - a.handOffAt);
        notRun.increment();
    }

    /** A thread stopped at {@code stoppedAt} after a revoked call runs again. Any carrier. */
    void resumed(long stoppedAt) {
        resumed.record(System.nanoTime() - stoppedAt);
    }

    /**
     * Everything recorded so far. Any thread. Reads the figures in the reverse of the order a
     * hand-off records them (see the class comment).
     */
    HandOffStats snapshot() {
        LatencySnapshot transitSoFar = transit.snapshot();
        LatencySnapshot bracketedDetectionSoFar = bracketedDetection.snapshot();
        LatencySnapshot unbracketedDetectionSoFar = unbracketedDetection.snapshot();
        LatencySnapshot bracketedSoFar = bracketed.snapshot();
        LatencySnapshot unbracketedSoFar = unbracketed.snapshot();
        long notRunSoFar = notRun.sum();
        LatencySnapshot wakeUpSoFar = wakeUp.snapshot();
        return new HandOffStats(bracketedSoFar, bracketedDetectionSoFar, unbracketedSoFar, unbracketedDetectionSoFar,
                transitSoFar, wakeUpSoFar, resumed.snapshot(), notRunSoFar);
    }
}
