package dev.activations.bench;

import dev.activations.runtime.Scheduler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Several parallel applications at once (the paper's Table V: two copies of the N-body
 * program, multiprogramming level 2): each app is an {@link NBody} simulation whose threads
 * take a short critical section per body. Time until every app has finished.
 *
 * <p>How the apps share the machine, per impl: {@code activations} — two address spaces on one
 * kernel, which divides the processors between them; {@code platform} — two sets of kernel
 * threads, time-sliced by the OS; {@code forkjoin} — two independent {@code ForkJoinPool}s of
 * {@code processors} workers each; {@code virtual} — the JDK has one virtual-thread
 * scheduler, so both apps' threads share it; {@code serial} — the apps one after the other on
 * one thread, no threads forked: the baseline for speed-up ({@code apps=1}).
 *
 * <p>{@code background = hog}: the busy machine (issue 22): before the trial a {@link CpuHog}
 * process starts computing on every core at the default OS priority, the same for every impl,
 * and runs until the trial ends.
 *
 * <p>With {@code apps=1} and {@code processors} = 1..P this is the paper's Figure 2 (speed-up
 * against processors). Virtual threads need the JVM flag {@code -Djdk.virtualThreadScheduler.parallelism}
 * to match {@code processors}; platform threads always use every core.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {Bench.ADD_EXPORTS, Bench.ADD_OPENS, Bench.NATIVE_ACCESS})
@State(Scope.Benchmark)
public class Multiprogramming {
    /** Bodies per app. */
    public static final int BODIES = 1024;
    /** Time steps per app run: about 50 ms serially on the 2-core reference machine. */
    public static final int STEPS = 8;
    /** Threads forked per force phase per app: 4 per core of the machine, at least 16, whatever {@link #processors}. */
    public static final int CHUNKS = Math.max(16, 4 * Runtime.getRuntime().availableProcessors());

    @Param({"serial", "platform", "virtual", "forkjoin", "activations", "userthread"})
    public String impl;

    /** Applications run at once. */
    @Param("2")
    public int apps;

    /** Processors for the whole machine; 0 = all. */
    @Param("0")
    public int processors;

    /** {@code none}: an idle machine; {@code hog}: another process computes on every core. */
    @Param({"none"})
    public String background;

    private CpuHog.Process hog;

    private final List<Kind> kinds = new ArrayList<>();
    private final List<NBody> bodies = new ArrayList<>();
    private final List<Scheduler> spaces = new ArrayList<>();

    @Setup
    public void setup() throws IOException {
        switch (background) {
            case "none" -> hog = null;
            case "hog" -> hog = CpuHog.start(Runtime.getRuntime().availableProcessors());
            default -> throw new IllegalArgumentException("background must be none or hog, was " + background);
        }
        if (impl.equals(Kind.ACTIVATIONS) || impl.equals(Kind.USERTHREAD)) {
            ActivationsKind k = (ActivationsKind) Kind.create(impl, processors);
            kinds.add(k);
            for (int a = 0; a < apps; a++) {
                spaces.add(k.newSpace("app-" + (a + 1), 5));
                bodies.add(new NBody(BODIES, k.newLock()));
            }
        } else {
            for (int a = 0; a < apps; a++) {
                Kind k = Kind.create(impl, processors);
                kinds.add(k);
                bodies.add(new NBody(BODIES, k.newLock()));
            }
        }
    }

    @TearDown
    public void tearDown() {
        kinds.forEach(Kind::close);
        if (hog != null) {
            hog.close();
        }
    }

    @Benchmark
    public void runApps(Blackhole bh) {
        List<Strand> running = new ArrayList<>(apps);
        for (int a = 0; a < apps; a++) {
            NBody body = bodies.get(a);
            Kind kind = kinds.get(spaces.isEmpty() ? a : 0);
            Runnable app = () -> {
                body.reset();
                bh.consume(body.simulate(kind, STEPS, CHUNKS));
            };
            running.add(spaces.isEmpty() ? kind.start(app) : ((ActivationsKind) kind).start(spaces.get(a), app));
        }
        for (Strand s : running) {
            s.join();
        }
    }
}
