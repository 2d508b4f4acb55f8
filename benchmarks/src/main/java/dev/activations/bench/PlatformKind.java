package dev.activations.bench;

import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/** {@code platform}: one new {@link Thread} (a kernel thread) per start. */
final class PlatformKind extends Kind {
    private static final Thread.Builder BUILDER = Thread.ofPlatform().daemon(true).name("bench-platform");

    PlatformKind() {
        super(PLATFORM);
    }

    @Override
    public Strand start(Runnable body) {
        return new ThreadStrand(BUILDER.start(body));
    }

    @Override
    public Strand current() {
        return new ThreadStrand(Thread.currentThread());
    }

    @Override
    public void park() {
        LockSupport.park(this);
    }

    @Override
    public void yieldNow() {
        Thread.yield();
    }

    @Override
    public Lock newLock() {
        return new ReentrantLock();
    }

    @Override
    public Sem newSemaphore(int permits) {
        return new JucSemaphore(permits);
    }

    @Override
    public void close() {
    }
}
