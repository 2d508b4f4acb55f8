package dev.activations.bench;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The batch application of a two-applications benchmark ({@link TwoApps}, {@link HttpApps}): an
 * executor kept saturated with {@link #QUEUED_PER_PROCESSOR} tasks per processor always queued
 * or running, each {@link #TASK_ITERATIONS} steps of a plain CPU loop ({@link CpuWork}: no
 * runtime calls, no checkpoints; about 1 ms on the 2-core reference machine, the same work in
 * every fork).
 *
 * <h2>Threads and state</h2>
 * A platform thread of its own, the <em>driver</em>, submits a new task whenever one ends, so
 * batch tasks enter the executor from outside it, as web's do (tasks that submitted their own
 * successors would put them in a {@code ForkJoinPool} worker's local queue, which that worker
 * serves before submissions from outside: a path web's tasks do not have).
 * <ul>
 *   <li>{@code slots}: one permit per task that may be submitted. Invariant from {@link #start}
 *       until {@link #stop}: permits + tasks submitted and not finished =
 *       {@code QUEUED_PER_PROCESSOR × processors}. The driver acquires a permit per submission;
 *       a task releases its own as it ends.</li>
 *   <li>{@code running}: written by {@link #stop} (the JMH thread), read by the driver after each
 *       acquire (volatile); {@code stop} then interrupts the driver, which may be waiting for a
 *       permit.</li>
 *   <li>{@code done}: incremented by each task as it ends, summed by the JMH thread.</li>
 *   <li>{@code sink}: keeps the tasks' results alive; racy updates are fine.</li>
 * </ul>
 * Stopping the driver does not stop the tasks already submitted: the executor's
 * {@code shutdownNow} does (they cannot be interrupted; each ends within about 1 ms).
 */
final class SaturatedBatch {
    /** {@link CpuWork#spin} steps per batch task: about 1 ms on the reference machine. */
    static final int TASK_ITERATIONS = 520_000;
    static final int QUEUED_PER_PROCESSOR = 4;
    /** How long {@link #stop} waits for the driver to end. */
    static final long STOP_SECONDS = 10;

    private final int processors;
    /** One task's time alone on an idle core (fastest of several, timed by the constructor). */
    private final long taskNanos;
    private final Semaphore slots = new Semaphore(0);
    private final LongAdder done = new LongAdder();
    private volatile boolean running;
    private long sink;
    /** JMH thread only. */
    private Thread driver;

    /**
     * Times one task on the calling thread (a few hundred ms): call it before the benchmark's
     * other threads start.
     *
     * @param processors the processors batch may use: the queue depth and the utilization's
     *                   denominator
     */
    SaturatedBatch(int processors) {
        if (processors < 1) {
            throw new IllegalArgumentException("processors must be at least 1; got " + processors);
        }
        this.processors = processors;
        this.taskNanos = CpuWork.fastestNanos(TASK_ITERATIONS, 21);
    }

    /** Starts the driver, which keeps {@code executor} saturated until {@link #stop}. Once only. */
    void start(ExecutorService executor) {
        if (driver != null) {
            throw new IllegalStateException("batch already started");
        }
        running = true;
        slots.release(QUEUED_PER_PROCESSOR * processors);
        driver = new Thread(() -> drive(executor), "batch-driver");
        driver.setDaemon(true);
        driver.start();
    }

    /** The driver: submits a task for every free slot until stopped (or the executor refuses). */
    private void drive(ExecutorService executor) {
        try {
            while (true) {
                slots.acquire();
                if (!running) {
                    return;
                }
                executor.execute(this::task);
            }
        } catch (InterruptedException | RejectedExecutionException e) {
            // stopping
        }
    }

    /** One batch task: about 1 ms of plain computation, then its slot goes back to the driver. */
    private void task() {
        sink += CpuWork.spin(sink, TASK_ITERATIONS);
        done.increment();
        slots.release();
    }

    /** Batch tasks finished so far. */
    long done() {
        return done.sum();
    }

    /**
     * The processors' share that {@code tasks} tasks took (tasks × one task's time alone /
     * processors), in processor-seconds per processor: 1 per second of window is all of them. An
     * estimate that other load on the machine can push above 1.
     */
    double utilization(long tasks) {
        return tasks * (double) taskNanos / 1e9 / processors;
    }

    /**
     * Stops the driver, waiting up to {@link #STOP_SECONDS} for it to end.
     *
     * @return whether the driver has ended (true if it never started)
     */
    boolean stop() throws InterruptedException {
        running = false;
        Thread d = driver;
        if (d == null) {
            return true;
        }
        d.interrupt();
        d.join(TimeUnit.SECONDS.toMillis(STOP_SECONDS));
        return !d.isAlive();
    }
}
