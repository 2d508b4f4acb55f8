package dev.activations.runtime;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An {@link java.util.concurrent.ExecutorService} whose every task runs in its own
 * {@link UserThread} of one {@link Scheduler}.
 *
 * <h2>Books and the submit/shutdown race</h2>
 * {@code outstanding} counts accepted tasks that have not left yet (finished, or cancelled
 * before they started), plus, for a moment, a task being refused; the TaskFuture state machine
 * reports each task's leaving exactly once ({@link #taskFinished}). There is no registry of
 * tasks: their threads are in the scheduler's registry ({@link Scheduler#threads()}), each with
 * its TaskFuture as attachment, and {@code shutdownNow} scans that.
 * <ul>
 *   <li>{@code execute} increments {@code outstanding}, then reads {@code state}; a submitter
 *       that sees SHUTDOWN/STOP moves its task NEW → REJECTED and throws
 *       {@link RejectedExecutionException}. Otherwise it starts the task's thread (which puts
 *       the thread in the scheduler's registry) and then reads {@code state} again, as
 *       {@code ThreadPoolExecutor} re-checks after queueing: STOP means {@code shutdownNow}'s
 *       scan may have missed the thread, so it tries NEW → REJECTED too.</li>
 *   <li>{@code shutdownNow} writes STOP, then scans the registry and moves each never-started
 *       task of this executor NEW → CANCELLED, returning it.</li>
 * </ul>
 * The registry add and the scan hold the same stripe lock ({@link LiveSet}), so either the
 * scan sees the thread or the re-check sees STOP; the CAS out of NEW decides who acts. Every
 * accepted task thus runs exactly once or is returned by {@code shutdownNow}; every refused one
 * gets the exception and never runs.
 *
 * <h2>Termination</h2>
 * TERMINATED when shut down and {@code outstanding} is 0. The last task to leave decrements,
 * then reads {@code state}; {@code shutdown} writes {@code state}, then reads
 * {@code outstanding}: whichever comes second terminates.
 */
final class ActivationsExecutor extends AbstractExecutorService {
    private static final int RUNNING = 0;
    private static final int SHUTDOWN = 1;
    private static final int STOP = 2;
    private static final int TERMINATED = 3;

    private final Scheduler scheduler;
    private final boolean ownsScheduler;
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private final AtomicLong outstanding = new AtomicLong();
    private final Gate terminated = new Gate();

    ActivationsExecutor(Scheduler scheduler, boolean ownsScheduler) {
        this.scheduler = scheduler;
        this.ownsScheduler = ownsScheduler;
    }

    Scheduler scheduler() {
        return scheduler;
    }

    @Override
    protected <T> RunnableFuture<T> newTaskFor(Runnable runnable, T value) {
        return new TaskFuture<>(this, Executors.callable(runnable, value), null);
    }

    @Override
    protected <T> RunnableFuture<T> newTaskFor(Callable<T> callable) {
        return new TaskFuture<>(this, callable, null);
    }

    @Override
    public void execute(Runnable command) {
        Objects.requireNonNull(command, "command must not be null");
        TaskFuture<?> task = command instanceof TaskFuture<?> f && f.executor() == this
                ? f : new TaskFuture<>(this, Executors.callable(command), command);
        outstanding.incrementAndGet(); // then read state: pairs with shutdown's write-then-read
        if (state.get() != RUNNING) {
            refuse(task, "executor " + scheduler.name() + " is shut down; task refused", null);
            return;
        }
        try {
            UserThread t = scheduler.newThread(task);
            t.attachment = task;
            t.start();
        } catch (IllegalStateException e) {
            refuse(task, "executor " + scheduler.name() + " cannot start tasks: " + e.getMessage(), e);
            return; // the scheduler's close settled the task first (its future fails): accepted
        }
        if (state.get() >= STOP) { // shutdownNow's scan may have missed our thread: see the class comment
            refuse(task, "executor " + scheduler.name() + " was shut down now while the task was being submitted; task refused", null);
        }
    }

    /** Throws RejectedExecutionException if this call moved {@code task} out of NEW. */
    private void refuse(TaskFuture<?> task, String why, Exception cause) {
        if (task.cancelIfNew(TaskFuture.REJECTED)) {
            taskFinished();
            throw new RejectedExecutionException(why, cause);
        }
    }

    /** The task left the books (finished, or cancelled/rejected before it started). Once per task. */
    void taskFinished() {
        if (outstanding.decrementAndGet() == 0 && state.get() != RUNNING) {
            tryTerminate();
        }
    }

