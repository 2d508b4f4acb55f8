package dev.activations.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * Load (issue 3 and the fast CI variants of issue 6), on the surefire heap of 1 GiB: many user
 * threads, none lost, none run twice.
 *
 * <p>What it proves:
 * <ul>
 *   <li>100 000 user threads started and joined by one user thread (joins park it);</li>
 *   <li>1 000 000 user threads started and joined in waves from a platform thread, each
 *       running exactly once;</li>
 *   <li>100 000 user threads parked at the same time, then all unparked (from a platform
 *       thread and a user thread at once) and all finishing; nothing left live afterwards.</li>
 * </ul>
 * Memory stays modest because a finished thread is garbage and a parked one keeps only its
 * small continuation stack; a leak would end in {@link OutOfMemoryError} here.
 */
class LoadTest extends RuntimeTestBase {

    @Test
    void hundredThousandThreadsStartedAndJoinedByAUserThread() {
        int n = 100_000;
        LongAdder ran = new LongAdder();
        inUserThread(() -> {
            List<UserThread> ts = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                ts.add(UserThread.start(ran::increment));
            }
            for (UserThread t : ts) {
                t.join();
            }
        });
        assertEquals(n, ran.sum());
        assertEquals(0, scheduler.stats().liveThreads());
    }

    @Test
    void oneMillionThreadsInWaves() {
        int waves = 50;
        int perWave = 20_000;
        LongAdder ran = new LongAdder();
        for (int w = 0; w < waves; w++) {
            List<UserThread> ts = new ArrayList<>(perWave);
            for (int i = 0; i < perWave; i++) {
                ts.add(scheduler.start(ran::increment));
            }
            TestSupport.joinAll(ts);
            assertEquals((long) (w + 1) * perWave, ran.sum(), "wave " + w + ": every thread ran exactly once");
        }
        assertEquals(1_000_000, scheduler.stats().started());
        TestSupport.awaitCondition("all terminations counted", () -> scheduler.stats().terminated() == 1_000_000);
        assertEquals(0, scheduler.stats().liveThreads());
    }

    @Test
    void hundredThousandParkedAtOnceThenAllUnparked() {
        int n = 100_000;
        AtomicBoolean released = new AtomicBoolean();
        AtomicInteger arrived = new AtomicInteger();
        LongAdder finished = new LongAdder();
        List<UserThread> ts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ts.add(scheduler.start(() -> {
                arrived.incrementAndGet();
                while (!released.get()) {
                    UserThread.park();
                }
                finished.increment();
            }));
        }
        TestSupport.awaitCondition(() -> "all threads to arrive: " + arrived.get(), () -> arrived.get() == n);
        TestSupport.awaitCondition("all threads to park", () -> {
            for (UserThread t : ts) {
                if (t.state() != UserThread.State.PARKED) {
                    return false;
                }
            }
            return true;
        });
        assertEquals(n, scheduler.stats().liveThreads(), "all parked threads are live");
        assertEquals(0, finished.sum());
        released.set(true);
        UserThread helper = scheduler.start(() -> {
            for (int i = n - 1; i >= n / 2; i--) {
                ts.get(i).unpark();
            }
        });
        for (int i = 0; i < n; i++) { // overlaps with the helper on the upper half: double unparks are harmless
            ts.get(i).unpark();
        }
        TestSupport.join(helper);
        TestSupport.joinAll(ts);
        assertEquals(n, finished.sum());
        assertEquals(0, scheduler.stats().liveThreads());
    }
}
