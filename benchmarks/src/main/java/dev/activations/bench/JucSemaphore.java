package dev.activations.bench;

import java.util.concurrent.Semaphore;

/** {@link java.util.concurrent.Semaphore} as a {@link Kind.Sem}: parks platform and virtual threads. */
final class JucSemaphore implements Kind.Sem {
    private final Semaphore semaphore;

    JucSemaphore(int permits) {
        this.semaphore = new Semaphore(permits);
    }

    @Override
    public void acquire() {
        semaphore.acquireUninterruptibly();
    }

    @Override
    public void release() {
        semaphore.release();
    }
}
