package dev.activations.bench;

/**
 * Secondary results that are not rates (a latency percentile) through JMH's
 * {@code @AuxCounters(Type.OPERATIONS)}, the one kind of counter JMH averages over iterations.
 *
 * <p>JMH divides such a counter by the iteration's measured time. A benchmark that measures its
 * own window (from its {@code @Setup(Level.Iteration)} to its {@code @TearDown(Level.Iteration)},
 * which bracket JMH's measured loop to within microseconds) stores {@code value × window
 * seconds}; JMH's division gives the value back. {@code Type.EVENTS} is no alternative: JMH sums
 * those over iterations. The unit JMH prints beside such a counter ("ops/s") is wrong; the
 * field's name carries the real one ({@code p99Millis}).
 */
public final class AuxValue {
    private AuxValue() {
    }

    /** What to store in an OPERATIONS counter so that JMH reports {@code value}. */
    public static double ofWindow(double value, long windowNanos) {
        return value * (windowNanos / 1e9);
    }
}
