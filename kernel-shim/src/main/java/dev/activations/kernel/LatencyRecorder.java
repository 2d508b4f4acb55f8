package dev.activations.kernel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One series of durations in nanoseconds (one figure of {@link HandOffStats}): recorded by any
 * thread, read by any thread as a {@link LatencySnapshot} of everything recorded since it was
 * built.
 *
 * <h2>Structure</h2>
 * <pre>
 *   record (any carrier, no lock) --&gt; recorder: HdrHistogram Recorder, two AtomicHistograms
 *                                        | snapshot: the interval since the last one
 *                                        v
 *   snapshot (any thread, holds this) --&gt; total += interval --&gt; copy --&gt; LatencySnapshot
 * </pre>
 * A {@link Recorder} counts into one of its two histograms while the reader holds the other:
 * {@link Recorder#getIntervalHistogram(Histogram)} swaps them and waits for the recordings
 * already in flight on the old one to finish (a {@code WriterReaderPhaser}), so an interval
 * loses no recording and splits none. Recording is wait-free: a few atomic increments.
 *
 * <h2>Ownership</h2>
 * {@code recorder} is null until the first recording, which installs it by CAS (a racing
 * recorder uses the winner's); after that it never changes. {@code total} and the recycled
 * {@code interval} are guarded by this object's monitor. A copy handed out is never written
 * again.
 *
 * <h2>Range and memory</h2>
 * 2 significant digits (buckets at most 1 % wide) over 1 ns to 1 hour, fixed, so a recording
 * never resizes anything on the carrier that records it. Each histogram is one array of about
 * 4 600 counts (37 KB). A series that never records allocates none (a kernel that never hands
 * off, or never sees an unbracketed call, pays nothing for it); one that does, three: the
 * recorder's two and {@code total}. The first recording of a series allocates the recorder and
 * its first array (about 40 µs); the first in the JVM would also load and link HdrHistogram's
 * classes and the CAS (about 10 ms), which this class's initializer does instead, at the first
 * kernel's construction.
 */
final class LatencyRecorder {
    static final int SIGNIFICANT_DIGITS = 2;
    static final long HIGHEST_NANOS = TimeUnit.HOURS.toNanos(1);
    /** What a series that never recorded reads as; shared, since a snapshot is immutable. */
    private static final LatencySnapshot NOTHING = new LatencySnapshot(newHistogram());
    private static final VarHandle RECORDER;

    static {
        try {
            RECORDER = MethodHandles.lookup().findVarHandle(LatencyRecorder.class, "recorder", Recorder.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        // Loads and links what a recording and a snapshot use here, at the first kernel's
        // construction, instead of on the carrier of the JVM's first hand-off (milliseconds).
        LatencyRecorder warmUp = new LatencyRecorder();
        warmUp.record(0);
        warmUp.snapshot();
    }

    /** Null until the first recording; then set once ({@link #install}). */
    private volatile Recorder recorder;
    /** Everything recorded up to the last snapshot; null until a snapshot finds a recorder. Guarded by this. */
    private Histogram total;
    /** The recorder's histogram handed back at each snapshot, to be reused by the next. Guarded by this. */
    private Histogram interval;

    /**
     * Records one duration. Any thread, no lock: wait-free, nothing resized, nothing allocated
     * after the series' first recording.
     */
    void record(long nanos) {
        Recorder r = recorder; // volatile read: pairs with the CAS in install
        if (r == null) {
            r = install();
        }
        r.recordValue(Math.clamp(nanos, 0, HIGHEST_NANOS));
    }

    private Recorder install() {
        Recorder fresh = new Recorder(1, HIGHEST_NANOS, SIGNIFICANT_DIGITS);
        Recorder witness = (Recorder) RECORDER.compareAndExchange(this, null, fresh); // volatile: publishes fresh
        return witness == null ? fresh : witness;
    }

    /**
     * Everything recorded so far. Any thread; may wait for recordings in flight (each a few
     * atomic increments). The caller's interrupt status is kept: the recorder's wait sleeps and
     * swallows an interrupt, so it is cleared here and set again after (one that arrives during
     * that sleep is still lost).
     */
    synchronized LatencySnapshot snapshot() {
        Recorder r = recorder; // volatile read: a recording installing it now is not in this snapshot
        if (r == null) {
            return NOTHING;
        }
        boolean interrupted = Thread.interrupted();
        try {
            interval = r.getIntervalHistogram(interval);
            if (total == null) {
                total = newHistogram();
            }
            total.add(interval);
            return new LatencySnapshot(total.copy());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Histogram newHistogram() {
        return new Histogram(1, HIGHEST_NANOS, SIGNIFICANT_DIGITS);
    }
}
