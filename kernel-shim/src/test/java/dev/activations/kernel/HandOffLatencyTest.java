package dev.activations.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.activations.kernel.TestScheduler.Blocked;
import dev.activations.kernel.TestScheduler.Blocker;
import dev.activations.kernel.TestScheduler.Spin;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The kernel's hand-off accounting ({@link Kernel#handOffStats()}, {@code HandOffClock}) in
 * behaviour, not timing: one forced hand-off on a one-processor kernel records exactly one
 * latency sample of its kind, whose parts are ordered as the protocol orders the events
 * (entering the kernel, or the monitor's estimate of when the carrier fell asleep; then the
 * hand-off, no earlier than {@code blockedAfter} later; then the first dispatch on the new
 * activation, whose wake-up is part of the transit), and that all fit inside the test's own
 * clock readings around them. A hand-off whose new activation finds nothing to run records no
 * latency (only its wake-up) but counts in {@code notRun}. The other item is a short one that ends at once, so no CPU-bound work can be handed off
 * spuriously and the counts are exact. Every snapshot polled while the kernel records holds no
 * later part of a hand-off without its earlier ones.
 */
class HandOffLatencyTest {
    private static final Duration BLOCKED_AFTER = Duration.ofMillis(1);
    private static final Duration INTERVAL = Duration.ofMillis(1);

    @Test
    void bracketedHandOffRecordsOneSampleAfterBlockedAfter() {
        CountDownLatch release = new CountDownLatch(1);
        AtomicLong beforeEnter = new AtomicLong();
        Blocker item = new Blocker("bracketed", (a, self) -> {
            beforeEnter.set(System.nanoTime());
            a.enterKernel(self);
            try {
                await(release);
            } finally {
                a.exitKernel();
            }
            return true;
        });
        Spin other = Spin.quick("other");
        TestScheduler s = new TestScheduler("s");
        try (Kernel k = Kernel.builder().name("handoff-bracketed").processors(1)
                .blockedAfter(BLOCKED_AFTER).monitorInterval(INTERVAL).build()) {
            Supplier<String> state = () -> s.describe() + "\n  " + k.handOffStats();
            try {
                s.submit(item, other);
                s.attach(k, 5).requestProcessors(1);
                Await.until("the other item to run on the handed-off processor",
                        () -> s.blockedFor(item) != null && s.finished.contains(other), state);
                HandOffStats h = k.handOffStats();
                long afterSnapshot = System.nanoTime();

                assertEquals(1, h.bracketed().count(), "one bracketed sample: " + state.get());
                assertEquals(1, h.bracketedDetection().count(), state.get());
                long detection = h.bracketedDetection().max(); // one sample, read back high, never low
                long total = h.bracketed().max();
                assertTrue(detection >= BLOCKED_AFTER.toNanos(),
                        "handed off no earlier than blockedAfter after enterKernel: " + detection + " ns; " + state.get());
                assertTrue(total >= detection, "the total covers its detection: " + state.get());
                long transitAtMost = total - atLeast(detection);
                assertTrue(atLeast(h.wakeUp().percentile(0)) <= transitAtMost,
                        "the wake-up is part of the transit: " + state.get());
                assertTrue(atLeast(total) <= afterSnapshot - beforeEnter.get(),
                        "inside the test's own readings around it (" + (afterSnapshot - beforeEnter.get()) + " ns): " + state.get());
            } finally {
                release.countDown();
            }
            awaitEveryHandOffAccounted(s, k, item, other);
            HandOffStats end = k.handOffStats();
            assertEquals(1, end.bracketed().count(), "still one sample after the return: " + state.get());
            assertEquals(0, end.resumed().count(), "the kernel times returns only as the scheduler reports them: " + state.get());
            assertTrue(s.failures.isEmpty(), state.get());
        }
    }

