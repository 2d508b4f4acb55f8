package dev.activations.runtime;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A count-down latch that parks user threads (platform threads block normally): waiters pass
 * once the count reaches zero. The count only goes down (CAS); the transition to zero opens
 * a {@link Gate} exactly once.
 */
public final class Latch {
    private final AtomicInteger count;
    private final Gate gate = new Gate();

    /** @param count initial count, >= 0 (0: already open) */
    public Latch(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, was " + count);
        }
        this.count = new AtomicInteger(count);
        if (count == 0) {
            gate.open();
        }
    }

    /** Decrements the count; at zero, releases every waiter. A no-op once zero. */
    public void countDown() {
        int c;
        do {
            c = count.get();
            if (c == 0) {
                return;
            }
        } while (!count.compareAndSet(c, c - 1));
        if (c == 1) {
            gate.open();
        }
        UserThread.poll();
    }

    public int getCount() {
        return count.get();
    }

    /** Waits until the count is zero. */
    public void await() throws InterruptedException {
        gate.await();
    }

    /** Waits at most {@code timeout}; returns true if the count reached zero. */
    public boolean await(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout must not be null");
        return gate.await(UserThread.saturatedNanos(timeout));
    }

    @Override
    public String toString() {
        return "Latch[count=" + count.get() + "]";
    }
}
