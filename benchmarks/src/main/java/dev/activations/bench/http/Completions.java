package dev.activations.bench.http;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Counts completed requests and lets one thread wait for the count to reach a target, waking
 * it once per target rather than once per request (a {@code Semaphore} acquired for many
 * permits would wake its waiter on every release: a platform-thread wake-up per request).
 *
 * <p>{@code target} and {@code waiter} are written by the waiter only, before it parks; a
 * completer increments {@code count}, then reads {@code target}: either it sees the target
 * reached and unparks, or the waiter, re-reading {@code count} after publishing its target,
 * sees the increment. (Unpark before park is a permit, so no wake-up is lost.)
 */
public final class Completions {
    private final AtomicLong count = new AtomicLong();
    private volatile long target = Long.MAX_VALUE;
    private volatile Thread waiter;

    /** Called once per completed request, from any thread. */
    public void completed() {
        if (count.incrementAndGet() >= target) { // then read target: pairs with awaitAtLeast's write-then-read
            LockSupport.unpark(waiter);
        }
    }

    public long count() {
        return count.get();
    }

    /**
     * Waits until {@code n} requests have completed in all; one waiting thread at a time.
     *
     * @throws IllegalStateException if no request completes for {@code stallNanos}: the server
     *                               has stopped answering
     */
    public long awaitAtLeast(long n, long stallNanos) {
        waiter = Thread.currentThread();
        target = n; // then read count: pairs with completed's increment-then-read
        long last = count.get();
        long progressAt = System.nanoTime();
        while (last < n) {
            LockSupport.parkNanos(this, stallNanos / 4);
            long now = count.get();
            if (now != last) {
                last = now;
                progressAt = System.nanoTime();
            } else if (System.nanoTime() - progressAt > stallNanos) {
                target = Long.MAX_VALUE;
                throw new IllegalStateException("no request completed for " + stallNanos / 1_000_000 + " ms ("
                        + now + " of " + n + " done): the server stopped answering");
            }
        }
        target = Long.MAX_VALUE;
        return last;
    }
}
