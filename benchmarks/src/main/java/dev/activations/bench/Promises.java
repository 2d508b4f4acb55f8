package dev.activations.bench;

import dev.activations.kernel.HandOffStats;
import dev.activations.kernel.Kernel;
import dev.activations.kernel.LatencySnapshot;
import dev.activations.kernel.ProcessorActivity;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The paper's first two promises, measured under {@link BlockingMix}'s workload (six threads per
 * processor, each computing about 20 ms and then reading a named pipe that answers 10 ms later;
 * carriers pinned, one VP per CPU) from the kernel's and the scheduler's own timestamps and state:
 * <ol>
 *   <li><b>Hand-off latency</b> ({@code Kernel.handOffStats()}, see the kernel's
 *       {@code HandOffClock}): from a carrier blocking (bracketed: its {@code enterKernel};
 *       unbracketed: the monitor's last sample that saw it make progress, +-1 monitor interval)
 *       to its processor's new activation dispatching another thread; and the return path, from
 *       the blocked thread stopping on its returned carrier to its next dispatch.</li>
 *   <li><b>Idle with ready work</b> ({@link IdleSampler}): the fraction of processor time a
 *       processor is idle, in transit after a hand-off, or free while the space has a ready
 *       thread, sampled at random instants.</li>
 * </ol>
 *
 * <p>Parameters: {@code impl} is the thread kind ({@code activations}: Java threads;
 * {@code userthread}: raw user threads); {@code blocking} whether the read is bracketed
 * ({@code UserThread.blocking}) or left for the monitor to find; {@code blockedAfterUs} and
 * {@code monitorIntervalUs} tune the kernel (defaults: the kernel's); {@code threadsPerProcessor}
 * is BlockingMix's 6 unless set. With 6, a thread whose call returned waits behind the other ready
 * threads (the ready queues are FIFO: about {@code 6 x 20 ms} of computation per processor is
 * ready at any time), so its return latency is mostly that wait; {@code -p threadsPerProcessor=1}
 * leaves a returning thread an idle processor and so times the return path's mechanism alone. A
 * blocked carrier keeps its processor for {@code blockedAfter} on purpose (a call that returns
 * sooner costs no hand-off), so its hand-off latency is at least that by construction: bracketed,
 * a standby spare takes the processor at that instant; unbracketed, the monitor (which samples
 * every {@code monitorInterval}) hands it off once it has seen the carrier asleep for that long.
 *
 * <p>Score: steps of work per second, as in BlockingMix. Secondary results, one value per
 * iteration averaged over iterations by JMH ({@code Figures}): {@code utilization};
 * {@code handOffP50Us}/{@code P99Us}/{@code MaxUs} for the {@code blocking} kind;
 * {@code detectionP50Us}/{@code P99Us} (blocking to the hand-off), {@code transitP50Us}/{@code P99Us}
 * (hand-off to first dispatch), {@code wakeUpP50Us}/{@code P99Us} (its first part: hand-off to
 * the new carrier's upcall); {@code returnP50Us}/{@code P99Us}/{@code MaxUs};
 * {@code handOffs} and {@code notRun} per second; {@code idleWithWorkPct} (the promise),
 * {@code wastedPct} (at most one idle processor per ready thread), {@code transitWithWorkPct} (the
 * part in transit after a hand-off), {@code inKernelWithWorkPct},
 * {@code suspectedWithWorkPct}, {@code idlePct} (idle or free, work or not) and {@code readyPct} (instants with a ready
 * thread). The percentiles are of the iteration's hand-offs (about a hundred per second per
 * processor pair here), upper ends of buckets at most 1 % wide (HdrHistogram); a max is the iteration's,
 * averaged over iterations. A percentile is not a rate, yet JMH divides every secondary result by
 * the iteration's length: each figure is therefore written as {@code value x seconds elapsed} at
 * the end of every operation, so that the division gives the value back (the iteration's clock
 * here starts a few microseconds before JMH's).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {Bench.ADD_EXPORTS, Bench.ADD_OPENS, Bench.NATIVE_ACCESS})
@State(Scope.Benchmark)
public class Promises {
    public static final String BRACKETED = "bracketed";
    public static final String UNBRACKETED = "unbracketed";

    @Param({Kind.ACTIVATIONS, Kind.USERTHREAD})
    public String impl;

    @Param({BRACKETED, UNBRACKETED})
    public String blocking;

    /** The kernel's {@code blockedAfter}, µs (its default: 100). */
    @Param({"100"})
    public int blockedAfterUs;

    /** The kernel's {@code monitorInterval}, µs (its default: 100). */
    @Param({"100"})
    public int monitorIntervalUs;

    /**
     * The kernel's {@code monitorSlice}, µs (its default: 100; 0 leaves Linux's default slice):
     * the OS slice the monitor asks for, so that its ticks preempt CPU-bound carriers.
     */
    @Param({"100"})
    public int monitorSliceUs;

    /** The kernel's {@code sentinels} (its default: true): idle-CPU threads that wake the monitor where a carrier blocked. */
    @Param({"true"})
    public boolean sentinels;

    /**
     * Checkpoints per ~20 ms compute step ({@link BlockingMix}: 20, one every ~1 ms). After an
     * unannotated hand-off the revoked carrier runs its thread on to the next checkpoint beside
     * the VP holders; more checkpoints shorten that run-on.
     */
    @Param({"20"})
    public int slicesPerStep;

    /**
     * Threads per processor ({@link BlockingMix}: 6, always more computation ready than
     * processors). With 1 a thread's processor has nothing else to run while it blocks, so the
     * hand-offs count as {@code notRun} and a returning thread finds its processor idle: its
     * return latency is then the mechanism's alone, not a wait behind other ready threads.
     */
    @Param({"6"})
    public int threadsPerProcessor;

    /** Mean interval of the idle sampler, µs. */
    @Param({"500"})
    public int sampleUs;

    private int processors;
    private ActivationsKind kind;
    private IoDevice device;
    private IdleSampler sampler;
    private double stepSeconds;
    private final List<Strand> workers = new ArrayList<>();
    private final Semaphore completed = new Semaphore(0);
    private volatile boolean running;

    private long iterationStart;
    private HandOffStats handOffsAtStart;
    private IdleSampler.Counts samplesAtStart;

    /** Secondary results; see the class comment for why each is written as value x seconds. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Figures {
        public double utilization;
        public double handOffP50Us;
        public double handOffP99Us;
        public double handOffMaxUs;
        public double detectionP50Us;
        public double detectionP99Us;
        public double transitP50Us;
        public double wakeUpP50Us;
        public double wakeUpP99Us;
        public double transitP99Us;
        public double returnP50Us;
        public double returnP99Us;
        public double returnMaxUs;
        public double handOffs;
        public double notRun;
        public double idleWithWorkPct;
        public double wastedPct;
        public double transitWithWorkPct;
        public double inKernelWithWorkPct;
        public double suspectedWithWorkPct;
        public double idlePct;
        public double readyPct;
    }

    @Setup
    public void setup() throws IOException, InterruptedException {
        if (!impl.equals(Kind.ACTIVATIONS) && !impl.equals(Kind.USERTHREAD)) {
            throw new IllegalArgumentException("impl must be " + Kind.ACTIVATIONS + " or " + Kind.USERTHREAD
                    + " (the promises are the kernel's), was " + impl);
        }
        if (!blocking.equals(BRACKETED) && !blocking.equals(UNBRACKETED)) {
            throw new IllegalArgumentException("blocking must be " + BRACKETED + " or " + UNBRACKETED + ", was " + blocking);
        }
        processors = Runtime.getRuntime().availableProcessors();
        stepSeconds = BlockingMix.calibrateStep();
        kind = (ActivationsKind) Kind.create(impl, 0, b -> b.pinCarriers(true)
                .blockedAfter(Duration.ofNanos(blockedAfterUs * 1_000L))
                .monitorInterval(Duration.ofNanos(monitorIntervalUs * 1_000L))
                .monitorSlice(Duration.ofNanos(monitorSliceUs * 1_000L))
                .sentinels(sentinels));
        if (slicesPerStep < 1 || slicesPerStep > 20_000) {
            throw new IllegalArgumentException("slicesPerStep must be between 1 and 20000, was " + slicesPerStep);
        }
        if (threadsPerProcessor < 1) {
            throw new IllegalArgumentException("threadsPerProcessor must be >= 1, was " + threadsPerProcessor);
        }
        int n = threadsPerProcessor * processors;
        device = new IoDevice(n, BlockingMix.IO_MICROS, TimeUnit.MICROSECONDS);
        sampler = new IdleSampler(kind.kernel(), kind.scheduler(), sampleUs * 1_000L);
        running = true;
        boolean bracket = blocking.equals(BRACKETED);
        for (int i = 0; i < n; i++) {
            InputStream in = device.open(i);
            int channel = i;
            workers.add(kind.start(() -> BlockingMix.work(kind, device, channel, in, bracket, () -> running, completed,
                    slicesPerStep)));
        }
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        completed.drainPermits();
        handOffsAtStart = kind.kernel().handOffStats();
        samplesAtStart = sampler.counts();
        iterationStart = System.nanoTime();
    }

    @TearDown
    public void tearDown() throws IOException, InterruptedException {
        running = false;
        for (Strand w : workers) {
            w.join();
        }
        sampler.close();
        device.close();
        kind.close();
    }

    @Benchmark
    @OperationsPerInvocation(BlockingMix.STEPS)
    public void computeAndBlock(Figures f) {
        completed.acquireUninterruptibly(BlockingMix.STEPS);
        f.utilization += BlockingMix.STEPS * stepSeconds / processors;
        report(f);
    }

    /** Writes the iteration's figures so far into {@code f}, each as value x seconds elapsed. */
    private void report(Figures f) {
        double seconds = (System.nanoTime() - iterationStart) / 1e9;
        HandOffStats h = kind.kernel().handOffStats().minus(handOffsAtStart);
        LatencySnapshot handOff = blocking.equals(BRACKETED) ? h.bracketed() : h.unbracketed();
        f.handOffP50Us = micros(handOff.percentile(0.5), handOff.count()) * seconds;
        f.handOffP99Us = micros(handOff.percentile(0.99), handOff.count()) * seconds;
        f.handOffMaxUs = micros(handOff.max(), handOff.count()) * seconds;
        LatencySnapshot detection = blocking.equals(BRACKETED) ? h.bracketedDetection() : h.unbracketedDetection();
        f.detectionP50Us = micros(detection.percentile(0.5), detection.count()) * seconds;
        f.detectionP99Us = micros(detection.percentile(0.99), detection.count()) * seconds;
        f.transitP50Us = micros(h.transit().percentile(0.5), h.transit().count()) * seconds;
        f.wakeUpP50Us = micros(h.wakeUp().percentile(0.5), h.wakeUp().count()) * seconds;
        f.wakeUpP99Us = micros(h.wakeUp().percentile(0.99), h.wakeUp().count()) * seconds;
        f.transitP99Us = micros(h.transit().percentile(0.99), h.transit().count()) * seconds;
        f.returnP50Us = micros(h.resumed().percentile(0.5), h.resumed().count()) * seconds;
        f.returnP99Us = micros(h.resumed().percentile(0.99), h.resumed().count()) * seconds;
        f.returnMaxUs = micros(h.resumed().max(), h.resumed().count()) * seconds;
        f.handOffs = h.bracketed().count() + h.unbracketed().count() + h.notRun();
        f.notRun = h.notRun();
        IdleSampler.Counts c = sampler.counts().minus(samplesAtStart);
        f.idleWithWorkPct = 100 * c.idleWithWork() * seconds;
        f.wastedPct = 100 * c.wastedFraction() * seconds;
        f.transitWithWorkPct = 100 * c.withWork(ProcessorActivity.IN_TRANSIT) * seconds;
        f.inKernelWithWorkPct = 100 * c.withWork(ProcessorActivity.IN_KERNEL) * seconds;
        f.suspectedWithWorkPct = 100 * c.withWork(ProcessorActivity.SUSPECTED) * seconds;
        f.idlePct = 100 * (c.all(ProcessorActivity.IDLE) + c.all(ProcessorActivity.IN_TRANSIT)
                + c.all(ProcessorActivity.FREE)) * seconds;
        f.readyPct = 100 * c.readyFraction() * seconds;
    }

    private static double micros(long nanos, long count) {
        return count == 0 ? Double.NaN : nanos / 1e3;
    }
}
