package dev.activations.kernel;

/**
 * A snapshot of one address space's allocation and upcall counters.
 *
 * @param name               the space's name
 * @param priority           its priority
 * @param minProcessors      its guaranteed minimum ({@link Allocation#minProcessors()})
 * @param maxProcessors      its cap, at most the kernel's processor count (no cap: that count)
 * @param share              its weight within its priority level ({@link Allocation#share()})
 * @param processorsHeld     VPs allocated to it now
 * @param processorsWanted   processors requested and not yet given
 * @param processorNanos     VP time it has held since it was attached, ns
 *                           ({@link AddressSpace#processorNanos()})
 * @param processorAdded     processorAdded upcalls delivered to it
 * @param processorPreempted processorPreempted upcalls delivered to it
 * @param activationBlocked  activationBlocked upcalls delivered to it
 * @param activationUnblocked activationUnblocked upcalls delivered to it
 * @param requests           requestProcessors downcalls made
 * @param upcallFailures     upcalls that threw (a scheduler bug: reported, carrier kept)
 */
public record SpaceStats(
        String name,
        int priority,
        int minProcessors,
        int maxProcessors,
        int share,
        int processorsHeld,
        int processorsWanted,
        long processorNanos,
        long processorAdded,
        long processorPreempted,
        long activationBlocked,
        long activationUnblocked,
        long requests,
        long upcallFailures) {
}
