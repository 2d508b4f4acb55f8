package dev.activations.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link LatencyRecorder} and the {@link LatencySnapshot}s it gives: values read back are the
 * upper ends of 1 % buckets, never below the value; a snapshot holds everything recorded before
 * it, from any thread, while threads record; a difference of snapshots holds exactly what was
 * recorded between them, and a difference the wrong way round is refused.
 */
class LatencyRecorderTest {

    @Test
    void percentilesAndMaxReadBackTheUpperEndsOfOnePercentBuckets() {
        LatencyRecorder r = new LatencyRecorder();
        for (long us = 1; us <= 1_000; us++) {
            r.record(us * 1_000);
        }
        LatencySnapshot s = r.snapshot();
        assertEquals(1_000, s.count());
        assertReadBack(1_000, s.percentile(0), "the smallest");
        assertReadBack(500_000, s.percentile(0.5), "p50");
        assertReadBack(990_000, s.percentile(0.99), "p99");
        assertReadBack(1_000_000, s.percentile(1), "p100");
        assertReadBack(1_000_000, s.max(), "max");
        assertThrows(IllegalArgumentException.class, () -> s.percentile(1.5));
        assertThrows(IllegalArgumentException.class, () -> s.percentile(Double.NaN));
    }

    @Test
    void aSeriesThatNeverRecordedReadsEmpty() {
        LatencySnapshot s = new LatencyRecorder().snapshot();
        assertEquals(0, s.count());
        assertEquals(0, s.percentile(0.99));
        assertEquals(0, s.max());
        assertEquals(0, s.minus(s).count());
        assertEquals("n=0", s.toString());
        LatencyRecorder r = new LatencyRecorder();
        LatencySnapshot before = r.snapshot();
        r.record(7_000);
        LatencySnapshot after = r.snapshot();
        assertEquals(1, after.minus(before).count(), "the empty snapshot is an earlier one like any other");
        assertThrows(IllegalArgumentException.class, () -> before.minus(after));
    }

    @Test
    void valuesOutsideTheRangeAreClamped() {
        LatencyRecorder r = new LatencyRecorder();
        r.record(-3);
        assertEquals(0, r.snapshot().max(), "negative counts as 0");
        r.record(TimeUnit.DAYS.toNanos(1));
        LatencySnapshot s = r.snapshot();
        assertEquals(2, s.count());
        assertReadBack(LatencyRecorder.HIGHEST_NANOS, s.max(), "a day counts as an hour");
    }

    @Test
    void differenceHoldsWhatWasRecordedBetween() {
        LatencyRecorder r = new LatencyRecorder();
        r.record(5_000_000);
        LatencySnapshot before = r.snapshot();
        r.record(20_000);
        r.record(30_000);
        LatencySnapshot after = r.snapshot();
        assertEquals(3, after.count(), "cumulative: the sample before the first snapshot is still there");
        LatencySnapshot d = after.minus(before);
        assertEquals(2, d.count());
        assertReadBack(20_000, d.percentile(0), "the smaller one");
        assertReadBack(30_000, d.max(), "the earlier max is not in the difference: " + d);
        assertEquals(1, before.count(), "minus leaves its operands alone");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> before.minus(after));
        assertTrue(e.getMessage().startsWith("not an earlier snapshot"), e.getMessage());
    }

    /**
     * Several threads record while this one takes snapshots: every snapshot holds at least what
     * the previous one did, bucket by bucket (else {@code minus} throws), and the last one holds
     * every recording.
     */
    @Test
    void snapshotsWhileThreadsRecordAreCumulative() throws InterruptedException {
        int threads = 3;
        int each = 200_000;
        LatencyRecorder r = new LatencyRecorder();
        List<Thread> recorders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long base = (t + 1) * 10_000L;
            recorders.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < each; i++) {
                    r.record(base + i % 1_000);
                }
            }));
        }
        LatencySnapshot previous = r.snapshot();
        int snapshots = 0;
        while (recorders.stream().anyMatch(Thread::isAlive) || snapshots == 0) {
            LatencySnapshot next = r.snapshot();
            LatencySnapshot d = next.minus(previous);
            assertEquals(next.count() - previous.count(), d.count(), "recordings since the previous snapshot");
            previous = next;
            snapshots++;
        }
        for (Thread t : recorders) {
            t.join();
        }
        LatencySnapshot last = r.snapshot();
        assertEquals((long) threads * each, last.count(), "every recording, after " + snapshots + " snapshots");
        assertReadBack(threads * 10_000L + 999, last.max(), "max");
    }

    /** {@code readBack} is {@code value}'s bucket's upper end: at least the value, less than 1 % above it. */
    private static void assertReadBack(long value, long readBack, String what) {
        assertTrue(readBack >= value && readBack <= value + value / 100,
                what + ": read back " + readBack + " for " + value);
    }
}
