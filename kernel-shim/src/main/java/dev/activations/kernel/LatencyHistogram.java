package dev.activations.kernel;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A histogram of durations in nanoseconds, cheap to record into from any thread and read
 * racily: the kernel's hand-off latencies ({@link HandOffStats}).
 *
 * <h2>Buckets (log-linear, as HdrHistogram with one significant hex digit)</h2>
 * <pre>
 *   value v < 16:         bucket v (exact)
 *   value v >= 16:        e = msb(v) - 4, s = (v >>> e) - 16 (0..15)
 *                         bucket 16 + 16 e + s, covering [(16 + s) << e, (17 + s) << e)
 * </pre>
 * So a bucket is at most 1/16 of its lower bound wide: a value read back (a percentile, the
 * upper end of its bucket) is at most 6.25 % above the true one, never below. Values from 2^44 ns
 * (about 4.9 hours) up share the last bucket; negative values count as 0.
 *
 * <h2>Concurrency</h2>
 * Recording is one {@link AtomicLongArray} increment and two atomic updates (sum, max): meant
 * for event rates (a hand-off), not per context switch. A {@link #snapshot()} reads the
 * buckets one by one while others record: a sample may be in the buckets and not yet in the
 * max, or the reverse; percentiles are clamped to the max read, so no read-back value exceeds
 * a value that was recorded. Owned by nobody; written by whoever records.
 */
public final class LatencyHistogram {
    static final int SUB_BITS = 4;
    static final int SUB = 1 << SUB_BITS;
    static final int MAX_EXPONENT = 39;
    static final int BUCKETS = SUB + SUB * (MAX_EXPONENT + 1);

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final AtomicLong sum = new AtomicLong();
    private final AtomicLong max = new AtomicLong();

    /**
     * Records one duration, in nanoseconds. Any thread. (No lambda here: its first call would
     * link an invokedynamic call site, milliseconds spent on the very hand-off being timed.)
     */
    public void record(long nanos) {
        long v = Math.max(0, nanos);
        counts.incrementAndGet(bucket(v));
        sum.addAndGet(v);
        long m;
        while (v > (m = max.get()) && !max.compareAndSet(m, v)) {
            // another recorder raised the max meanwhile: compare again
        }
    }

    /** The counts so far (racy: see the class comment). */
    public Snapshot snapshot() {
        long[] c = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            c[i] = counts.get(i);
        }
        return new Snapshot(c, sum.get(), max.get());
    }

    static int bucket(long v) {
        if (v < SUB) {
            return (int) v;
        }
        int e = 63 - Long.numberOfLeadingZeros(v) - SUB_BITS;
        if (e > MAX_EXPONENT) {
            return BUCKETS - 1;
        }
        return SUB + SUB * e + (int) ((v >>> e) - SUB);
    }

    /** Largest value that falls into bucket {@code i}. */
    static long upperBound(int i) {
        if (i < SUB) {
            return i;
        }
        int e = (i - SUB) / SUB;
        long s = (i - SUB) % SUB;
        return ((SUB + s + 1) << e) - 1;
    }

    /**
     * An immutable copy of a histogram's counts. Values read back (percentiles, max) are in
     * nanoseconds and are upper ends of buckets, clamped to the largest value recorded: at
     * most 6.25 % above the true value.
     */
    public static final class Snapshot {
        private final long[] counts;
        private final long count;
        private final long sum;
        private final long max;

        Snapshot(long[] counts, long sum, long max) {
            this.counts = counts;
            this.count = Arrays.stream(counts).sum();
            this.sum = sum;
            this.max = max;
        }

        /** An empty snapshot. */
        public static Snapshot empty() {
            return new Snapshot(new long[BUCKETS], 0, 0);
        }

        /** Number of durations recorded. */
        public long count() {
            return count;
        }

        /**
         * The smallest bucket bound below which at least {@code q} of the durations lie (ns);
         * 0 when empty.
         *
         * @param q between 0 and 1, e.g. 0.99
         * @throws IllegalArgumentException if q is outside [0, 1]
         */
        public long percentile(double q) {
            if (!(q >= 0 && q <= 1)) {
                throw new IllegalArgumentException("q must be between 0 and 1, was " + q);
            }
            if (count == 0) {
                return 0;
            }
            long rank = Math.max(1, (long) Math.ceil(q * count));
            long seen = 0;
            for (int i = 0; i < counts.length; i++) {
                seen += counts[i];
                if (seen >= rank) {
                    return Math.min(upperBound(i), max);
                }
            }
            return max;
        }

        /** The largest duration recorded (ns), or, in a difference, an upper bound of it; 0 when empty. */
        public long max() {
            return count == 0 ? 0 : max;
        }

        /** Mean duration (ns); NaN when empty. */
        public double mean() {
            return count == 0 ? Double.NaN : (double) sum / count;
        }

        /**
         * The durations recorded after {@code earlier} (a snapshot of the same histogram):
         * counts and sum subtract exactly; the max is bounded by the top of the highest bucket
         * left, since a difference cannot tell which durations came first.
         */
        public Snapshot minus(Snapshot earlier) {
            long[] c = new long[BUCKETS];
            int top = -1;
            for (int i = 0; i < BUCKETS; i++) {
                c[i] = Math.max(0, counts[i] - earlier.counts[i]);
                if (c[i] > 0) {
                    top = i;
                }
            }
            long m = top < 0 ? 0 : Math.min(max, upperBound(top));
            return new Snapshot(c, Math.max(0, sum - earlier.sum), m);
        }

        @Override
        public String toString() {
            if (count == 0) {
                return "n=0";
            }
            return String.format(Locale.ROOT, "n=%d, p50=%.1f us, p99=%.1f us, max=%.1f us", count,
                    percentile(0.5) / 1e3, percentile(0.99) / 1e3, max() / 1e3);
        }
    }
}
