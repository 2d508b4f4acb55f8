package dev.activations.bench;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * One measured window of tiny tasks submitted one at a time by a single thread (the JMH thread):
 * each task's submit→start latency, with a bound past which a task counts as starved and is never
 * waited for. The submitter calls {@link #next} for each task and {@link #close} once at the end;
 * the tasks, on any threads, run what {@code next} returned first thing.
 *
 * <p>Ownership: {@code submitted} and {@code count} are the submitter's (plain);
 * {@code latency} is written by the tasks (volatile) and read by the submitter in {@code close}.
 */
final class LatencyWindow {
    /** Not started: the value in a latency slot until its task runs. */
    private static final long PENDING = -1;

    private final long[] submitted;
    private final AtomicLongArray latency;
    private final long starvedAfterNanos;
    private int count;

    /**
     * @param capacity          most tasks in the window (an overflow throws)
     * @param starvedAfterNanos a task not started this long after its submission is starved
     */
    LatencyWindow(int capacity, long starvedAfterNanos) {
        submitted = new long[capacity];
        latency = new AtomicLongArray(capacity);
        this.starvedAfterNanos = starvedAfterNanos;
    }

    /**
     * Opens the next task's slot, stamped now, and returns what the task must run first: it
     * records the latency. Submitter only; submit the task right after.
     */
    Runnable next() {
        int i = count;
        if (i == submitted.length) {
            throw new IllegalStateException("latency window full: " + i + " tasks in one iteration");
        }
        latency.set(i, PENDING);
        count = i + 1;
        long at = System.nanoTime();
        submitted[i] = at;
        return () -> latency.set(i, System.nanoTime() - at);
    }

    /**
     * Ends the window: waits until its last task has started or the starvation bound after the
     * last submission, then returns every task's latency, the bound for those that had not
     * started by then (or started later than it). Submitter only.
     */
    long[] close() {
        int n = count;
        long deadline = n == 0 ? 0 : submitted[n - 1] + starvedAfterNanos;
        for (int i = 0; i < n; i++) {
            while (latency.get(i) == PENDING && System.nanoTime() < deadline) {
                LockSupport.parkNanos(100_000);
            }
        }
        long[] r = new long[n];
        for (int i = 0; i < n; i++) {
            long l = latency.get(i);
            r[i] = l == PENDING || l >= starvedAfterNanos ? starvedAfterNanos : l;
        }
        return r;
    }

    /** How many of {@code latencies} (from {@link #close}) are at the starvation bound. */
    long starved(long[] latencies) {
        return Arrays.stream(latencies).filter(l -> l >= starvedAfterNanos).count();
    }

    /** Parks the calling thread until {@code deadline} ({@link System#nanoTime}): the submitter between periods. */
    static void sleepUntil(long deadline) {
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(left);
        }
    }

    /** The {@code ceil(q * n)}-th smallest value; NaN when empty. Sorts {@code values}. */
    static double quantile(long[] values, double q) {
        if (values.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(values);
        int rank = (int) Math.max(1, Math.ceil(q * values.length));
        return values[rank - 1];
    }
}