    @Test
    void unbracketedHandOffRecordsOneSampleAfterBlockedAfter() {
        Object monitor = new Object();
        AtomicBoolean released = new AtomicBoolean();
        Blocker item = new Blocker("unbracketed", (a, self) -> {
            long deadline = System.nanoTime() + Await.TIMEOUT.toNanos();
            synchronized (monitor) {
                while (!released.get()) {
                    long left = (deadline - System.nanoTime()) / 1_000_000;
                    if (left <= 0) {
                        throw new TimeoutException("never notified");
                    }
                    monitor.wait(left);
                }
            }
            return true;
        });
        Spin other = Spin.quick("other");
        TestScheduler s = new TestScheduler("s");
        try (Kernel k = Kernel.builder().name("handoff-unbracketed").processors(1)
                .blockedAfter(BLOCKED_AFTER).monitorInterval(INTERVAL).build()) {
            Supplier<String> state = () -> s.describe() + "\n  " + k.handOffStats();
            try {
                s.submit(item, other);
                long beforeRequest = System.nanoTime(); // the monitor samples the item's carrier only after this
                s.attach(k, 5).requestProcessors(1);
                Await.until("the other item to run on the handed-off processor",
                        () -> s.blockedFor(item) != null && s.finished.contains(other), state);
                HandOffStats h = k.handOffStats();
                long afterSnapshot = System.nanoTime();

                assertTrue(h.unbracketed().count() >= 1, "the item's sample: " + state.get());
                assertEquals(h.unbracketed().count(), h.unbracketedDetection().count(), state.get());
                assertEquals(0, h.bracketed().count(), state.get());
                // Handed off once the carrier has been asleep, by the monitor's estimate, for blockedAfter.
                long detection = h.unbracketedDetection().percentile(0);
                assertTrue(detection >= BLOCKED_AFTER.toNanos(), // percentiles read back high, never low
                        "asleep for blockedAfter at least: " + detection + " ns; " + state.get());
                assertTrue(h.unbracketed().percentile(0) >= detection, "the total covers its detection: " + state.get());
                // The estimated start may precede the blocking call (by up to an interval), but not the
                // processor's allocation.
                assertTrue(atLeast(h.unbracketed().max()) <= afterSnapshot - beforeRequest,
                        "inside the test's own readings around it (" + (afterSnapshot - beforeRequest) + " ns): " + state.get());
            } finally {
                synchronized (monitor) {
                    released.set(true);
                    monitor.notifyAll();
                }
            }
            awaitEveryHandOffAccounted(s, k, item, other);
            assertTrue(s.failures.isEmpty(), state.get());
        }
    }

    @Test
    void handOffWithNothingToRunCountsNotRunAndRecordsNoLatency() {
        CountDownLatch release = new CountDownLatch(1);
        Blocker item = new Blocker("alone", (a, self) -> {
            a.enterKernel(self);
            try {
                await(release);
            } finally {
                a.exitKernel();
            }
            return true;
        });
        TestScheduler s = new TestScheduler("s");
        try (Kernel k = Kernel.builder().name("handoff-alone").processors(1)
                .blockedAfter(BLOCKED_AFTER).monitorInterval(INTERVAL).build()) {
            Supplier<String> state = () -> s.describe() + "\n  " + k.handOffStats();
            try {
                s.submit(item);
                s.attach(k, 5).requestProcessors(1);
                Await.until("the new activation to find nothing to run", () -> k.handOffStats().notRun() == 1, state);
                HandOffStats h = k.handOffStats();
                assertEquals(1, s.count(Blocked.class), state.get());
                assertEquals(0, h.bracketed().count(), "nothing ran, so no latency: " + state.get());
                assertEquals(0, h.transit().count(), state.get());
                assertEquals(1, h.wakeUp().count(), "the new activation did wake up for it: " + state.get());
            } finally {
                release.countDown();
            }
            Await.until("the item to finish", () -> s.finished.contains(item), state);
            assertEquals(0, k.handOffStats().bracketed().count(), "the returning item is not a hand-off: " + state.get());
        }
    }

