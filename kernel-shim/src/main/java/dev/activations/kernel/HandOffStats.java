package dev.activations.kernel;

/**
 * The kernel's hand-off latencies since it was built ({@link Kernel#handOffStats()}): how long
 * a processor stays lost to a blocked carrier, and how long a thread whose call returned after
 * a hand-off waits to run again. Every figure is taken from the kernel's and the scheduler's
 * own timestamps ({@code System.nanoTime}), only on the hand-off path; see {@code HandOffClock}
 * for exactly where. Durations in the snapshots are nanoseconds, read back at most 1 % high
 * ({@link LatencySnapshot}). Each figure is exact as of the moment it was read; the figures are
 * read one after another, in the reverse of the order a hand-off records them, so a hand-off
 * recorded meanwhile may show in {@code wakeUp} and not yet in {@code transit}, never the other
 * way round: {@code transit.count()} is at most the detections' counts, each detection's at
 * most its total's, and {@code bracketed.count() + unbracketed.count() + notRun} at most
 * {@code wakeUp.count()}.
 *
 * @param bracketed            a carrier blocked in a bracketed call ({@code enterKernel}) to the
 *                             first thread its processor's new activation dispatched. At least
 *                             {@code blockedAfter} by construction: the bracket keeps its
 *                             processor that long on purpose
 * @param bracketedDetection   the part of {@code bracketed} before the monitor's hand-off
 * @param unbracketed          the monitor's last sample that saw the carrier not blocked (making
 *                             progress, or inside a bracket) to the first thread dispatched on
 *                             its processor afterwards. The call began between the sample
 *                             before that one and the sample after it, so each duration is
 *                             within one {@code monitorInterval} of the truth either way
 * @param unbracketedDetection the part of {@code unbracketed} before the monitor's hand-off
 * @param transit              the monitor's hand-off to the first dispatch on the new
 *                             activation (waking a spare carrier, the {@code activationBlocked}
 *                             upcall, the scheduler finding a thread), both kinds
 * @param wakeUp               the first part of {@code transit}: the hand-off to the new activation
 *                             starting its upcall (the OS waking and scheduling a spare carrier,
 *                             or starting a new one); the rest is the upcall and the scheduler
 *                             finding a thread
 * @param resumed              a thread stopped after its blocking call returned on a carrier whose
 *                             processor had been handed off, to its next dispatch on a processor
 *                             (reported by the scheduler: {@link Activation#noteResumed})
 * @param notRun               hand-offs whose new activation had no thread to run at its first
 *                             look (or lost the processor before it ran one): no latency sample,
 *                             nothing was waiting for the processor
 */
public record HandOffStats(
        LatencySnapshot bracketed,
        LatencySnapshot bracketedDetection,
        LatencySnapshot unbracketed,
        LatencySnapshot unbracketedDetection,
        LatencySnapshot transit,
        LatencySnapshot wakeUp,
        LatencySnapshot resumed,
        long notRun) {

    /**
     * What was recorded after {@code earlier}, an earlier snapshot of the same kernel: exact
     * ({@link LatencySnapshot#minus}).
     *
     * @throws IllegalArgumentException if {@code earlier} is not an earlier snapshot of this
     *     kernel's (it holds a sample, or a {@code notRun}, that this one does not)
     */
    public HandOffStats minus(HandOffStats earlier) {
        if (notRun < earlier.notRun) {
            throw new IllegalArgumentException("not an earlier snapshot of the same kernel: notRun " + earlier.notRun
                    + " > " + notRun);
        }
        return new HandOffStats(bracketed.minus(earlier.bracketed), bracketedDetection.minus(earlier.bracketedDetection),
                unbracketed.minus(earlier.unbracketed), unbracketedDetection.minus(earlier.unbracketedDetection),
                transit.minus(earlier.transit), wakeUp.minus(earlier.wakeUp), resumed.minus(earlier.resumed),
                notRun - earlier.notRun);
    }
}
