package dev.activations.runtime;

import org.jctools.queues.MpmcUnboundedXaddArrayQueue;

/**
 * One global FIFO (JCTools MPMC): threads run in the order they became ready, whichever
 * processor is free takes the head. No per-processor state, so nothing to steal or drain.
 */
final class GlobalFifoQueues extends ReadyQueues {
    private final MpmcUnboundedXaddArrayQueue<UserThread> queue = new MpmcUnboundedXaddArrayQueue<>(1024);

    GlobalFifoQueues(Scheduler s) {
        super(s);
    }

    @Override
    void pushNew(Worker w, UserThread t) {
        queue.offer(t);
    }

    @Override
    void pushWoken(Worker w, UserThread t) {
        queue.offer(t);
    }

    @Override
    void pushYielded(Worker w, UserThread t) {
        queue.offer(t);
    }

    @Override
    void pushExternal(UserThread t) {
        queue.offer(t);
    }

    @Override
    UserThread next(Worker w, boolean lastChance) {
        return queue.poll();
    }

    @Override
    boolean hasWork() {
        return !queue.isEmpty();
    }

    @Override
    boolean hasSurplus(Worker w) {
        return !queue.isEmpty();
    }

    @Override
    void drain(Worker w) {
    }

    @Override
    int size() {
        return queue.size();
    }
}
