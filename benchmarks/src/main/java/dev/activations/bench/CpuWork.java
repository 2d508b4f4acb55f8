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
     * The iteration count for which {@link #spin} takes {@code nanos} on this thread when nothing
     * else runs: 200 ms to warm the JIT (and the core's clock), then the fastest of nine timings
     * of a large run, scaled. Call it before the benchmark's threads start.
     */
    public static int calibrate(long nanos) {
        int probe = 1_000_000;
        long sink = 0;
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < 200_000_000L) {
            sink += spin(sink, probe / 16);
        }
        long[] ns = new long[9];
        for (int i = 0; i < ns.length; i++) {
            long s = System.nanoTime();
            sink += spin(sink + i, probe);
            ns[i] = System.nanoTime() - s;
        }
        Arrays.sort(ns);
        if (sink == 42) { // keeps the runs alive; practically never true
            System.out.print("");
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (double) nanos * probe / ns[0]));
    }
}
