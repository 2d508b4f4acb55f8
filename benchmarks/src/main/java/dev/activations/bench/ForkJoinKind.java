package dev.activations.bench;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code forkjoin}: tasks on a private {@link ForkJoinPool} of {@code processors} workers.
 * A start inside the pool is a {@code fork()}, a join is {@code join()} (which helps: the
 * joining worker runs other tasks meanwhile). Tasks cannot park or yield.
 */
final class ForkJoinKind extends Kind {
    private final ForkJoinPool pool;

    ForkJoinKind(int processors) {
        super(FORKJOIN);
        this.pool = new ForkJoinPool(processors);
    }

    /** The pool, for benchmarks that submit to it as an executor. */
    ForkJoinPool pool() {
        return pool;
    }

    @Override
    public Strand start(Runnable body) {
        ForkJoinTask<?> task = ForkJoinTask.adapt(body);
        if (Thread.currentThread() instanceof ForkJoinWorkerThread w && w.getPool() == pool) {
            task.fork();
        } else {
            pool.execute(task);
        }
        return new TaskStrand(task);
    }

    @Override
    public void runInside(Runnable body) {
        pool.invoke(ForkJoinTask.adapt(body));
    }

    @Override
    public Strand current() {
        throw unsupported(FORKJOIN, "current thread to unpark");
    }

    @Override
    public void park() {
        throw unsupported(FORKJOIN, "park");
    }

    @Override
    public void yieldNow() {
        throw unsupported(FORKJOIN, "yield");
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
        pool.shutdownNow();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record TaskStrand(ForkJoinTask<?> task) implements Strand {
        @Override
        public void join() {
            task.join();
        }

        @Override
        public void unpark() {
            throw unsupported(FORKJOIN, "unpark");
        }
    }
}
