package dev.activations.runtime;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The executor of {@link Activations#newExecutor}: each task in its own Java thread of one
 * {@link Scheduler}, i.e. the JDK's own thread-per-task executor
 * ({@link Executors#newThreadPerTaskExecutor}, the class behind
 * {@code newVirtualThreadPerTaskExecutor()}) over {@link Scheduler#threadFactory()}.
 *
 * <h2>Why the JDK's executor, not ours</h2>
 * Ordinary {@code java.util.concurrent} code must not be able to tell this executor from
 * {@code newVirtualThreadPerTaskExecutor()}: thread identity, {@code ThreadLocal}s, lock
 * ownership, interrupts and {@code cancel(true)}, {@code shutdownNow}, {@code invokeAll}/
 * {@code invokeAny} and {@code close} as the {@code ExecutorService} javadoc specifies them.
 * Sharing the JDK's implementation makes that true by construction; what differs is only who
 * schedules the threads. The previous executor (runner user threads that took task after task
 * from a queue) was faster on tiny tasks but visible to them: tasks shared a thread, its
 * {@code ThreadLocal}s and its locks, and JUC blocking held a carrier (issue 15).
 *
 * <p>This class adds one thing: an executor made with its own scheduler closes that scheduler
 * (detaches its address space from the kernel) once the executor has terminated, observed by
 * {@link #close()}, {@link #isTerminated()} or an {@link #awaitTermination} that returns true.
 */
final class ActivationsExecutor implements ExecutorService {
    private final ExecutorService tasks;
    private final Scheduler scheduler;
    private final boolean ownsScheduler;

    ActivationsExecutor(Scheduler scheduler, boolean ownsScheduler) {
        this.scheduler = scheduler;
        this.ownsScheduler = ownsScheduler;
        this.tasks = Executors.newThreadPerTaskExecutor(scheduler.threadFactory());
    }

    /** The scheduler whose Java threads run the tasks. */
    Scheduler scheduler() {
        return scheduler;
    }

    private void released() {
        if (ownsScheduler) {
            scheduler.close(); // idempotent
        }
    }

    @Override
    public void execute(Runnable command) {
        tasks.execute(command);
    }

    @Override
    public <T> Future<T> submit(Callable<T> task) {
        return tasks.submit(task);
    }

    @Override
    public Future<?> submit(Runnable task) {
        return tasks.submit(task);
    }

    @Override
    public <T> Future<T> submit(Runnable task, T result) {
        return tasks.submit(task, result);
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> list) throws InterruptedException {
        return tasks.invokeAll(list);
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> list, long timeout, TimeUnit unit)
            throws InterruptedException {
        return tasks.invokeAll(list, timeout, unit);
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> list) throws InterruptedException, ExecutionException {
        return tasks.invokeAny(list);
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> list, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        return tasks.invokeAny(list, timeout, unit);
    }

    @Override
    public void shutdown() {
        tasks.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
        return tasks.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
        return tasks.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        boolean done = tasks.isTerminated();
        if (done) {
            released();
        }
        return done;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        boolean done = tasks.awaitTermination(timeout, unit);
        if (done) {
            released();
        }
        return done;
    }

    @Override
    public void close() {
        try {
            tasks.close();
        } finally {
            if (tasks.isTerminated()) {
                released();
            }
        }
    }

    @Override
    public String toString() {
        return "ActivationsExecutor[" + scheduler + (tasks.isTerminated() ? ", terminated" : tasks.isShutdown() ? ", shutdown" : "") + "]";
    }
}
