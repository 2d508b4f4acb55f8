package dev.activations.bench;

import java.util.Arrays;

/**
 * A plain CPU loop for work that must look like application code: no runtime calls, no
 * checkpoints, no allocation, nothing the JIT can remove (the result is returned and used).
 * About 1.9 ns per iteration on the 2-core reference machine.
 */
public final class CpuWork {
    private CpuWork() {
    }

    /** Runs {@code iterations} steps of a xorshift generator from {@code seed}; returns the last value. */
    public static long spin(long seed, int iterations) {
        long x = seed | 1;
        for (int i = 0; i < iterations; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x;
    }

    /**
     * How long {@link #spin} of {@code iterations} takes on this thread when nothing else runs:
     * 200 ms to warm the JIT (and the core's clock), then the fastest of {@code runs} timings.
     * An estimate: other load on the machine makes it longer. Call it before the benchmark's
     * threads start.
     */
    public static long fastestNanos(int iterations, int runs) {
        long sink = 0;
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < 200_000_000L) {
            sink += spin(sink, Math.max(1, iterations / 16));
        }
        long best = Long.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            long s = System.nanoTime();
            sink += spin(sink + i, iterations);
            best = Math.min(best, System.nanoTime() - s);
        }
        if (sink == 42) { // keeps the runs alive; practically never true
            System.out.print("");
        }
        return best;
    }
}
