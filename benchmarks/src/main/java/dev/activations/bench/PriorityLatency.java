package dev.activations.bench;

import dev.activations.kernel.Kernel;
import dev.activations.runtime.Activations;
import dev.activations.runtime.Scheduler;
import dev.activations.runtime.UserThread;
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

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The third promise of scheduler activations: a high-priority thread gets a processor within a
 * bounded time of becoming ready, even while lower-priority threads hold every processor.
 *
 * <p>The low side keeps every processor busy: one thread per processor ({@code p} =
 * available processors) that computes until teardown ({@link CpuWork}, plain CPU work) and
 * calls {@link UserThread#checkpoint()} after every {@code checkpointMicros} of it (the
 * iterations per interval are timed once in setup on an idle core, so under load an interval
 * can only be longer); {@code checkpointMicros = 0} is the checkpoint-free low side: the same
 * work in 100 µs steps with no call into any scheduler at all. The high side: the JMH thread
 * starts a tiny task every {@link #PERIOD_NANOS} (5 ms) that records its ready→running latency,
 * from just before its submission to its first instruction.
 *
 * <p><b>The bound.</b> With Activations, a high-priority thread that becomes ready makes its
 * space request a processor. With OS priorities (Linux, {@code --enable-native-access}) the
 * kernel gives it one of the low space's processors at once: a carrier of the high space runs on
 * it at a lower nice value than the low carrier, which the OS displaces wherever it is, with or
 * without checkpoints; the target, {@link #targetMicros}, is {@link #TARGET_MICROS} (100 µs)
 * whatever the interval. Cooperatively (no OS priorities) the low thread would give the
 * processor up at its next checkpoint, one interval later. After each task the high space goes
 * idle and its idle processor is lent back to the low space at once, so each task finds low
 * threads on every processor again: {@code preemptions} shows about one per task.
 *
 * <p>{@code impl}:
 * <ul>
 *   <li>{@code activations} — one kernel of {@code p} processors, a low space of priority
 *       {@link #LOW_PRIORITY} and a high one of priority {@link #HIGH_PRIORITY}; low threads
 *       are Java threads of the low space, high tasks run through
 *       {@code Activations.newExecutor(highSpace)} (a Java thread each);</li>
 *   <li>{@code userthread} — the same spaces with raw {@link UserThread}s on both sides;</li>
 *   <li>{@code forkjoin} — two {@code ForkJoinPool(p)}s, the nearest JDK alternative: the high
 *       pool's workers at {@code Thread.MAX_PRIORITY}, the low pool's at {@code MIN_PRIORITY}.
 *       HotSpot on Linux ignores Java thread priorities unless started with
 *       {@code -XX:ThreadPriorityPolicy=1} as root: this is what an application gets by
 *       default, both pools time-sliced by the OS. {@code checkpoint()} is a no-op there
 *       (no scheduler of ours runs the thread), so the low loop is the same in every impl;</li>
 *   <li>{@code virtual} — two {@code newVirtualThreadPerTaskExecutor()}s: one JDK scheduler of
 *       {@code p} carriers, which the low threads never give back (a virtual thread is not
 *       preempted): the high tasks starve, and {@code starved} says so.</li>
 * </ul>
 *
 * <p>Score: high periods per second, about 500 when the JMH thread keeps its pace (a check, not
 * the result). Secondary results over each iteration's window (see {@link AuxValue}):
 * {@code latencyP50Micros}, {@code latencyP99Micros}, {@code latencyMaxMicros}; {@code starved},
 * per second, high tasks not started {@link #STARVED_AFTER_NANOS} after their submission (each
 * counted in the percentiles at that bound: a percentile at the bound means starved);
 * {@code lowWork}, the processors' share spent on low work (checkpoint intervals done × one
 * interval's time alone / processors; 1 is all of them, an estimate that other load on the
 * machine can push above 1); {@code preemptions}, per second, the kernel's preemptions
 * (Activations; 0 for the others); {@code targetMicros}, the bound for this
 * {@code checkpointMicros}. Every wait is bounded: a starved task is reported, never waited for
 * past the bound.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {Bench.ADD_EXPORTS, Bench.ADD_OPENS, Bench.NATIVE_ACCESS})
@State(Scope.Benchmark)
public class PriorityLatency {
    /**
     * Between two high tasks: longer than the kernel's idle hysteresis (2 ms by default), so that
     * the high space has given its processor back to the low one before the next task.
     */
    public static final long PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    public static final int HIGH_PRIORITY = 8;
    public static final int LOW_PRIORITY = 3;
    /** A high task not started this long after its submission is starved. */
    public static final long STARVED_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /** The target for every checkpoint interval, with or without checkpoints (issue 21). */
    public static final int TARGET_MICROS = 100;
    /** Work between two steps of a checkpoint-free low thread ({@code checkpointMicros = 0}), µs. */
    public static final int CHECKPOINT_FREE_STEP_MICROS = 100;
    /** {@link CpuWork#spin} steps timed in setup to size the checkpoint interval: about 100 µs. */
    private static final int CALIBRATION_ITERATIONS = 52_000;

    @Param({Kind.ACTIVATIONS, Kind.USERTHREAD, Kind.FORKJOIN, Kind.VIRTUAL})
    public String impl;

    /** Low threads' plain computation between two checkpoints (µs, on an idle core); 0: no checkpoints. */
    @Param({"0", "100", "1000"})
    public int checkpointMicros;

    /** The kernel's {@code monitorSlice}, µs (its default: 100; 0 leaves Linux's default slice). */
    @Param({"100"})
    public int monitorSliceUs;

    private int processors;
    private Kernel kernel;
    private Scheduler highSpace;
    private Scheduler lowSpace;
    /** Starts one high task. */
    private Executor high;
    /** Starts one low thread. */
    private Executor low;
    /** Executors to shut down in teardown, after the low side has stopped. */
    private final List<ExecutorService> executors = new ArrayList<>();

    /** {@link CpuWork#spin} steps per checkpoint interval. */
    private int intervalIterations;
    /** One checkpoint interval's time alone on an idle core (from the calibration). */
    private long intervalNanos;
    private volatile boolean lowRunning;
    private CountDownLatch lowStarted;
    private CountDownLatch lowStopped;
    private final LongAdder lowIntervals = new LongAdder();
    /** Keeps the low side's results alive; racy updates are fine. */
    private long lowSink;
    /** High tasks submitted and not yet finished: teardown waits for none. */
    private final AtomicInteger highPending = new AtomicInteger();
    /** The iteration's high tasks. */
    private LatencyWindow highTasks;
    /** The next high period's start; JMH thread only. */
    private long nextTick;

    /** The target for {@code checkpointMicros}: {@link #TARGET_MICROS}, whatever the interval. */
    public static double targetMicros(int checkpointMicros) {
        return TARGET_MICROS;
    }

    /** Secondary results over one iteration's window; see {@link AuxValue}. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Results {
        public double latencyP50Micros;
        public double latencyP99Micros;
        public double latencyMaxMicros;
        /** A rate: high tasks per second not started within the bound. */
        public double starved;
        /** Per second: the processors' share spent on low work. */
        public double lowWork;
        /** A rate: the kernel's preemptions per second (Activations only). */
        public double preemptions;
        /** The bound, {@link #targetMicros(int)}. */
        public double targetMicros;

        private PriorityLatency bench;
        private long openedAt;
        private long lowAtOpen;
        private long preemptionsAtOpen;

        @Setup(Level.Iteration)
        public void open(PriorityLatency bench, IterationParams iteration) {
            this.bench = bench;
            long nanos = iteration.getTime().convertTo(TimeUnit.NANOSECONDS);
            // periods in the window, plus the last invocation's overrun and slack
            bench.highTasks = new LatencyWindow((int) (nanos / PERIOD_NANOS) + 1024, STARVED_AFTER_NANOS);
            bench.nextTick = System.nanoTime();
            lowAtOpen = bench.lowIntervals.sum();
            preemptionsAtOpen = bench.preemptionCount();
            openedAt = System.nanoTime();
        }

        @TearDown(Level.Iteration)
        public void close() {
            long windowNanos = System.nanoTime() - openedAt;
            long intervals = bench.lowIntervals.sum() - lowAtOpen;
            lowWork = intervals * (double) bench.intervalNanos / 1e9 / bench.processors;
            preemptions = bench.preemptionCount() - preemptionsAtOpen;
            long[] latencies = bench.highTasks.close();
            starved = bench.highTasks.starved(latencies);
            latencyP50Micros = AuxValue.ofWindow(LatencyWindow.quantile(latencies, 0.50) / 1e3, windowNanos);
            latencyP99Micros = AuxValue.ofWindow(LatencyWindow.quantile(latencies, 0.99) / 1e3, windowNanos);
            latencyMaxMicros = AuxValue.ofWindow(LatencyWindow.quantile(latencies, 1.0) / 1e3, windowNanos);
            targetMicros = AuxValue.ofWindow(PriorityLatency.targetMicros(bench.checkpointMicros), windowNanos);
        }
    }

    @Setup
    public void setup() throws InterruptedException {
        if (checkpointMicros < 0) {
            throw new IllegalArgumentException("checkpointMicros must be 0 (no checkpoints) or positive, was " + checkpointMicros);
        }
        processors = Runtime.getRuntime().availableProcessors();
        int p = processors;
        long calibration = CpuWork.fastestNanos(CALIBRATION_ITERATIONS, 21);
        int stepMicros = checkpointMicros == 0 ? CHECKPOINT_FREE_STEP_MICROS : checkpointMicros;
        intervalIterations = (int) Math.max(1, Math.round(stepMicros * 1e3 * CALIBRATION_ITERATIONS / calibration));
        intervalNanos = calibration * intervalIterations / CALIBRATION_ITERATIONS;
        switch (impl) {
            case Kind.ACTIVATIONS -> {
                spaces(p);
                ExecutorService e = Activations.newExecutor(highSpace);
                executors.add(e);
                high = e;
                low = lowSpace.ofVirtual().name("low-", 0)::start;
            }
            case Kind.USERTHREAD -> {
                spaces(p);
                high = highSpace::start;
                low = lowSpace::start;
            }
            case Kind.FORKJOIN -> {
                ForkJoinPool h = prioritized("high", Thread.MAX_PRIORITY, p);
                ForkJoinPool l = prioritized("low", Thread.MIN_PRIORITY, p);
                executors.add(h);
                executors.add(l);
                high = h;
                low = l;
            }
            case Kind.VIRTUAL -> {
                ExecutorService h = Executors.newVirtualThreadPerTaskExecutor();
                ExecutorService l = Executors.newVirtualThreadPerTaskExecutor();
                executors.add(h);
                executors.add(l);
                high = h;
                low = l;
            }
            default -> throw new IllegalArgumentException("unknown impl \"" + impl + "\"; expected "
                    + Kind.ACTIVATIONS + ", " + Kind.USERTHREAD + ", " + Kind.FORKJOIN + " or " + Kind.VIRTUAL);
        }
        lowRunning = true;
        lowStarted = new CountDownLatch(p);
        lowStopped = new CountDownLatch(p);
        for (int i = 0; i < p; i++) {
            long seed = i + 1;
            low.execute(() -> lowLoop(seed));
        }
        if (!lowStarted.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException(impl + ": " + lowStarted.getCount() + " of " + p
                    + " low threads had not started after 10 s");
        }
    }

    private void spaces(int p) {
        kernel = Kernel.builder().processors(p).name("priority-latency")
                .monitorSlice(Duration.ofNanos(monitorSliceUs * 1_000L)).build();
        highSpace = Scheduler.builder().kernel(kernel).name("high").priority(HIGH_PRIORITY).build();
        lowSpace = Scheduler.builder().kernel(kernel).name("low").priority(LOW_PRIORITY).build();
    }

    private static ForkJoinPool prioritized(String name, int priority, int p) {
        ForkJoinPool.ForkJoinWorkerThreadFactory threads = pool -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            t.setName(name + "-" + t.getPoolIndex());
            t.setPriority(priority);
            return t;
        };
        return new ForkJoinPool(p, threads, null, false);
    }

    /** One low thread: checkpoint intervals of plain computation until teardown. */
    private void lowLoop(long seed) {
        lowStarted.countDown();
        try {
            long x = seed;
            int n = intervalIterations;
            boolean checkpoints = checkpointMicros > 0;
            while (lowRunning) {
                x = CpuWork.spin(x, n);
                lowIntervals.increment();
                if (checkpoints) {
                    UserThread.checkpoint();
                }
            }
            lowSink += x;
        } finally {
            lowStopped.countDown();
        }
    }

    /** The kernel's preemptions so far; 0 without a kernel. */
    private long preemptionCount() {
        return kernel == null ? 0 : kernel.stats().preemptions();
    }

    @TearDown
    public void tearDown() throws InterruptedException {
        lowRunning = false;
        boolean lowStop = lowStopped == null || lowStopped.await(10, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (highPending.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        int pending = highPending.get();
        boolean terminated = true;
        for (ExecutorService e : executors) {
            e.shutdownNow();
            terminated &= e.awaitTermination(10, TimeUnit.SECONDS);
        }
        if (highSpace != null) {
            highSpace.close();
            lowSpace.close();
        }
        if (kernel != null) {
            kernel.close();
        }
        if (!lowStop || pending > 0 || !terminated) {
            throw new IllegalStateException(impl + " did not stop within 10 s: low threads still running "
                    + (lowStop ? 0 : lowStopped.getCount()) + ", high tasks not finished " + pending
                    + ", executors terminated " + terminated);
        }
    }

    /**
     * One high period: start a tiny task stamped with its submit time, then park until the
     * next period begins. A late JMH thread skips the periods it missed rather than submitting
     * a burst. {@code window} opens and closes the iteration's window (JMH instantiates a state
     * only for a benchmark that names it).
     */
    @Benchmark
    public void highPeriod(Results window) {
        highPending.incrementAndGet();
        Runnable started = highTasks.next();
        high.execute(() -> {
            started.run();
            highPending.decrementAndGet();
        });
        nextTick = Math.max(nextTick + PERIOD_NANOS, System.nanoTime());
        LatencyWindow.sleepUntil(nextTick);
    }
}
