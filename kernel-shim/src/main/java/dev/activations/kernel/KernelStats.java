package dev.activations.kernel;

import java.util.List;

/**
 * A snapshot of a kernel's counters. Counts are totals since the kernel was built.
 *
 * @param processors          number of VPs
 * @param busyProcessors      VPs allocated to a space now (running, in the kernel or lingering)
 * @param activationsAlive    carrier threads alive now
 * @param activationsPeak     most carrier threads alive at once
 * @param blockedActivations  activations blocked in the kernel now (their VP handed off)
 * @param processorAdded      processorAdded upcalls delivered
 * @param processorPreempted  processorPreempted upcalls delivered
 * @param activationBlocked   activationBlocked upcalls delivered
 * @param activationUnblocked activationUnblocked upcalls delivered
 * @param handOffs            VPs handed from a blocked activation to a fresh one
 * @param standbyHandOffs     of those, taken by a standby spare already running beside the blocked
 *                            carrier (no OS wake-up on the hand-off's path)
 * @param refusedHandOffs     hand-offs not done because maxActivations was reached
 * @param preemptions         preemptions requested (reallocation and downcall), displacements included
 * @param displacements       VPs given to a higher space's carrier at once, the OS displacing the
 *                            lower holder until its next safepoint, or the holder's bracketed call
 *                            handed off (OS priorities only)
 * @param affinityFailures    CPU pinning calls Linux refused (kernels built with
 *                            {@code pinCarriers(true)}; the carrier then runs unpinned)
 * @param osPriorityFailures  upcalls a carrier ran at a higher nice value than its space's,
 *                            because lowering it needs privilege (OS priorities only)
 * @param timeSlicing         processors rotate between spaces now, because some spaces' shares
 *                            give them fractional portions (see {@link Allocation})
 * @param spaces              per-space snapshots
 */
public record KernelStats(
        int processors,
        int busyProcessors,
        int activationsAlive,
        int activationsPeak,
        int blockedActivations,
        long processorAdded,
        long processorPreempted,
        long activationBlocked,
        long activationUnblocked,
        long handOffs,
        long standbyHandOffs,
        long refusedHandOffs,
        long preemptions,
        long displacements,
        long affinityFailures,
        long osPriorityFailures,
        boolean timeSlicing,
        List<SpaceStats> spaces) {
}
