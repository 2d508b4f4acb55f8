package dev.activations.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;

import java.util.concurrent.TimeUnit;

/**
 * Two applications on one machine (the paper's Table V, made about latency): a
 * latency-sensitive "web" executor beside a "batch" executor. Batch is kept saturated
 * ({@link SaturatedBatch}): {@link #QUEUED_PER_PROCESSOR} tasks per processor always queued or
 * running, each about 1 ms of a plain CPU loop with no runtime calls and no checkpoints,
 * submitted from outside the executor by a driver thread, as web's are. Web: the JMH thread
 * submits a tiny task every {@link #WEB_PERIOD_NANOS} (2 ms); the task records its submit→start
 * latency. {@link HttpApps} is the same with an HTTP server as web.
 *
 * <p>{@code scenario}: {@code web} — web alone, batch idle (web's unloaded latency); {@code
 * batch} — batch alone, no web tasks (the JMH thread still ticks); {@code both}. {@code impl}:
 * the pair of executors ({@link ExecutorPair}): {@code activations} (two address spaces on one
 * kernel, web priority 8, batch 3), {@code activations-shares} (equal priorities, shares 3 : 1),
 * {@code virtual} (one JDK scheduler), {@code forkjoin} (two pools), {@code platform} (two
 * fixed pools, Java priorities MAX and MIN, which HotSpot on Linux ignores by default).
 *
 * <p>Score: web periods per second, about 500 when the JMH thread keeps its pace (a check, not
 * the result). Secondary results over each iteration's window: {@code webP50Micros}, {@code
 * webP99Micros}, {@code webMaxMicros} (see {@link AuxValue}); {@code webStarved}, per second,
 * web tasks that had not started {@link #STARVED_AFTER_NANOS} after their submission (each
 * counted in the percentiles at that bound: a percentile at the bound means starved);
 * {@code batchTasks}, batch tasks finished per second; {@code batchUtilization}, the processors'
 * share spent on batch work (tasks × one task's time alone, timed in setup, / processors; 1 is
 * all of them; an estimate that other load on the machine can push above 1).
 * Every wait is bounded: a starved web task is reported, never waited for past the bound.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {Bench.ADD_EXPORTS, Bench.ADD_OPENS, Bench.NATIVE_ACCESS})
@State(Scope.Benchmark)
public class TwoApps {
    public static final String WEB_ALONE = "web";
    public static final String BATCH_ALONE = "batch";
    public static final String BOTH = "both";
    static final long WEB_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** Batch tasks per processor always queued or running. */
    public static final int QUEUED_PER_PROCESSOR = SaturatedBatch.QUEUED_PER_PROCESSOR;
    /** A web task not started this long after its submission is starved. */
    public static final long STARVED_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /** Not started: the value in a window's latency slot until the task runs. */
    private static final long PENDING = -1;

    @Param({"activations", ExecutorPair.SHARES, "virtual", "forkjoin", "platform"})
    public String impl;

    @Param({WEB_ALONE, BATCH_ALONE, BOTH})
    public String scenario;

    private ExecutorPair executors;
    private SaturatedBatch batch;
    /** The iteration's web tasks. */
    private LatencyWindow webTasks;
    /** The next web period's start; JMH thread only. */
    private long nextTick;

    /** Secondary results over one iteration's window; see {@link AuxValue}. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Results {
        public double webP50Micros;
        public double webP99Micros;
        public double webMaxMicros;
        /** A rate: web tasks per second not started within the bound. */
        public double webStarved;
        /** A rate: batch tasks finished per second. */
        public double batchTasks;
        /** Per second: the processors' share spent on batch work. */
        public double batchUtilization;

        private TwoApps apps;
        private long openedAt;
        private long batchAtOpen;

        @Setup(Level.Iteration)
        public void open(TwoApps apps, IterationParams iteration) {
            this.apps = apps;
            long nanos = iteration.getTime().convertTo(TimeUnit.NANOSECONDS);
            // periods in the window, plus the last invocation's overrun and slack
            apps.webTasks = new LatencyWindow((int) (nanos / WEB_PERIOD_NANOS) + 1024, STARVED_AFTER_NANOS);
            apps.nextTick = System.nanoTime();
            batchAtOpen = apps.batch.done();
            openedAt = System.nanoTime();
        }

        @TearDown(Level.Iteration)
        public void close() {
            long windowNanos = System.nanoTime() - openedAt;
            long tasks = apps.batch.done() - batchAtOpen;
            batchTasks = tasks;
            batchUtilization = apps.batch.utilization(tasks);
            long[] latencies = apps.webTasks.close();
            webStarved = apps.webTasks.starved(latencies);
            webP50Micros = AuxValue.ofWindow(LatencyWindow.quantile(latencies, 0.50) / 1e3, windowNanos);
            webP99Micros = AuxValue.ofWindow(LatencyWindow.quantile(latencies, 0.99) / 1e3, windowNanos);
            webMaxMicros = AuxValue.ofWindow(LatencyWindow.quantile(latencies, 1.0) / 1e3, windowNanos);
        }
    }

    @Setup
    public void setup() {
        if (!scenario.equals(WEB_ALONE) && !scenario.equals(BATCH_ALONE) && !scenario.equals(BOTH)) {
            throw new IllegalArgumentException("unknown scenario \"" + scenario + "\"; expected " + WEB_ALONE + ", "
                    + BATCH_ALONE + " or " + BOTH);
        }
        int p = Runtime.getRuntime().availableProcessors();
        batch = new SaturatedBatch(p);
        executors = ExecutorPair.create(impl, p, "two-apps");
        if (!scenario.equals(WEB_ALONE)) {
            batch.start(executors.batch);
        }
    }

    @TearDown
    public void tearDown() throws InterruptedException {
        boolean driverStopped = batch.stop();
        boolean terminated = executors.close();
        if (!driverStopped || !terminated) {
            throw new IllegalStateException(impl + ": " + (driverStopped ? "" : "the batch driver did not stop; ")
                    + (terminated ? "" : "the executors did not terminate; ") + "waited "
                    + SaturatedBatch.STOP_SECONDS + " s for the driver and " + ExecutorPair.TERMINATION_SECONDS
                    + " s for each executor");
        }
    }

    /**
     * One web period: submit a tiny task (unless web is off) stamped with its submit time, then
     * park until the next period begins. A late JMH thread skips the periods it missed rather
     * than submitting a burst. {@code window} opens and closes the iteration's window (JMH
     * instantiates a state only for a benchmark that names it).
     */
    @Benchmark
    public void webPeriod(Results window) {
        if (!scenario.equals(BATCH_ALONE)) {
            executors.web.execute(webTasks.next());
        }
        nextTick = Math.max(nextTick + WEB_PERIOD_NANOS, System.nanoTime());
        LatencyWindow.sleepUntil(nextTick);
    }
}
