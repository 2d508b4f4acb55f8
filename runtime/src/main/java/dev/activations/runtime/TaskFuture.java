package dev.activations.runtime;

import java.lang.reflect.UndeclaredThrowableException;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The future of one executor task. {@code get()} parks a user thread (its processor runs other
 * threads) and blocks a platform thread.
 *
 * <h2>States ({@link #state}, CAS)</h2>
 * <pre>
 *   NEW -> RUNNING -> DONE | FAILED      ran (the runner sets the outcome)
 *   RUNNING -> INTERRUPTING -> CANCELLED cancel(true) while running: result discarded
 *   NEW -> CANCELLED                     cancel(), or shutdownNow() (never started)
 *   NEW -> REJECTED                      the executor refused it after registering it
 * </pre>
 * {@code done} opens exactly once, when the outcome is final. INTERRUPTING lasts while
 * {@code cancel(true)} interrupts the runner; a runner whose task ends meanwhile waits for
 * CANCELLED before it returns, so the interrupt lands while this task still owns the runner
 * (which clears it before its next task) and never in the next task. {@link ActivationsExecutor}
 * learns that the task left its books exactly once: from the runner when a started task ends,
 * or from whoever moved it out of NEW otherwise.
 */
final class TaskFuture<V> implements RunnableFuture<V> {
    static final int NEW = 0;
    static final int RUNNING = 1;
    static final int DONE = 2;
    static final int FAILED = 3;
    static final int CANCELLED = 4;
    static final int REJECTED = 5;
    static final int INTERRUPTING = 6;

    private final AtomicInteger state = new AtomicInteger(NEW);
    private final Callable<V> callable;
    /** What shutdownNow returns for this task: the Runnable given to execute, or this future. */
    final Runnable original;
    private final ActivationsExecutor executor;
    private final Gate done = new Gate();
    private volatile UserThread runner;
    private V result;
    private Throwable failure;

    TaskFuture(ActivationsExecutor executor, Callable<V> callable, Runnable original) {
        this.executor = executor;
        this.callable = callable;
        this.original = original != null ? original : this;
    }

    @Override
    public void run() {
        runner = UserThread.current(); // before RUNNING: a cancel(true) that sees RUNNING finds the runner
        if (!state.compareAndSet(NEW, RUNNING)) {
            runner = null;
            return; // cancelled before it started: whoever cancelled it told the executor
        }
        Throwable unreported = null;
        try {
            V v = callable.call();
            if (state.compareAndSet(RUNNING, DONE)) {
                result = v;
            }
        } catch (Throwable e) {
            if (state.compareAndSet(RUNNING, FAILED)) {
                failure = e;
            }
            if (original != this) {
                unreported = e; // an execute()d Runnable: nobody holds this future
            }
        } finally {
            awaitInterruptDelivered();
            runner = null;
            UserThread.interrupted(); // a cancel(true) interrupt must not outlive the task
            done.open(); // publishes result/failure (the Gate CAS is a release)
            executor.taskFinished();
        }
        if (unreported != null) {
            // As ThreadPoolExecutor does: the user thread ends with it, so the uncaught-exception
            // handler reports it instead of it vanishing.
            if (unreported instanceof Error err) {
                throw err;
            }
            throw unreported instanceof RuntimeException re ? re : new UndeclaredThrowableException(unreported);
        }
    }

    ActivationsExecutor executor() {
        return executor;
    }

    /** Moves a never-started task out of NEW; true if this call did it. */
    boolean cancelIfNew(int to) {
        if (state.compareAndSet(NEW, to)) {
            done.open();
            return true;
        }
        return false;
    }

    /**
     * The scheduler closed before this task could finish: fail it with {@code cause} so
     * {@code get()} throws instead of waiting for ever. True if this call settled it.
     */
    boolean abandon(RuntimeException cause) {
        int s = state.get();
        while (s == NEW || s == RUNNING) {
            if (state.compareAndSet(s, FAILED)) {
                failure = cause;
                done.open();
                executor.taskFinished();
                return true;
            }
            s = state.get();
        }
        return false;
    }

    /** The task ended while a cancel(true) was interrupting its runner: wait until it has (a few instructions). */
    private void awaitInterruptDelivered() {
        for (int spins = 0; state.get() == INTERRUPTING; spins++) {
            if (spins < 100) {
                Thread.onSpinWait();
            } else {
                UserThread.yield();
            }
        }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (cancelIfNew(CANCELLED)) {
            executor.taskFinished();
            return true;
        }
        if (mayInterruptIfRunning && state.compareAndSet(RUNNING, INTERRUPTING)) {
            UserThread r = runner;
            if (r != null) {
                r.interrupt();
            }
            state.set(CANCELLED);
            done.open();
            return true; // the runner reports to the executor when it actually ends
        }
        return false;
    }

    @Override
    public boolean isCancelled() {
        int s = state.get();
        return s == CANCELLED || s == REJECTED || s == INTERRUPTING;
    }

    @Override
    public boolean isDone() {
        return state.get() >= DONE;
    }

    @Override
    public V get() throws InterruptedException, ExecutionException {
        done.await();
        return report();
    }

    @Override
    public V get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        long nanos = unit.toNanos(timeout);
        if (!done.isOpen() && !done.await(Math.max(1, nanos))) {
            throw new TimeoutException("task not done within " + timeout + " " + unit);
        }
        return report();
    }

    private V report() throws ExecutionException {
        return switch (state.get()) {
            case DONE -> result;
            case FAILED -> throw new ExecutionException(failure);
            case CANCELLED -> throw new CancellationException("task was cancelled");
            case REJECTED -> throw new CancellationException("task was rejected");
            default -> throw new IllegalStateException("future opened in state " + state.get());
        };
    }

    @Override
    public String toString() {
        return "TaskFuture[" + switch (state.get()) {
            case NEW -> "not started";
            case RUNNING -> "running";
            case DONE -> "completed normally";
            case FAILED -> "completed exceptionally: " + failure;
            default -> "cancelled";
        } + "]";
    }
}
