package dev.activations.runtime;

import static dev.activations.runtime.TestSupport.awaitCondition;
import static dev.activations.runtime.TestSupport.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.activations.kernel.Kernel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * OS priorities (issue 21) seen from ordinary Java code: a higher space's Java thread runs while a
 * lower space's thread holds the only processor in a loop that never reaches a safepoint (and so
 * does a space owed its share beside one of its own priority level), and a
 * lower thread displaced while it holds a {@code ReentrantLock} the higher thread needs still
 * finishes its section and hands the lock over (the higher thread parks on the lock, so the
 * displaced carrier gets the CPU). Behaviour only; how long the higher thread waits is measured
 * by JMH. Skipped where OS priorities are unavailable (not Linux; the surefire configuration
 * enables native access).
 */
class DisplacementTest extends RuntimeTestBase {

    @Override
    protected int processors() {
        return 1;
    }

    private void assumeOsPriorities() {
        assumeTrue(kernel.osPriorities().startsWith("os priorities"), () -> "cooperative here: " + kernel.osPriorities());
    }

    @Test
    void aHigherSpaceRunsWhileALowerThreadNeverReachesASafepoint() {
        assumeOsPriorities();
        assertRunsBesideACheckpointFreeHog(newScheduler("low", 2), newScheduler("high", 9));
    }

    /**
     * Shares (one priority level, one OS nice value): a space owed its share displaces a holder
     * that never reaches a safepoint. Cooperatively it would wait for ever: the rotation of time
     * slicing, too, needs the holder's safepoint.
     */
    @Test
    void aSpaceOwedItsShareRunsWhileAnEqualThreadNeverReachesASafepoint() {
        assumeOsPriorities();
        assertRunsBesideACheckpointFreeHog(track(Scheduler.builder().kernel(kernel).name("batch").share(1).build()),
                track(Scheduler.builder().kernel(kernel).name("web").share(3).build()));
    }

    /**
     * A thread of {@code holder} computes on the only processor without runtime calls or
     * checkpoints until a thread of {@code owed} runs: only a displacement lets that one run
     * before the hang guard.
     */
    private void assertRunsBesideACheckpointFreeHog(Scheduler holder, Scheduler owed) {
        AtomicBoolean release = new AtomicBoolean();
        AtomicBoolean spinning = new AtomicBoolean();
        AtomicBoolean released = new AtomicBoolean();
        long deadline = System.nanoTime() + TestSupport.HANG.toNanos();
        Thread hog = holder.ofVirtual().name("hog").start(() -> {
            spinning.set(true);
            long x = 0;
            while (!release.get() && System.nanoTime() < deadline) {
                x += x * 31 + 7; // no runtime call, no checkpoint: only the OS can run anything else here
            }
            released.set(release.get() && x != 42); // false: it gave up at the hang guard, nobody ran
        });
        awaitCondition("the hog holds the processor", spinning::get);
        Thread releaser = owed.ofVirtual().name("releaser").start(() -> release.set(true));
        join(releaser);
        join(hog);
        assertTrue(released.get(), "the " + owed.name() + " thread ran while the hog computed (not after the hang guard)");
        assertTrue(kernel.stats().displacements() >= 1, kernel.stats()::toString);
    }

    @Test
    void aDisplacedLockHolderFinishesItsSectionAndTheHigherThreadGetsTheLock() {
        assumeOsPriorities();
        Scheduler low = newScheduler("low", 2);
        Scheduler high = newScheduler("high", 9);
        ReentrantLock lock = new ReentrantLock();
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean holding = new AtomicBoolean();
        AtomicBoolean highWaiting = new AtomicBoolean();
        long deadline = System.nanoTime() + TestSupport.HANG.toNanos();
        Thread holder = low.ofVirtual().name("holder").start(() -> {
            lock.lock();
            try {
                holding.set(true);
                long x = 0;
                while (!highWaiting.get() && System.nanoTime() < deadline) {
                    x += x * 31 + 7; // computes, holding the lock, until the high thread waits for it
                }
                events.add(highWaiting.get() && x != 42 ? "holder leaves its section" : "holder gave up (hang guard)");
            } finally {
                lock.unlock();
            }
        });
        awaitCondition("the holder holds the lock", holding::get);
        Thread waiter = high.ofVirtual().name("waiter").start(() -> {
            highWaiting.set(true); // runs at once: the holder's carrier is displaced
            lock.lock();
            try {
                events.add("waiter got the lock");
            } finally {
                lock.unlock();
            }
        });
        join(waiter);
        join(holder);
        assertEquals(List.of("holder leaves its section", "waiter got the lock"), events);
        assertTrue(kernel.stats().displacements() >= 1, kernel.stats()::toString);
    }

    @Test
    void withoutOsPrioritiesTheKernelSaysSoAndPreemptsCooperatively() {
        try (Kernel k = Kernel.builder().processors(1).name(kernel.name() + "-coop").osPriorities(false).build();
             Scheduler low = Scheduler.builder().kernel(k).name("low").priority(2).build();
             Scheduler high = Scheduler.builder().kernel(k).name("high").priority(9).build()) {
            assertTrue(k.osPriorities().startsWith("cooperative"), k.osPriorities());
            AtomicBoolean release = new AtomicBoolean();
            AtomicBoolean spinning = new AtomicBoolean();
            long deadline = System.nanoTime() + TestSupport.HANG.toNanos();
            Thread computing = low.ofVirtual().start(() -> {
                spinning.set(true);
                while (!release.get() && System.nanoTime() < deadline) {
                    UserThread.checkpoint(); // the only place a cooperative kernel can take the processor
                }
            });
            awaitCondition("low computes", spinning::get);
            Thread releaser = high.ofVirtual().start(() -> release.set(true));
            join(releaser);
            join(computing);
            assertTrue(release.get());
            assertEquals(0, k.stats().displacements(), k.stats()::toString);
            assertTrue(k.stats().preemptions() >= 1, k.stats()::toString);
        }
    }
}
