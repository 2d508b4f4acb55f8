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
import org.jctools.queues.MpmcUnboundedXaddArrayQueue;

/**
 * An {@link java.util.concurrent.ExecutorService} whose tasks run on <em>runners</em>: user
 * threads of one {@link Scheduler} that take tasks from the executor's queue until it is empty
 * and then end. A task costs a queue slot, not a thread (no continuation, no registry entry):
 * runners are started on demand, at most one per processor while they compute, plus one more
 * for every runner that waits.
 *
 * <h2>Runners ({@code runners}, {@code waiting})</h2>
 * {@code runners} counts runner threads started and not yet gone; {@code waiting} those parked
 * inside a task (the park hook in {@link UserThread#parkInternal} calls {@link Runner#parking}
 * and {@link Runner#resumed}). The executor keeps {@code runners - waiting >= 1} for as long
 * as a task is queued, and starts runners while {@code runners - waiting < parallelism}:
 * <ul>
 *   <li>{@code execute} queues the task, then reads the counts ({@link #startRunnerIfNeeded});
 *       a runner that finds the queue empty decrements {@code runners}, then re-checks the
 *       queue and takes its place back if the task arrived meanwhile and too few others are
 *       left. Queue then count on one side, count then queue on the other: either the
 *       submitter sees the runner gone and starts one, or the runner sees the task.</li>
 *   <li>A runner that parks inside a task makes room for another one
 *       ({@link Runner#parking}), so tasks that wait for tasks queued behind them cannot
 *       deadlock (what a thread per task would guarantee); one whose carrier blocks in the
 *       kernel starts one more when the kernel hands its processor off
 *       ({@link Scheduler#activationBlocked}).</li>
 *   <li>Before each task a runner clears its interrupt flag, or sets it once the executor is
 *       stopping, so an interrupt meant for one task never reaches the next.</li>
 * </ul>
 *
 * <h2>Books and the submit/shutdown race</h2>
 * {@code outstanding} counts accepted tasks that have not left yet (finished, or cancelled
 * before they started), plus, for a moment, a task being refused; the TaskFuture state machine
 * reports each task's leaving exactly once ({@link #taskFinished}).
 * <ul>
 *   <li>{@code execute} increments {@code outstanding}, then reads {@code state}; a submitter
 *       that sees SHUTDOWN/STOP moves its task NEW → REJECTED and throws
 *       {@link RejectedExecutionException}. Otherwise it queues the task and then reads
 *       {@code state} again, as {@code ThreadPoolExecutor} re-checks after queueing: STOP means
 *       {@code shutdownNow}'s drain may have missed the task, so it tries NEW → REJECTED too
 *       (a runner that polls the rejected task later skips it).</li>
 *   <li>{@code shutdownNow} writes STOP, drains the queue moving each task NEW → CANCELLED
 *       (returned), then interrupts every runner.</li>
 * </ul>
 * The CAS out of NEW decides who acts on a task. Every accepted task thus runs exactly once or
 * is returned by {@code shutdownNow}; every refused one gets the exception and never runs.
 * If the scheduler closes, its scan finds the runners and fails their tasks and the queue
 * ({@link Runner#abandon}). A runner publishes the task it took ({@code current}), then reads
 * the closed flag; the close writes the flag, then scans: one of them fails the task. A task
 * queued after the scan sees the closed scheduler and is refused, and a runner that cannot be
 * started fails the queue.
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
    private final int parallelism;
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private final AtomicLong outstanding = new AtomicLong();
    private final MpmcUnboundedXaddArrayQueue<TaskFuture<?>> queue = new MpmcUnboundedXaddArrayQueue<>(1024);
    private final AtomicInteger runners = new AtomicInteger();
    private final AtomicInteger waiting = new AtomicInteger();
    private final Gate terminated = new Gate();

    ActivationsExecutor(Scheduler scheduler, boolean ownsScheduler) {
        this.scheduler = scheduler;
        this.ownsScheduler = ownsScheduler;
        this.parallelism = Math.max(1, scheduler.kernel().processors());
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
        queue.offer(task);
        try {
            scheduler.checkOpen(); // after queueing: pairs with close's write-then-scan (class comment)
            startRunnerIfNeeded();
        } catch (IllegalStateException closed) {
            boolean mine = task.cancelIfNew(TaskFuture.REJECTED); // before failing the rest of the queue
            abandonQueue(closed);
            if (mine) {
                taskFinished();
                throw new RejectedExecutionException("executor " + scheduler.name() + " cannot start tasks: " + closed.getMessage(), closed);
            }
            return; // the scheduler's close settled the task first (its future fails): accepted
        }
        if (state.get() >= STOP) { // shutdownNow's drain may have missed our task: see the class comment
            refuse(task, "executor " + scheduler.name() + " was shut down now while the task was being submitted; task refused", null);
        }
    }

    /** Starts a runner if fewer than {@code parallelism} are free to take tasks. */
    private void startRunnerIfNeeded() {
        while (true) {
            int r = runners.get();
            if (r - waiting.get() >= parallelism) {
                return;
            }
            if (runners.compareAndSet(r, r + 1)) {
                startRunner();
                return;
            }
        }
    }

    /**
     * A runner is leaving or waiting: if tasks are queued, starts another if too few are free;
     * if the scheduler has closed, fails the queue instead.
     */
    private void serveQueue() {
        if (!queue.isEmpty()) {
            try {
                startRunnerIfNeeded();
            } catch (IllegalStateException closed) {
                abandonQueue(closed);
            }
        }
    }

    /**
     * Starts one more runner, counted in {@code runners} by the caller. Throws
     * IllegalStateException if the scheduler has closed: the caller then fails the queue
     * ({@link #abandonQueue}), since no runner will come for it.
     */
    private void startRunner() {
        try {
            Runner runner = new Runner();
            UserThread t = scheduler.newThread(runner);
            t.attachment = runner;
            t.start();
        } catch (RuntimeException | Error e) {
            runners.decrementAndGet();
            throw e;
        }
    }

    /** The scheduler closed: fails every queued task (their futures throw {@code why}). */
    private void abandonQueue(RuntimeException why) {
        TaskFuture<?> q;
        while ((q = queue.poll()) != null) {
            q.abandon(why);
        }
    }

    /** A runner's carrier blocked in the kernel and lost its processor: let another runner take the queue. */
    void runnerBlockedInKernel() {
        if (!queue.isEmpty() && state.get() < STOP) {
            runners.incrementAndGet();
            try {
                startRunner();
            } catch (IllegalStateException closed) {
                abandonQueue(closed);
            }
        }
    }

    /**
     * A runner found the queue empty: it leaves the count, then re-checks the queue (pairs with
     * execute's queue-then-count). Returns false if a task came meanwhile and too few other
     * runners are free, in which case the caller is counted again and must take it.
     */
    boolean runnerLeaves() {
        runners.decrementAndGet();
        if (queue.isEmpty()) {
            return true;
        }
        int r = runners.get();
        return r - waiting.get() >= parallelism || !runners.compareAndSet(r, r + 1);
    }

    /**
     * A runner thread's body: runs queued tasks until the queue is empty, then leaves (see the
     * class comment for the hand-over with {@code execute}). A failing {@code execute}d task
     * ends its runner, as in {@code ThreadPoolExecutor}, so the thread's uncaught-exception
     * handler reports it; another runner takes over if tasks are left.
     */
    final class Runner implements Runnable {
        /** The task being run, for the scheduler's close; written by this runner only. */
        private volatile TaskFuture<?> current;

        @Override
        public void run() {
            UserThread self = UserThread.current();
            while (true) {
                TaskFuture<?> task;
                while ((task = queue.poll()) != null) {
                    if (state.get() >= STOP) {
                        self.interrupt(); // as ThreadPoolExecutor: a stopping pool's tasks run interrupted
                    } else {
                        self.clearInterrupt();
                    }
                    current = task;
                    try {
                        scheduler.checkOpen(); // after publishing current: pairs with close's write-then-scan
                    } catch (IllegalStateException closed) {
                        current = null;
                        runners.decrementAndGet();
                        task.abandon(closed);
                        abandonQueue(closed);
                        return;
                    }
                    try {
                        task.run();
                    } catch (RuntimeException | Error e) {
                        current = null;
                        runners.decrementAndGet();
                        serveQueue();
                        throw e;
                    }
                    current = null;
                }
                if (runnerLeaves()) {
                    return;
                }
            }
        }

        /** This runner parks inside a task: one fewer is free to take tasks. Runs on the runner. */
        void parking() {
            waiting.incrementAndGet();
            serveQueue();
        }

        /** This runner resumed from its park. */
        void resumed() {
            waiting.decrementAndGet();
        }

        void blockedInKernel() {
            runnerBlockedInKernel();
        }

        /**
         * The scheduler closed: fail this runner's task and everything queued. Called by the
         * close's scan, and by the runner itself if it sees the close after taking a task.
         */
        void abandon(RuntimeException why) {
            TaskFuture<?> t = current;
            if (t != null) {
                t.abandon(why);
            }
            abandonQueue(why);
        }

        ActivationsExecutor executor() {
            return ActivationsExecutor.this;
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
        // Drain first, interrupt after: an interrupted runner may finish its task and take
        // the next one from the queue, which must be either drained here or run (interrupted).
        List<Runnable> never = new ArrayList<>();
        TaskFuture<?> task;
        while ((task = queue.poll()) != null) {
            if (task.cancelIfNew(TaskFuture.CANCELLED)) {
                never.add(task.original);
                taskFinished();
            }
        }
        for (UserThread t : scheduler.threads()) {
            if (t.attachment instanceof Runner r && r.executor() == this) {
                t.interrupt();
            }
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
        return "ActivationsExecutor[" + scheduler.name() + ", " + names[state.get()] + ", tasks=" + outstanding.get()
                + ", runners=" + runners.get() + "]";
    }
}
