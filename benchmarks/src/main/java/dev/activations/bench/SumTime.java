package dev.activations.bench;

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

import java.util.concurrent.TimeUnit;

/**
 * Danjean et al.'s {@code sumtime(n)}: the sum of 1..n computed by threads, each of which
 * forks two children for the halves of its interval and joins them; a one-number interval is
 * a leaf. About 2n threads per run, most of them alive at once near the leaves. Per run.
 * (Their Table 3: sumtime(2000) took 7215 ms on LinuxThreads, 12 ms on their SA libraries.)
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {Bench.ADD_EXPORTS, Bench.ADD_OPENS, Bench.NATIVE_ACCESS})
@State(Scope.Benchmark)
public class SumTime {

    @Param({"platform", "virtual", "activations", "userthread", "forkjoin"})
    public String impl;

    @Param({"2000", "100000"})
    public int n;

    /** Processors the kind may use; 0 = all. */
    @Param("0")
    public int processors;

    private Kind kind;

    /** Above this, platform threads are not measured: see {@link #setup}. */
    static final int PLATFORM_MAX_N = 10_000;

    /**
     * @throws UnsupportedOperationException for platform threads with n above
     *     {@link #PLATFORM_MAX_N}: sumtime(100 000) starts 200 000 kernel threads and did not
     *     finish one run in 200 s on the 2-core reference machine (sumtime(2 000): 1.3 s), so the
     *     combination is reported as failed instead of holding the whole run hostage. Danjean
     *     et al. found the same of LinuxThreads.
     */
    @Setup
    public void setup() {
        if (impl.equals(Kind.PLATFORM) && n > PLATFORM_MAX_N) {
            throw new UnsupportedOperationException("sumtime(" + n + ") on platform threads starts " + 2L * n
                    + " kernel threads and takes minutes per run; not measured (platform is measured up to n = "
                    + PLATFORM_MAX_N + ")");
        }
        kind = Kind.create(impl, processors);
    }

    @TearDown
    public void tearDown() {
        kind.close();
    }

    @Benchmark
    public long sumTime() {
        long[] result = new long[1];
        Kind k = kind;
        k.runInside(() -> result[0] = sum(k, 1, n));
        long expected = (long) n * (n + 1) / 2;
        if (result[0] != expected) {
            throw new IllegalStateException("sum of 1.." + n + " was " + result[0] + ", expected " + expected);
        }
        return result[0];
    }

    /** Sum of lo..hi, on the calling thread of {@code k} and its descendants. */
    static long sum(Kind k, long lo, long hi) {
        if (lo == hi) {
            return lo;
        }
        long mid = (lo + hi) >>> 1;
        long[] halves = new long[2];
        Strand left = k.start(() -> halves[0] = sum(k, lo, mid));
        Strand right = k.start(() -> halves[1] = sum(k, mid + 1, hi));
        right.join(); // newest first: the fork/join idiom
        left.join();
        return halves[0] + halves[1];
    }
}
