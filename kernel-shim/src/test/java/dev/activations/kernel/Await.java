package dev.activations.kernel;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Waiting helpers for kernel tests. Tests assert behaviour, never elapsed time: {@link #until}
 * polls a condition for a generous {@link #TIMEOUT} and fails with the condition's name and a
 * state dump, so a slow or loaded machine only makes a test slower, never red.
 * {@link #holds} is the one way to check that something does <em>not</em> happen: the
 * condition must stay true for a window far longer than the kernel's own delays.
 */
final class Await {
    /** Upper bound for anything the kernel is expected to do; reached only when a test fails. */
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private Await() {
    }

    /** Polls {@code condition} until it holds; fails naming {@code what} and dumping {@code state}. */
    static void until(String what, BooleanSupplier condition, Supplier<String> state) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + TIMEOUT.toSeconds() + " s waiting for: " + what + "\nstate: " + state.get());
            }
            pause();
        }
    }

    /** Checks that {@code condition} stays true for the whole {@code window}; fails at the first sample where it does not. */
    static void holds(String what, BooleanSupplier condition, Duration window, Supplier<String> state) {
        long end = System.nanoTime() + window.toNanos();
        do {
            if (!condition.getAsBoolean()) {
                fail("expected to stay true: " + what + "\nstate: " + state.get());
            }
            pause();
        } while (System.nanoTime() - end < 0);
    }

    /** The first window of {@link #ratio}. */
    static final Duration RATIO_WINDOW = Duration.ofSeconds(2);
    /** The widest window of {@link #ratio}: long enough to repay the largest debt the kernel keeps (200 ms) within 10 % at 3 : 1. */
    static final Duration RATIO_WINDOW_MAX = Duration.ofSeconds(8);

    /** {@link #ratio}'s result: the last window's ratio, and every window's figures for a message. */
    record Ratio(double value, String windows) {
    }

    /**
     * The growth of {@code a} over that of {@code b} in a window that starts now: {@link #RATIO_WINDOW},
     * widened by half a second at a time up to {@link #RATIO_WINDOW_MAX} while the ratio is outside
     * [{@code low}, {@code high}]. For processor-time accounts: on a loaded machine the OS may keep
     * a carrier from its safepoint, and its space then holds a VP past its slice; the kernel repays
     * that debt over the next slices (up to a bound: {@code Planner.LAG_BOUND_QUANTA}), which a
     * longer window shows. A kernel that allocates in another ratio stays outside at every window.
     */
    static Ratio ratio(LongSupplier a, LongSupplier b, double low, double high) throws InterruptedException {
        long a0 = a.getAsLong();
        long b0 = b.getAsLong();
        long t0 = System.nanoTime();
        Thread.sleep(RATIO_WINDOW.toMillis());
        StringBuilder windows = new StringBuilder();
        while (true) {
            long da = a.getAsLong() - a0;
            long db = b.getAsLong() - b0;
            long ms = (System.nanoTime() - t0) / 1_000_000;
            double r = (double) da / db;
            windows.append(String.format("%n  %d ms: %d : %d ms, ratio %.3f", ms, da / 1_000_000, db / 1_000_000, r));
            if ((r >= low && r <= high) || ms >= RATIO_WINDOW_MAX.toMillis()) {
                return new Ratio(r, windows.toString());
            }
            Thread.sleep(500);
        }
    }

    /** Names of the live threads that belong to kernel {@code kernelName}: its carriers and its monitor. */
    static List<String> kernelThreads(String kernelName) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith(kernelName + "-activation-") || n.equals(kernelName + "-monitor"))
                .sorted()
                .toList();
    }

    /** Names of the live carrier threads (activations) of kernel {@code kernelName}. */
    static List<String> carriers(String kernelName) {
        return kernelThreads(kernelName).stream().filter(n -> n.startsWith(kernelName + "-activation-")).toList();
    }

    private static void pause() {
        try {
            Thread.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted while waiting");
        }
    }
}
