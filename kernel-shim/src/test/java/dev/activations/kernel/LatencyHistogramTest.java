package dev.activations.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link LatencyHistogram}: every value lands in a bucket whose upper end is at most 1/16 above
 * it and never below; percentiles and max read back as documented; a difference of snapshots
 * holds exactly what was recorded between them.
 */
class LatencyHistogramTest {

    @Test
    void bucketsBoundValuesWithinOneSixteenth() {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            long v = i < 1_000 ? i : r.nextLong(1L << (1 + r.nextInt(45)));
            int b = LatencyHistogram.bucket(v);
            long upper = LatencyHistogram.upperBound(b);
            assertTrue(b >= 0 && b < LatencyHistogram.BUCKETS, "bucket of " + v + ": " + b);
            if (v < 1L << 44) {
                assertTrue(upper >= v && upper <= v + v / 16, "value " + v + " bucket " + b + " upper " + upper);
                assertTrue(b == 0 || LatencyHistogram.upperBound(b - 1) < v, "value " + v + " also fits bucket " + (b - 1));
            }
        }
    }

    @Test
    void percentilesAndMaxOfKnownValues() {
        LatencyHistogram h = new LatencyHistogram();
        for (long us = 1; us <= 1_000; us++) {
            h.record(us * 1_000);
        }
        LatencyHistogram.Snapshot s = h.snapshot();
        assertEquals(1_000, s.count());
        assertEquals(1_000_000, s.max(), "the max is exact");
        assertInBucketOf(500_000, s.percentile(0.5));
        assertInBucketOf(900_000, s.percentile(0.9));
        assertEquals(1_000_000, s.percentile(0.99), "990 us's bucket reaches past the max: clamped");
        assertEquals(1_000_000, s.percentile(1.0), "clamped to the max");
        assertEquals(500_500.0, s.mean(), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> s.percentile(1.5));
        assertEquals(0, LatencyHistogram.Snapshot.empty().percentile(0.99));
        assertEquals(0, LatencyHistogram.Snapshot.empty().max());
    }

    @Test
    void differenceHoldsWhatWasRecordedBetween() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(5_000_000);
        LatencyHistogram.Snapshot before = h.snapshot();
        h.record(20_000);
        h.record(30_000);
        h.record(-3); // counts as 0
        LatencyHistogram.Snapshot d = h.snapshot().minus(before);
        assertEquals(3, d.count());
        assertEquals(50_000.0 / 3, d.mean(), 1e-9);
        assertInBucketOf(30_000, d.max());
        assertTrue(d.max() < 5_000_000, "the earlier max is not in the difference: " + d);
        assertEquals(0, d.percentile(0.0));
    }

    private static void assertInBucketOf(long value, long readBack) {
        assertEquals(LatencyHistogram.upperBound(LatencyHistogram.bucket(value)), readBack,
                "read back the upper end of " + value + "'s bucket");
    }
}