    /**
     * {@link ProcessorActivity#of} on states held still: detection off, so no monitor moves a
     * processor and nothing is suspected.
     */
    @Test
    void processorActivityReadsTheKernelsState() {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean inside = new AtomicBoolean();
        Blocker item = new Blocker("bracketed", (a, self) -> {
            a.enterKernel(self);
            inside.set(true);
            try {
                await(release);
            } finally {
                a.exitKernel();
            }
            return true;
        });
        Spin spin = new Spin("spin");
        TestScheduler s = new TestScheduler("s");
        try (Kernel k = Kernel.builder().name("activity").processors(1).blockingDetection(false)
                .idleHysteresis(Duration.ofHours(1)).build()) {
            Supplier<String> state = () -> s.describe() + "\n  VP0 " + ProcessorActivity.of(k, 0);
            try {
                assertEquals(ProcessorActivity.FREE, ProcessorActivity.of(k, 0), "no space yet");
                AddressSpace sp = s.attach(k, 5);
                sp.requestProcessors(1);
                Await.until("the idle processor to linger", () -> ProcessorActivity.of(k, 0) == ProcessorActivity.IDLE, state);
                s.submit(spin);
                sp.requestProcessors(1);
                Await.until("the spin to run", () -> spin.progress.get() > 0, state);
                assertEquals(ProcessorActivity.RUNNING, ProcessorActivity.of(k, 0), state.get());
                spin.finish();
                s.submit(item);
                sp.requestProcessors(1);
                Await.until("the item to be inside its bracket", inside::get, state);
                assertEquals(ProcessorActivity.IN_KERNEL, ProcessorActivity.of(k, 0), state.get());
            } finally {
                spin.finish();
                release.countDown();
            }
            Await.until("the item to finish", () -> s.finished.contains(item), state);
        }
    }

    /**
     * Once everything has finished, every hand-off left exactly one trace: a latency sample of
     * its kind (with one transit), or a {@code notRun}. The monitor samples, so the quick item may
     * be handed off too on a loaded machine (see {@link BracketedBlockingTest#assertSpuriousHandOffsOnlyOf});
     * then it counts like any other hand-off.
     */
    private static void awaitEveryHandOffAccounted(TestScheduler s, Kernel k, Object item, Object other) {
        Await.until("every hand-off to leave one trace", () -> {
            HandOffStats h = k.handOffStats();
            assertNoLaterPartWithoutTheEarlier(h);
            return s.finished.containsAll(List.of(item, other)) && s.handOffsPaired()
                    && h.bracketed().count() + h.unbracketed().count() + h.notRun() == s.count(Blocked.class)
                    && h.transit().count() == h.bracketed().count() + h.unbracketed().count()
                    && h.wakeUp().count() == s.count(Blocked.class);
        }, () -> s.describe() + "\n  " + k.handOffStats());
        BracketedBlockingTest.assertSpuriousHandOffsOnlyOf(s, item, other);
    }

    /** {@link HandOffStats}: a snapshot taken while hand-offs are recorded never holds a later part without the earlier ones. */
    private static void assertNoLaterPartWithoutTheEarlier(HandOffStats h) {
        assertTrue(h.transit().count() <= h.bracketedDetection().count() + h.unbracketedDetection().count(), h.toString());
        assertTrue(h.bracketedDetection().count() <= h.bracketed().count(), h.toString());
        assertTrue(h.unbracketedDetection().count() <= h.unbracketed().count(), h.toString());
        assertTrue(h.bracketed().count() + h.unbracketed().count() + h.notRun() <= h.wakeUp().count(), h.toString());
    }

    /** The least a duration read back as {@code readBack} can have been: {@link LatencySnapshot} reads back at most 1 % high. */
    private static long atLeast(long readBack) {
        return readBack - readBack / 100;
    }

    private static void await(CountDownLatch release) throws InterruptedException, TimeoutException {
        if (!release.await(Await.TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            throw new TimeoutException("the test never released the latch");
        }
    }
}
