package dev.activations.runtime;

import static dev.activations.runtime.TestSupport.awaitCondition;
import static dev.activations.runtime.TestSupport.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.activations.kernel.HandOffStats;
import dev.activations.kernel.Kernel;
import dev.activations.kernel.LatencySnapshot;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The return path of a hand-off, timed by the scheduler into the kernel's
 * {@link HandOffStats#resumed()}: a thread whose blocking call returns on a carrier that lost its
 * processor stops, goes back on a ready queue, and is dispatched again; that records exactly one
 * sample, no longer than the test's own clock readings around it, for both thread kinds. A
 * thread that blocks without losing its processor records none. Behaviour only: each test is a
 * deadlock unless the hand-off happens (one processor, and the blocked thread waits for a thread
 * that needs it). The releaser is queued before the blocker blocks, so the hand-off always has
 * a thread to run (otherwise it would count as {@code notRun} and the releaser would get the
 * processor by an ordinary allocation, not timed as a hand-off).
 */
class HandOffReturnTest extends RuntimeTestBase {
    /** Attempts of a bracketed block before a false hand-off of the spinning blocker fails the test. */
    private static final int ATTEMPTS = 3;

    @Override
    protected int processors() {
        return 1;
    }

    @Override
    protected Kernel.Builder configure(Kernel.Builder b) {
        return b.blockedAfter(Duration.ofMillis(1)).monitorInterval(Duration.ofMillis(1));
    }

    @Test
    void userThreadBracketedCallRecordsOneReturn() throws Exception {
        blockBracketedThenReturn(body -> scheduler.start(body)::join);
    }

    @Test
    void javaThreadBracketedCallRecordsOneReturn() throws Exception {
        blockBracketedThenReturn(body -> scheduler.ofVirtual().start(body)::join);
    }

    @Test
    void userThreadUnbracketedCallIsTimedFromItsNextSafepoint() {
        CountDownLatch latch = new CountDownLatch(1);
        AtomicBoolean running = new AtomicBoolean();
        AtomicBoolean releaserQueued = new AtomicBoolean();
        AtomicLong returned = new AtomicLong();
        AtomicLong ranAgain = new AtomicLong();
        UserThread blocker = scheduler.start(() -> {
            running.set(true);
            awaitQueued(releaserQueued);
            try {
                latch.await(); // unbracketed: the monitor sees the carrier WAITING
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            returned.set(System.nanoTime());
            UserThread.checkpoint(); // the safepoint where it stops: its processor is gone
            ranAgain.set(System.nanoTime());
        });
        awaitCondition("the blocker to run", running::get);
        UserThread releaser = scheduler.start(latch::countDown); // needs the only processor: runs after the hand-off
        releaserQueued.set(true);
        join(releaser);
        join(blocker);
        HandOffStats h = kernel.handOffStats();
        assertTrue(h.unbracketed().count() >= 1, "the blocker was handed off: " + h);
        assertTrue(h.resumed().count() >= 1, "it stopped at its checkpoint and ran again: " + h);
        assertTrue(atLeast(h.resumed().max()) <= ranAgain.get() - returned.get(),
                "between its return and its running again (" + (ranAgain.get() - returned.get()) + " ns): " + h);
    }

    @Test
    void callThatKeepsItsProcessorRecordsNothing() throws Exception {
        try (Kernel patient = Kernel.builder().processors(1).name("patient").blockedAfter(Duration.ofHours(1)).build();
             Scheduler s = Scheduler.builder().kernel(patient).name("patient").build()) {
            AtomicReference<Object> result = new AtomicReference<>();
            TestSupport.inUserThread(s, () -> result.set(UserThread.blocking(() -> "quick")));
            assertEquals("quick", result.get());
            HandOffStats h = patient.handOffStats();
            assertEquals(0, h.resumed().count(), h.toString());
            assertEquals(0, h.bracketed().count(), h.toString());
        }
    }

    /**
     * Runs on the blocker before it blocks: spins (holding the only processor, so nothing else
     * runs) until the test has queued the releaser, so the hand-off always finds it waiting.
     */
    private static void awaitQueued(AtomicBoolean releaserQueued) {
        while (!releaserQueued.get()) {
            Thread.onSpinWait();
        }
    }

    @FunctionalInterface
    private interface Starter {
        Joiner start(Runnable body);
    }

    @FunctionalInterface
    private interface Joiner {
        void join() throws Exception;
    }

    /**
     * A thread of either kind blocks bracketed until a second thread, which needs the only
     * processor, releases it: one hand-off, one return, timed. The blocker spins on the only processor until the
     * releaser is queued; a carrier that the JVM stalls there for longer than {@code blockedAfter}
     * (a safepoint, a handshake) can be handed off as if it had blocked unbracketed (a false
     * hand-off, docs/DESIGN.md §7), and the releaser then runs before the bracketed call. Such an
     * attempt tests nothing here, so it is repeated, at most {@link #ATTEMPTS} times; the figures
     * asserted are the last attempt's alone (differences of the kernel's cumulative stats).
     */
    private void blockBracketedThenReturn(Starter kind) throws Exception {
        StringBuilder spoiled = new StringBuilder();
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            HandOffStats before = kernel.handOffStats();
            long release = bracketedBlockAndReturn(kind);
            HandOffStats h = kernel.handOffStats();
            if (h.unbracketed().count() > before.unbracketed().count()) {
                spoiled.append("\n  attempt ").append(attempt).append(": ").append(h);
                continue;
            }
            LatencySnapshot bracketed = h.bracketed().minus(before.bracketed());
            LatencySnapshot resumed = h.resumed().minus(before.resumed());
            assertEquals(1, bracketed.count(), "one hand-off, timed to the releaser's dispatch: " + h);
            assertEquals(1, resumed.count(), "one return, timed to the blocker's next dispatch: " + h);
            assertTrue(atLeast(resumed.max()) <= release,
                    "between the release and the blocker running again (" + release + " ns): " + h);
            return;
        }
        fail("every attempt's spinning blocker was handed off unbracketed before its call:" + spoiled);
    }

    /** Runs one attempt; returns the time from the release to the blocker running again, ns. */
    private long bracketedBlockAndReturn(Starter kind) throws Exception {
        CountDownLatch latch = new CountDownLatch(1);
        AtomicBoolean running = new AtomicBoolean();
        AtomicBoolean releaserQueued = new AtomicBoolean();
        AtomicLong beforeRelease = new AtomicLong();
        AtomicLong ranAgain = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Joiner blocker = kind.start(() -> {
            try {
                running.set(true);
                awaitQueued(releaserQueued);
                UserThread.blocking(() -> {
                    latch.await();
                    return null;
                });
                ranAgain.set(System.nanoTime());
            } catch (Exception e) {
                failure.set(e);
            }
        });
        awaitCondition("the blocker to run", running::get);
        Joiner releaser = kind.start(() -> {
            beforeRelease.set(System.nanoTime());
            latch.countDown();
        });
        releaserQueued.set(true);
        releaser.join();
        blocker.join();
        assertNull(failure.get());
        return ranAgain.get() - beforeRelease.get();
    }

    /** The least a duration read back as {@code readBack} can have been: {@code LatencySnapshot} reads back at most 1 % high. */
    private static long atLeast(long readBack) {
        return readBack - readBack / 100;
    }
}
