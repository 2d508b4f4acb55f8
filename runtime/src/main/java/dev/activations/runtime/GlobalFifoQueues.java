package dev.activations.runtime;

import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One global FIFO ({@link ConcurrentLinkedQueue}): threads run in the order they became ready, whichever
 * processor is free takes the head. No per-processor state, so nothing to steal or drain.
 */
final class GlobalFifoQueues extends ReadyQueues {
    private final ConcurrentLinkedQueue<Strand> queue = new ConcurrentLinkedQueue<>();

    GlobalFifoQueues(Scheduler s) {
        super(s);
    }

    @Override
    void pushNew(Worker w, Strand t) {
        queue.offer(t);
    }

    @Override
    void pushWoken(Worker w, Strand t) {
        queue.offer(t);
    }

    @Override
    void pushYielded(Worker w, Strand t) {
        queue.offer(t);
    }

    @Override
    void pushExternal(Strand t) {
        queue.offer(t);
    }

    @Override
    Strand next(Worker w, boolean lastChance) {
        return queue.poll();
    }

    @Override
    Strand poll() {
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
