package dev.activations.bench;

import java.util.concurrent.locks.LockSupport;

/** A platform or virtual {@link Thread} as a {@link Strand}. */
record ThreadStrand(Thread thread) implements Strand {

    /** Fails on interrupt, so a JMH iteration timeout can stop a run that hangs. */
    @Override
    public void join() {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while joining " + thread, e);
        }
    }

    @Override
    public void unpark() {
        LockSupport.unpark(thread);
    }
}
