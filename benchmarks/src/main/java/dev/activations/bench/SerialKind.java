package dev.activations.bench;

import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code serial}: no threads at all; {@link #start} runs the body to completion on the caller.
 * The one-processor baseline that speed-ups are measured against.
 */
final class SerialKind extends Kind {
    private static final Strand DONE = new Strand() {
        @Override
        public void join() {
        }

        @Override
        public void unpark() {
            throw unsupported(SERIAL, "unpark");
        }
    };

    SerialKind() {
        super(SERIAL);
    }

    @Override
    public Strand start(Runnable body) {
        body.run();
        return DONE;
    }

    @Override
    public Strand current() {
        throw unsupported(SERIAL, "current thread");
    }

    @Override
    public void park() {
        throw unsupported(SERIAL, "park");
    }

    @Override
    public void yieldNow() {
    }

    @Override
    public Lock newLock() {
        return new ReentrantLock();
    }

    @Override
    public Sem newSemaphore(int permits) {
        throw unsupported(SERIAL, "semaphore");
    }

    @Override
    public void close() {
    }
}
