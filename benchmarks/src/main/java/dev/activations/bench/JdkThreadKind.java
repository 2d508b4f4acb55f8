package dev.activations.bench;

import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The JDK's own threads (platform or virtual): one new {@link Thread} per start from a
 * {@link Thread.Builder}, parked with {@link LockSupport}, locked with JUC. The two kinds differ
 * only in the builder.
 */
abstract class JdkThreadKind extends Kind {
    private final Thread.Builder builder;

    JdkThreadKind(String name, Thread.Builder builder) {
        super(name);
        this.builder = builder;
    }

    @Override
    public Strand start(Runnable body) {
        return new ThreadStrand(builder.start(body));
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
