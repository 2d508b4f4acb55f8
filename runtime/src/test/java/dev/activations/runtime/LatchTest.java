package dev.activations.runtime;

import static dev.activations.runtime.TestSupport.awaitParked;
import static dev.activations.runtime.TestSupport.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link Latch}: waiters pass only once the count reaches zero.
 *
 * <p>What it proves: a zero latch is open; user and platform waiters stay parked until the
 * last {@code countDown} and then all pass; counting below zero is a no-op; concurrent
 * count-downs from many threads open it exactly once; {@code await(Duration)} reports a
 * timeout with false and an open latch with true; an interrupted {@code await} throws.
 */
class LatchTest extends RuntimeTestBase {

    @Test
    void zeroLatchIsOpen() {
        Latch l = new Latch(0);
        assertEquals(0, l.getCount());
        inUserThread(() -> {
            l.await();
            assertTrue(l.await(Duration.ZERO));
        });
    }

    @Test
    void waitersPassOnlyAtZero() throws InterruptedException {
        Latch l = new Latch(3);
        AtomicInteger passed = new AtomicInteger();
        List<UserThread> users = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            users.add(scheduler.start(() -> {
                try {
                    l.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                passed.incrementAndGet();
            }));
        }
        Thread platform = new Thread(() -> {
            try {
                l.await();
                passed.incrementAndGet();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }, "platform-waiter");
        platform.start();
        for (UserThread t : users) {
            awaitParked(t);
        }
        l.countDown();
        l.countDown();
        assertEquals(1, l.getCount());
        assertEquals(0, passed.get(), "nobody passes before zero");
        l.countDown();
        TestSupport.joinAll(users);
        TestSupport.join(platform);
        assertEquals(21, passed.get());
        l.countDown(); // below zero: no-op
        assertEquals(0, l.getCount());
        l.await();
    }

    @Test
    void concurrentCountDownsOpenItExactlyOnce() {
        int n = 1_000;
        Latch l = new Latch(n);
        List<UserThread> ts = new ArrayList<>();
        for (int i = 0; i < n + 100; i++) { // 100 extra: count-downs past zero are ignored
            ts.add(scheduler.start(l::countDown));
        }
        AtomicInteger passed = new AtomicInteger();
        UserThread waiter = scheduler.start(() -> {
            try {
                l.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            passed.incrementAndGet();
        });
        TestSupport.joinAll(ts);
        join(waiter);
        assertEquals(0, l.getCount());
        assertEquals(1, passed.get());
    }

    @Test
    void timedAwait() throws InterruptedException {
        Latch l = new Latch(1);
        AtomicReference<Boolean> timedOut = new AtomicReference<>();
        inUserThread(() -> timedOut.set(l.await(Duration.ofMillis(2))));
        assertFalse(timedOut.get());
        assertFalse(l.await(Duration.ofMillis(1)), "platform thread: false on timeout too");
        AtomicReference<Boolean> inTime = new AtomicReference<>();
        UserThread t = scheduler.start(() -> {
            try {
                inTime.set(l.await(Duration.ofHours(1)));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        awaitParked(t);
        l.countDown();
        join(t);
        assertTrue(inTime.get());
    }

    @Test
    void interruptedAwaitThrows() {
        Latch l = new Latch(1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> flagAfter = new AtomicReference<>();
        UserThread t = scheduler.start(() -> {
            try {
                l.await();
            } catch (InterruptedException e) {
                thrown.set(e);
                flagAfter.set(UserThread.current().isInterrupted());
            }
        });
        awaitParked(t);
        t.interrupt();
        join(t);
        assertInstanceOf(InterruptedException.class, thrown.get());
        assertFalse(flagAfter.get(), "throwing InterruptedException clears the interrupt flag");
        inUserThread(() -> {
            UserThread.current().interrupt();
            assertThrows(InterruptedException.class, l::await, "already interrupted: throws at once");
        });
        assertEquals(1, l.getCount());
    }
}
