package dev.activations.bench;

import dev.activations.kernel.Kernel;
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
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * Computation that blocks in the kernel (the paper's Figure 3, where the N-body program pages
 * from disk): {@link #WORKERS_PER_PROCESSOR} threads per processor each loop forever over
 * "compute {@link #STEP_TOKENS} tokens (about 20 ms), then read an answer that an {@link IoDevice} sends
 * {@link #IO_MICROS} µs later" through {@code FileInputStream} on a named pipe. There is
 * always more computation ready than processors, so a thread system that keeps its processors
 * busy while threads block does {@code processors} steps of work per step time.
 *
 * <p>Score: steps of work per second. Secondary result {@code utilization}: the fraction of
 * the processors spent on that work ({@code steps x step time alone / processors}, the step
 * time measured in setup before any worker starts); 1.0 is perfect. An estimate: other load on
 * the machine lowers it for every impl alike, and a core that runs faster under load than during
 * the calibration (clock scaling) can push it a little above 1.
 *
 * <p>Every Activations case runs on a kernel built with {@code pinCarriers(true)} (each VP's
 * carrier pinned to its own CPU: a VP is a processor, as in the paper), except {@code
 * activations-unpinned}, the same as {@code activations} on an unpinned kernel, which shows
 * what Linux's placement of the carriers costs. Other impl values beyond the usual three:
 * {@code activations-nodetect} runs on a kernel built with {@code blockingDetection(false)}:
 * user-level threads on carriers that never give their processor away while blocked, the
 * paper's "original FastThreads"; {@code activations-unbracketed} reads without {@code
 * UserThread.blocking}, so only the monitor's sampling of the carrier can see the block. The
 * computation passes a safepoint ({@code UserThread.checkpoint()}) about every millisecond, as DESIGN.md asks of long loops: an
 * unbracketed thread whose processor was handed off while it blocked stops there, instead of
 * computing on beside the processor's new carrier for the rest of the step.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {Bench.ADD_EXPORTS, Bench.ADD_OPENS, Bench.NATIVE_ACCESS})
@State(Scope.Benchmark)
public class BlockingMix {
    static final int WORKERS_PER_PROCESSOR = 6;
    /** {@link Blackhole#consumeCPU} tokens per step: about 20 ms on the 2-core reference machine. */
    static final long STEP_TOKENS = 8_000_000;
    static final long IO_MICROS = 10_000;
    /** A step computes in this many slices with a {@link Kind#checkpoint()} after each (about 1 ms apart). */
    static final int SLICES = 20;
    /** Steps awaited per invocation. */
    static final int STEPS = 4;

    public static final String NODETECT = "activations-nodetect";
    public static final String UNBRACKETED = "activations-unbracketed";
    public static final String UNPINNED = "activations-unpinned";

    @Param({"platform", "virtual", "activations", "userthread", NODETECT, UNBRACKETED, UNPINNED})
    public String impl;

    private int processors;
    private Kind kind;
    private IoDevice device;
    /** Seconds one step of computation takes alone on an idle core (fastest of 9, measured in setup). */
    private double stepSeconds;
    private final List<Strand> workers = new ArrayList<>();
    private final Semaphore completed = new Semaphore(0);
    private volatile boolean running;

    /** Secondary results; JMH divides them by the iteration's length. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Utilization {
        /** Processor-seconds of useful work per processor: per second, the utilization. */
        public double utilization;
    }

    @Setup
    public void setup() throws IOException, InterruptedException {
        processors = Runtime.getRuntime().availableProcessors();
        stepSeconds = calibrateStep();
        boolean pin = !impl.equals(UNPINNED);
        boolean detect = !impl.equals(NODETECT);
        UnaryOperator<Kernel.Builder> kernel = b -> b.blockingDetection(detect).pinCarriers(pin);
        boolean bracket = !impl.equals(UNBRACKETED);
        kind = Kind.create(impl.startsWith(Kind.ACTIVATIONS) ? Kind.ACTIVATIONS : impl, 0, kernel); // variants use Java threads
        int n = WORKERS_PER_PROCESSOR * processors;
        device = new IoDevice(n, IO_MICROS, TimeUnit.MICROSECONDS);
        running = true;
        for (int i = 0; i < n; i++) {
            InputStream in = device.open(i);
            int channel = i;
            workers.add(kind.start(() -> work(kind, device, channel, in, bracket, () -> running, completed)));
        }
    }

    /**
     * Times one step of computation alone on the calling thread, before any worker runs: a second
     * for the JIT (and the core's clock) to settle, then the fastest of nine steps. Seconds.
     */
    static double calibrateStep() {
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < 1_000_000_000L) {
            Blackhole.consumeCPU(STEP_TOKENS / 16);
        }
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 9; i++) {
            long s = System.nanoTime();
            Blackhole.consumeCPU(STEP_TOKENS);
            best = Math.min(best, System.nanoTime() - s);
        }
        return best / 1e9;
    }

    /** {@link #work(Kind, IoDevice, int, InputStream, boolean, BooleanSupplier, Semaphore, int)} with {@link #SLICES}. */
    static void work(Kind kind, IoDevice device, int channel, InputStream in, boolean bracket, BooleanSupplier running,
            Semaphore completed) {
        work(kind, device, channel, in, bracket, running, completed, SLICES);
    }

    /**
     * One worker of the mix (also {@link Promises}'): while {@code running}, computes a step in
     * {@code slices} slices with a safepoint after each, then reads {@code channel}'s answer
     * ({@code bracket}: inside {@code kind.blocking}), and releases one permit of
     * {@code completed} per step.
     */
    static void work(Kind kind, IoDevice device, int channel, InputStream in, boolean bracket, BooleanSupplier running,
            Semaphore completed, int slices) {
        try (in) {
            while (running.getAsBoolean()) {
                for (int s = 0; s < slices; s++) {
                    Blackhole.consumeCPU(STEP_TOKENS / slices);
                    kind.checkpoint();
                }
                device.request(channel);
                int b = bracket ? kind.blocking(in::read) : in.read();
                if (b < 0) {
                    throw new IllegalStateException("io device channel " + channel + " closed early");
                }
                completed.release();
            }
        } catch (Exception e) {
            throw new IllegalStateException("worker " + channel + " failed: " + e, e);
        }
    }

    @Setup(Level.Iteration)
    public void discardStepsBetweenIterations() {
        completed.drainPermits();
    }

    @TearDown
    public void tearDown() throws IOException, InterruptedException {
        running = false;
        for (Strand w : workers) {
            w.join();
        }
        device.close();
        kind.close();
    }

    @Benchmark
    @OperationsPerInvocation(STEPS)
    public void computeAndBlock(Utilization u) {
        completed.acquireUninterruptibly(STEPS);
        u.utilization += STEPS * stepSeconds / processors;
    }
}
