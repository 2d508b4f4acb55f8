package dev.activations.kernel;

/**
 * A snapshot of one address space's allocation and upcall counters.
 *
 * @param name               the space's name
 * @param priority           its priority
 * @param processorsHeld     VPs allocated to it now
 * @param processorsWanted   processors requested and not yet given
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
        int processorsHeld,
        int processorsWanted,
        long processorAdded,
        long processorPreempted,
        long activationBlocked,
        long activationUnblocked,
        long requests,
        long upcallFailures) {
}
