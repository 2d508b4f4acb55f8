package dev.activations.bench.http;

/**
 * A fixed log-linear histogram of latencies in nanoseconds (HdrHistogram's layout, cut down):
 * values below 64 have a bucket each; above, every power of two is split into 32 buckets, so a
 * recorded value is known to within 1/32 (about 3 %). Single writer: each of the load
 * generator's selector threads owns one and hands out {@link #copy copies}.
 *
 * <pre>
 *   value v          bucket
 *   v < 64           v
 *   2^e <= v < 2^e+1 64 + (e - 6) * 32 + (the 5 bits below v's top bit)
 * </pre>
 */
final class LatencyHistogram {
    private static final int SUB_BITS = 5;
    private static final int SUB = 1 << SUB_BITS;
    private static final int LINEAR = 2 * SUB;
    private static final int BUCKETS = LINEAR + (63 - 6) * SUB;

    private final long[] counts = new long[BUCKETS];
    private long total;
    private long max;

    void record(long nanos) {
        long v = Math.max(0, nanos);
        counts[index(v)]++;
        total++;
        max = Math.max(max, v);
    }

    long count() {
        return total;
    }

    long max() {
        return max;
    }

    void reset() {
        java.util.Arrays.fill(counts, 0);
        total = 0;
        max = 0;
    }

    LatencyHistogram copy() {
        LatencyHistogram h = new LatencyHistogram();
        h.add(this);
        return h;
    }

    void add(LatencyHistogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        max = Math.max(max, other.max);
    }

    /**
     * The value at quantile {@code q} (0 < q <= 1): the middle of the bucket that holds the
     * {@code ceil(q * count)}-th smallest value, never above the largest value seen; NaN when empty.
     */
    double quantile(double q) {
        if (total == 0) {
            return Double.NaN;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(max, middle(i));
            }
        }
        return max;
    }

    static int index(long v) {
        if (v < LINEAR) {
            return (int) v;
        }
        int e = 63 - Long.numberOfLeadingZeros(v);
        int sub = (int) (v >>> (e - SUB_BITS)) & (SUB - 1);
        return LINEAR + (e - 6) * SUB + sub;
    }

    /** The middle of bucket {@code i}'s value range. */
    static double middle(int i) {
        if (i < LINEAR) {
            return i;
        }
        int e = 6 + (i - LINEAR) / SUB;
        int sub = (i - LINEAR) % SUB;
        double low = (double) (SUB + sub) * (1L << (e - SUB_BITS));
        return low + (1L << (e - SUB_BITS)) / 2.0;
    }
}