    private void tryTerminate() {
        int s = state.get();
        if ((s == SHUTDOWN || s == STOP) && outstanding.get() == 0 && state.compareAndSet(s, TERMINATED)) {
            terminated.open();
        }
    }

    @Override
    public void shutdown() {
        state.compareAndSet(RUNNING, SHUTDOWN);
        tryTerminate();
    }

    @Override
    public List<Runnable> shutdownNow() {
        int s;
        do {
            s = state.get();
        } while (s < STOP && !state.compareAndSet(s, STOP));
        // Two passes: cancel every never-started task first, and only then interrupt the running
        // ones. Interrupting first frees processors, which would start queued tasks before the
        // scan reached them: those would be neither returned nor rejected.
        List<TaskFuture<?>> mine = new ArrayList<>();
        for (UserThread t : scheduler.threads()) {
            if (t.attachment instanceof TaskFuture<?> task && task.executor() == this) {
                mine.add(task);
            }
        }
        List<Runnable> never = new ArrayList<>();
        for (TaskFuture<?> task : mine) {
            if (task.cancelIfNew(TaskFuture.CANCELLED)) {
                never.add(task.original);
                taskFinished();
            }
        }
        for (TaskFuture<?> task : mine) {
            task.interruptRunner();
        }
        tryTerminate();
        return never;
    }

    @Override
    public boolean isShutdown() {
        return state.get() != RUNNING;
    }

    @Override
    public boolean isTerminated() {
        return state.get() == TERMINATED;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        if (terminated.isOpen()) {
            return true;
        }
        return nanos > 0 && terminated.await(nanos);
    }

    /**
     * Shuts down, waits for every accepted task to finish (interrupted: shutdownNow, keep
     * waiting, re-assert the interrupt), then detaches the scheduler if this executor made it.
     */
    @Override
    public void close() {
        shutdown();
        boolean interrupted = false;
        while (!terminated.isOpen()) {
            try {
                terminated.await();
            } catch (InterruptedException e) {
                if (!interrupted) {
                    interrupted = true;
                    shutdownNow();
                }
            }
        }
        if (ownsScheduler) {
            scheduler.close();
        }
        if (interrupted) {
            Waiting.reinterrupt(Waiting.self());
        }
    }

    /**
     * Returns the first result of a task that completes normally, cancelling the rest; waits on
     * a {@link Gate}, so a user thread caller parks instead of blocking its carrier.
     */
    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> callables) throws InterruptedException, ExecutionException {
        try {
            return any(callables, 0);
        } catch (TimeoutException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> callables, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        return any(callables, Math.max(1, unit.toNanos(timeout)));
    }

    private <T> T any(Collection<? extends Callable<T>> callables, long nanos)
            throws InterruptedException, ExecutionException, TimeoutException {
        Objects.requireNonNull(callables, "tasks must not be null");
        if (callables.isEmpty()) {
            throw new IllegalArgumentException("tasks must not be empty");
        }
        Gate first = new Gate();
        AtomicReference<Object[]> winner = new AtomicReference<>();
        AtomicInteger left = new AtomicInteger(callables.size());
        AtomicReference<Throwable> lastFailure = new AtomicReference<>();
        List<Future<?>> futures = new ArrayList<>(callables.size());
        try {
            for (Callable<T> c : callables) {
                Objects.requireNonNull(c, "tasks must not contain null");
                futures.add(submit(() -> {
                    try {
                        T v = c.call();
                        if (winner.compareAndSet(null, new Object[] {v})) {
                            first.open();
                        }
                    } catch (Throwable e) {
                        lastFailure.set(e);
                        if (left.decrementAndGet() == 0) {
                            first.open();
                        }
                    }
                }));
            }
            if (nanos > 0) {
                if (!first.await(nanos)) {
                    throw new TimeoutException("no task completed within the timeout");
                }
            } else {
                first.await();
            }
            Object[] w = winner.get();
            if (w != null) {
                @SuppressWarnings("unchecked")
                T v = (T) w[0];
                return v;
            }
            throw new ExecutionException("every task failed", lastFailure.get());
        } finally {
            for (Future<?> f : futures) {
                f.cancel(true);
            }
        }
    }

    @Override
    public String toString() {
        String[] names = {"running", "shutdown", "stopping", "terminated"};
        return "ActivationsExecutor[" + scheduler.name() + ", " + names[state.get()] + ", tasks=" + outstanding.get() + "]";
    }
}
