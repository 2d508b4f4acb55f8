package dev.activations.kernel;

import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * An immutable copy of one of the kernel's latency histograms ({@link HandOffStats}): how many
 * durations were recorded, their percentiles and their max, in nanoseconds. Safe to share
 * between threads.
 *
 * <h2>Precision</h2>
 * Backed by an HdrHistogram {@code Histogram} with 2 significant digits over 1 ns to 1 hour
 * ({@code LatencyRecorder}): every value read back (a percentile, the max) is the upper end of
 * the bucket its duration fell in, so at most 1 % above the true value and never below it.
 * Negative durations count as 0 and durations above an hour as an hour.
 *
 * <h2>Rejected</h2>
 * Handing out HdrHistogram's {@code Histogram} itself: it is mutable (one caller's
 * {@code reset} would change another's figures), its reads are not thread-safe ({@code getMean}
 * shares an iterator), and the 2.2.2 jar has no declared module name, so a public signature
 * naming it would make every module-path user depend on the name the JDK derives from the jar's
 * file name ({@code module-info.java}).
 */
public final class LatencySnapshot {
    /** Never written after the constructor; read by any thread (no read here iterates shared state). */
    private final Histogram histogram;

    /** Takes ownership of {@code histogram}: nobody else may hold it. */
    LatencySnapshot(Histogram histogram) {
        this.histogram = histogram;
    }

    /** Number of durations recorded. */
    public long count() {
        return histogram.getTotalCount();
    }

    /**
     * The upper end of the bucket that holds the duration of rank {@code ceil(q * count())} (the
     * first for q = 0), in ns: at least {@code q} of the durations are at or below it; 0 when
     * empty.
     *
     * @param q between 0 and 1, e.g. 0.99
     * @throws IllegalArgumentException if q is outside [0, 1]
     */
    public long percentile(double q) {
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("q must be between 0 and 1, was " + q);
        }
        if (count() == 0) {
            return 0;
        }
        // HdrHistogram reads percentile 0 as the lower end of its bucket, every other as the upper end.
        return histogram.highestEquivalentValue(histogram.getValueAtPercentile(q * 100));
    }

    /** The upper end of the bucket that holds the largest duration (ns); 0 when empty. */
    public long max() {
        return count() == 0 ? 0 : histogram.getMaxValue();
    }

    /**
     * The durations recorded after {@code earlier}, an earlier snapshot of the same durations
     * (the same kernel's, the same field of {@link HandOffStats}): exact, since each snapshot
     * holds everything recorded up to it.
     *
     * @throws IllegalArgumentException if {@code earlier} holds a duration this one does not
     *     (a later snapshot, or another kernel's)
     */
    public LatencySnapshot minus(LatencySnapshot earlier) {
        Histogram difference = histogram.copy();
        try {
            difference.subtract(earlier.histogram);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an earlier snapshot of the same durations: " + e.getMessage(), e);
        }
        return new LatencySnapshot(difference);
    }

    @Override
    public String toString() {
        if (count() == 0) {
            return "n=0";
        }
        return String.format(Locale.ROOT, "n=%d, p50=%.1f us, p99=%.1f us, max=%.1f us", count(),
                percentile(0.5) / 1e3, percentile(0.99) / 1e3, max() / 1e3);
    }
}
