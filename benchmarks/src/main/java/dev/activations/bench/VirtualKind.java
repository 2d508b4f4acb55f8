package dev.activations.bench;

import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/** {@code virtual}: one new JDK virtual thread per start, on the JVM's one virtual-thread scheduler. */
final class VirtualKind extends Kind {
    private static final String PARALLELISM = "jdk.virtualThreadScheduler.parallelism";
    private static final Thread.Builder BUILDER = Thread.ofVirtual().name("bench-virtual");

    /**
     * @param processors the parallelism the run expects; the JDK's scheduler takes it only from
     *                   a system property at startup, so a mismatch is an error, not a silent lie
     */
    VirtualKind(int processors) {
        super(VIRTUAL);
        int all = Runtime.getRuntime().availableProcessors();
        int actual = Integer.getInteger(PARALLELISM, all);
        if (actual != processors) {
            throw new IllegalArgumentException("virtual threads would run on " + actual + " carriers, not "
                    + processors + ": start the JVM with -D" + PARALLELISM + "=" + processors
                    + " (JMH: -jvmArgsAppend -D" + PARALLELISM + "=" + processors + ")");
        }
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
