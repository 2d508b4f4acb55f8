package dev.activations.bench;

import dev.activations.kernel.Kernel;
import dev.activations.runtime.Activations;
import dev.activations.runtime.Scheduler;
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

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Two applications on one machine (the paper's Table V, made about latency): a
 * latency-sensitive "web" executor beside a "batch" executor. Batch is kept saturated: {@link
 * #QUEUED_PER_PROCESSOR} tasks per processor always queued or running, each {@link
 * #BATCH_TASK_ITERATIONS} steps of a plain CPU loop ({@link CpuWork}: no runtime calls, no
 * checkpoints; about 1 ms on the 2-core reference machine, the same work in every fork). A platform thread of its own, the batch <em>driver</em>, submits a new
 * task whenever one ends, so batch tasks enter the executor from outside it, as web's do (tasks
 * that submitted their own successors would put them in a {@code ForkJoinPool} worker's local
 * queue, which that worker serves before submissions from outside: a path web's tasks do not
 * have). Web: the JMH thread submits a tiny task every {@link #WEB_PERIOD_NANOS} (2 ms); the task
 * records its submit→start latency.
 *
 * <p>{@code scenario}: {@code web} — web alone, batch idle (web's unloaded latency); {@code
 * batch} — batch alone, no web tasks (the JMH thread still ticks); {@code both}. {@code impl}:
 * <ul>
 *   <li>{@code activations} — two address spaces on one kernel of all processors, web priority
 *       {@link #WEB_PRIORITY}, batch {@link #BATCH_PRIORITY}, each with
 *       {@code Activations.newExecutor(scheduler)};</li>
 *   <li>{@code activations-shares} — the same, but equal priorities and shares
 *       {@link #WEB_SHARE} : {@link #BATCH_SHARE} (the kernel rotates processors by weight);</li>
 *   <li>{@code virtual} — two {@code newVirtualThreadPerTaskExecutor()}s: one JDK scheduler;</li>
 *   <li>{@code forkjoin} — two {@code ForkJoinPool(p)}s, time-sliced by the OS;</li>
 *   <li>{@code platform} — two fixed pools of {@code p} platform threads, web's at
 *       {@code Thread.MAX_PRIORITY}, batch's at {@code MIN_PRIORITY} (HotSpot on Linux ignores
 *       Java priorities unless started with {@code -XX:ThreadPriorityPolicy=1} as root: what
 *       an application gets by default).</li>
 * </ul>
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
@Fork(value = 3, jvmArgsAppend = {Bench.ADD_EXPORTS, Bench.ADD_OPENS})
@State(Scope.Benchmark)
public class TwoApps {
    public static final String WEB_ALONE = "web";
    public static final String BATCH_ALONE = "batch";
    public static final String BOTH = "both";
    static final long WEB_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** {@link CpuWork#spin} steps per batch task: about 1 ms on the reference machine. */
    public static final int BATCH_TASK_ITERATIONS = 520_000;
    public static final int QUEUED_PER_PROCESSOR = 4;
    static final int WEB_PRIORITY = 8;
    static final int BATCH_PRIORITY = 3;
    /** The {@code impl} of two spaces of equal priority that share processors by weight. */
    static final String SHARES = "activations-shares";
    static final int WEB_SHARE = 3;
    static final int BATCH_SHARE = 1;
    /** A web task not started this long after its submission is starved. */
    public static final long STARVED_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    @Param({"activations", SHARES, "virtual", "forkjoin", "platform"})
    public String impl;

    @Param({WEB_ALONE, BATCH_ALONE, BOTH})
    public String scenario;

    private int processors;
    private Kernel kernel;
    private Scheduler webSpace;
    private Scheduler batchSpace;
    private ExecutorService web;
    private ExecutorService batch;
    /** One batch task's time alone on an idle core (fastest of several, timed in setup). */
    private long batchTaskNanos;
    private volatile boolean batchRunning;
    /** One permit per batch task that may be submitted; a task returns its permit as it ends. */
    private final Semaphore batchSlots = new Semaphore(0);
    private Thread batchDriver;
    private final LongAdder batchDone = new LongAdder();
    /** Keeps batch results alive; racy updates are fine. */
    private long batchSink;
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
            batchAtOpen = apps.batchDone.sum();
            openedAt = System.nanoTime();
        }

        @TearDown(Level.Iteration)
        public void close() {
            long windowNanos = System.nanoTime() - openedAt;
            long tasks = apps.batchDone.sum() - batchAtOpen;
            batchTasks = tasks;
            batchUtilization = tasks * (double) apps.batchTaskNanos / 1e9 / apps.processors;
            long[] latencies = apps.webTasks.close();
            webStarved = apps.webTasks.starved(latencies);
            webP50Micros = AuxValue.ofWindow(LatencyWindow.quantile(latencies, 0.50) / 1e3, windowNanos);
            webP99Micros = AuxValue.ofWindow(LatencyWindow.quantile(latencies, 0.99) / 1e3, windowNanos);
            webMaxMicros = AuxValue.ofWindow(LatencyWindow.quantile(latencies, 1.0) / 1e3, windowNanos);
        }
    }

    @Setup
    public void setup() {
        processors = Runtime.getRuntime().availableProcessors();
        batchTaskNanos = CpuWork.fastestNanos(BATCH_TASK_ITERATIONS, 21);
        int p = processors;
        switch (impl) {
            case Kind.ACTIVATIONS -> {
                kernel = Kernel.builder().processors(p).name("two-apps").build();
                webSpace = Scheduler.builder().kernel(kernel).name("web").priority(WEB_PRIORITY).build();
                batchSpace = Scheduler.builder().kernel(kernel).name("batch").priority(BATCH_PRIORITY).build();
                web = Activations.newExecutor(webSpace);
                batch = Activations.newExecutor(batchSpace);
            }
            case SHARES -> {
                kernel = Kernel.builder().processors(p).name("two-apps").build();
                webSpace = Scheduler.builder().kernel(kernel).name("web").share(WEB_SHARE).build();
                batchSpace = Scheduler.builder().kernel(kernel).name("batch").share(BATCH_SHARE).build();
                web = Activations.newExecutor(webSpace);
                batch = Activations.newExecutor(batchSpace);
            }
            case Kind.VIRTUAL -> {
                web = Executors.newVirtualThreadPerTaskExecutor();
                batch = Executors.newVirtualThreadPerTaskExecutor();
            }
            case Kind.FORKJOIN -> {
                web = new ForkJoinPool(p);
                batch = new ForkJoinPool(p);
            }
            case Kind.PLATFORM -> {
                web = Executors.newFixedThreadPool(p, prioritized("web", Thread.MAX_PRIORITY));
                batch = Executors.newFixedThreadPool(p, prioritized("batch", Thread.MIN_PRIORITY));
            }
            default -> throw new IllegalArgumentException("unknown impl \"" + impl
                    + "\"; expected activations, " + SHARES + ", virtual, forkjoin or platform");
        }
        if (!scenario.equals(WEB_ALONE) && !scenario.equals(BATCH_ALONE) && !scenario.equals(BOTH)) {
            throw new IllegalArgumentException("unknown scenario \"" + scenario + "\"; expected " + WEB_ALONE + ", "
                    + BATCH_ALONE + " or " + BOTH);
        }
        if (!scenario.equals(WEB_ALONE)) {
            batchRunning = true;
            batchSlots.release(QUEUED_PER_PROCESSOR * p);
            batchDriver = new Thread(this::driveBatch, "batch-driver");
            batchDriver.setDaemon(true);
            batchDriver.start();
        }
    }

    /** The batch driver: submits a batch task for every free slot until the benchmark ends. */
    private void driveBatch() {
        try {
            while (true) {
                batchSlots.acquire();
                if (!batchRunning) {
                    return;
                }
                batch.execute(this::batchTask);
            }
        } catch (InterruptedException | RejectedExecutionException e) {
            // stopping
        }
    }

    private static ThreadFactory prioritized(String name, int priority) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setPriority(priority);
            t.setDaemon(true);
            return t;
        };
    }

    /** One batch task: about 1 ms of plain computation, then its slot goes back to the driver. */
    private void batchTask() {
        batchSink += CpuWork.spin(batchSink, BATCH_TASK_ITERATIONS);
        batchDone.increment();
        batchSlots.release();
    }

    @TearDown
    public void tearDown() throws InterruptedException {
        batchRunning = false;
        if (batchDriver != null) {
            batchDriver.interrupt();
            batchDriver.join(TimeUnit.SECONDS.toMillis(10));
        }
        boolean terminated = !(batchDriver != null && batchDriver.isAlive()) & stop(web) & stop(batch);
        if (webSpace != null) {
            webSpace.close();
            batchSpace.close();
        }
        if (kernel != null) {
            kernel.close();
        }
        if (!terminated) {
            throw new IllegalStateException(impl + " executors (or the batch driver) did not stop within 10 s");
        }
    }

    private static boolean stop(ExecutorService e) throws InterruptedException {
        e.shutdownNow();
        return e.awaitTermination(10, TimeUnit.SECONDS);
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
            web.execute(webTasks.next());
        }
        nextTick = Math.max(nextTick + WEB_PERIOD_NANOS, System.nanoTime());
        LatencyWindow.sleepUntil(nextTick);
    }
}
