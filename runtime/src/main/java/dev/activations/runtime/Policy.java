package dev.activations.runtime;

/**
 * Scheduling policies (the paper's "specialization layer"): which ready thread a processor
 * runs next. Chosen with one builder call, {@code Scheduler.builder().policy(Policy.PRIORITY)};
 * each is one small {@link ReadyQueues} subclass, so adding one means adding a class and a
 * constant here, not forking the scheduler.
 */
public enum Policy {
    /**
     * Default. Per-processor hand-off slot for woken threads, owner-LIFO spawn deque for new
     * ones (joins run inline), bounded FIFO ring (JCTools SPMC), one global injection queue,
     * stealing between processors. Best throughput and locality.
     */
    WORK_STEALING,
    /**
     * Strict priorities 1..10 in one global structure: a processor always takes the highest
     * ready priority, and when a thread becomes ready while every processor runs a
     * lower-priority thread, the lowest one is preempted (downcall {@code preempt}).
     */
    PRIORITY,
    /** One global FIFO queue: strict arrival order, no stealing; fair but contended. */
    GLOBAL_FIFO,
    /**
     * Test mode (like Go's scheduler under the race detector): ready threads are picked in a
     * pseudo-random order from one global pool, to shake out code that depends on order.
     */
    RANDOMIZED;

    ReadyQueues create(Scheduler s, long seed) {
        return switch (this) {
            case WORK_STEALING -> new WorkStealingQueues(s);
            case PRIORITY -> new PriorityQueues(s);
            case GLOBAL_FIFO -> new GlobalFifoQueues(s);
            case RANDOMIZED -> new RandomizedQueues(s, seed);
        };
    }
}
