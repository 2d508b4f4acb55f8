package dev.activations.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.activations.kernel.TestScheduler.Added;
import dev.activations.kernel.TestScheduler.Blocked;
import dev.activations.kernel.TestScheduler.Blocker;
import dev.activations.kernel.TestScheduler.Spin;
import dev.activations.kernel.TestScheduler.Unblocked;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The bracketed blocking protocol (DESIGN.md §3) on a one-processor kernel: an item that
 * blocks between {@code enterKernel} and {@code exitKernel} loses its VP to a fresh
 * activation, which gets {@code activationBlocked(vp, blocked, item)} and keeps running the
 * space's other work on the same VP; when the call returns, {@code exitKernel} answers false,
 * the item stops, and {@code activationUnblocked(blocked, item)} is delivered on the blocked
 * activation; the item then finishes on the processor like any other. The blocked item is
 * handed off exactly once; see {@link #assertSpuriousHandOffsOnlyOf} for the extra hand-offs
 * of CPU-bound work that sampling allows.
 */
class BracketedBlockingTest {

    @Test
    void blockedBracketHandsTheProcessorOffAndUnblocksAfterwards() {
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Boolean> entered = new AtomicReference<>();
        AtomicReference<Boolean> exited = new AtomicReference<>();
        Blocker item = new Blocker("bracketed", (a, self) -> {
            entered.set(a.enterKernel(self));
            try {
                if (!release.await(Await.TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    throw new TimeoutException("the test never released the latch");
                }
            } finally {
                exited.set(a.exitKernel());
            }
            return exited.get();
        });
        Spin other = new Spin("other");
        TestScheduler s = new TestScheduler("s");
        Supplier<String> state = () -> s.describe() + "\n  entered=" + entered + " exited=" + exited;
        try (Kernel k = Kernel.builder().name("bracketed").processors(1)
                .blockedAfter(Duration.ofMillis(1)).monitorInterval(Duration.ofMillis(1)).build()) {
            try {
                s.submit(item, other);
                AddressSpace sp = s.attach(k, 5);
                sp.requestProcessors(1);

                Await.until("activationBlocked for the bracketed item", () -> s.blockedFor(item) != null, state);
                Blocked b = s.blockedFor(item);
                VirtualProcessor vp = s.events(Added.class).get(0).vp();
                assertSame(vp, b.vp(), "the VP of the blocked activation is handed on: " + state.get());
                assertSame(item.carrier, b.blocked(), state.get());
                assertNotNull(b.on(), state.get());
                assertNotSame(b.blocked(), b.on(), "activationBlocked runs on a fresh activation: " + state.get());
                assertTrue(entered.get(), state.get());
                assertFalse(item.callReturned, "still blocked: " + state.get());

                long p0 = other.progress.get();
                Await.until("other work of the space runs on the processor while the item is blocked",
                        () -> other.progress.get() > p0 + 10 && other.carrier != b.blocked(), state);
                assertFalse(item.callReturned, "still blocked: " + state.get());
                assertTrue(k.stats().blockedActivations() >= 1, state.get());
                assertEquals(1, sp.processorsHeld(), "a hand-off does not change the allocation: " + state.get());
                assertSame(b, s.blockedFor(item), "the call is handed off once: " + state.get());

                release.countDown();
                Await.until("activationUnblocked for the item", () -> firstUnblocked(s, b.blocked()) != null, state);
                Unblocked u = firstUnblocked(s, b.blocked());
                assertFalse(exited.get(), "exitKernel reports the VP gone: " + state.get());
                assertSame(b.blocked(), u.activation(), state.get());
                assertSame(u.activation(), u.on(), "delivered on the unblocked activation: " + state.get());
                assertTrue(s.upcalls.indexOf(b) < s.upcalls.indexOf(u), state.get());
                assertTrue((item.signalAfterCall & Activation.REVOKED) != 0, state.get());
                assertNull(item.error, state.get());

                other.finish();
                Await.until("all work finishes", () -> s.finished.containsAll(List.of(item, other)), state);
                // Stopped after the call, then finished; a spurious hand-off of its short second run
                // (see assertSpuriousHandOffsOnlyOf) makes this scheduler run it once more.
                assertTrue(item.runs >= 2, "stopped once after the call, then finished: " + state.get());
                Await.until("every hand-off unblocked, none counted as blocked",
                        () -> s.handOffsPaired() && k.stats().blockedActivations() == 0, state);
                assertSpuriousHandOffsOnlyOf(s, item, other);
                KernelStats st = k.stats();
                assertEquals(s.count(Blocked.class), st.activationBlocked(), state.get());
                assertEquals(s.count(Blocked.class), st.handOffs(), state.get());
                assertEquals(s.count(Unblocked.class), st.activationUnblocked(), state.get());
                assertTrue(s.failures.isEmpty(), state.get());
                assertEquals(0, sp.stats().upcallFailures(), state.get());
            } finally {
                release.countDown();
                other.finish();
            }
        }
    }

    /**
     * A bracketed call is checked from its start even while the monitor sleeps long: with a
     * one-hour {@code monitorInterval} (no regular tick during the test) the call's
     * {@code enterKernel} wakes the monitor, which then ticks every {@code blockedAfter / 2} and
     * hands the VP off.
     */
    @Test
    void bracketedCallWakesAMonitorInALongSleep() {
        CountDownLatch release = new CountDownLatch(1);
        Blocker item = new Blocker("bracketed", (a, self) -> {
            a.enterKernel(self);
            try {
                if (!release.await(Await.TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    throw new TimeoutException("the test never released the latch");
                }
            } finally {
                a.exitKernel();
            }
            return true;
        });
        TestScheduler s = new TestScheduler("s");
        try (Kernel k = Kernel.builder().name("long-sleep").processors(1)
                .blockedAfter(Duration.ofMillis(1)).monitorInterval(Duration.ofHours(1)).build()) {
            try {
                s.submit(item);
                s.attach(k, 5).requestProcessors(1);
                Await.until("activationBlocked for the bracketed item", () -> s.blockedFor(item) != null, s::describe);
                assertFalse(item.callReturned, "handed off while still blocked: " + s.describe());
            } finally {
                release.countDown();
            }
            Await.until("activationUnblocked for the item", () -> s.unblockedFor(item) != null, s::describe);
        }
    }

    /**
     * The monitor samples, so a carrier that the OS reports asleep for {@code blockedAfter} with
     * work mounted may be handed off although it only waited (on a page fault, a JVM safepoint,
     * or a lock the test thread holds while the OS keeps it off its CPU: seen on a loaded
     * machine); the protocol allows it, and each such hand-off is paired with its unblock. So
     * after the real one, hand-offs may concern {@code cpuBound} or, once its call has
     * returned, {@code blocking} again, never other work. That the blocking call itself was
     * handed off exactly once each test checks while the call is still in progress.
     */
    static void assertSpuriousHandOffsOnlyOf(TestScheduler s, Object blocking, Object cpuBound) {
        boolean handedOff = false;
        for (Blocked b : s.events(Blocked.class)) {
            assertTrue(b.thread() == blocking || b.thread() == cpuBound, "unexpected hand-off " + b + "\n" + s.describe());
            handedOff |= b.thread() == blocking;
        }
        assertTrue(handedOff, "the blocking call was never handed off: " + s.describe());
    }

    /** The first {@code activationUnblocked} of {@code blocked}, or null. */
    static Unblocked firstUnblocked(TestScheduler s, Activation blocked) {
        return s.events(Unblocked.class).stream().filter(u -> u.activation() == blocked).findFirst().orElse(null);
    }
}
