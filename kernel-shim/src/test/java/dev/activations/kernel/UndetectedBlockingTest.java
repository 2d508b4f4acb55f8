package dev.activations.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.activations.kernel.TestScheduler.Added;
import dev.activations.kernel.TestScheduler.Blocked;
import dev.activations.kernel.TestScheduler.Blocker;
import dev.activations.kernel.TestScheduler.Call;
import dev.activations.kernel.TestScheduler.Spin;
import dev.activations.kernel.TestScheduler.Unblocked;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Blocking the program does not announce (DESIGN.md §3, "undetected"): an item that blocks
 * its carrier in {@code Object.wait}, {@code Thread.sleep} or a socket read, with no
 * {@code enterKernel} bracket, is found by the monitor (Java thread state, or the Linux
 * {@code /proc} state for the read the JVM reports as RUNNABLE); the VP goes to a fresh
 * activation with {@code activationBlocked}, the space's other work runs on it meanwhile, and
 * when the call returns the item sees the revoked VP at its next safepoint, stops, and
 * {@code activationUnblocked} re-queues it. Each blocking call is released only after the other
 * work has been seen running, so the test depends on no timing. The blocked item is handed off
 * exactly once; the monitor samples, so extra hand-offs of the CPU-bound item are tolerated
 * (see {@link BracketedBlockingTest#assertSpuriousHandOffsOnlyOf}) as long as each is unblocked.
 */
class UndetectedBlockingTest {

    @Test
    void objectWait() {
        Object monitor = new Object();
        AtomicBoolean released = new AtomicBoolean();
        blockUndetected("undetected-wait", (a, self) -> {
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
        }, () -> {
            synchronized (monitor) {
                released.set(true);
                monitor.notifyAll();
            }
        });
    }

    @Test
    void threadSleep() {
        AtomicBoolean released = new AtomicBoolean();
        blockUndetected("undetected-sleep", (a, self) -> {
            long deadline = System.nanoTime() + Await.TIMEOUT.toNanos();
            while (!released.get()) { // one long sleep the test can end: sleeps of 10 ms, back to back
                if (System.nanoTime() - deadline > 0) {
                    throw new TimeoutException("never released");
                }
                Thread.sleep(10);
            }
            return true;
        }, () -> released.set(true));
    }

    /**
     * The same sleep after 1.2 s of computing: by then the monitor has found no carrier asleep for
     * {@link Monitor#QUIET_TICKS} intervals (1 s at this kernel's 1 ms) and ticks at its slow
     * cadence (Monitor, "Cadence"). The block must still be seen and handed off.
     */
    @Test
    void threadSleepAfterAQuietSpell() {
        AtomicBoolean released = new AtomicBoolean();
        blockUndetected("undetected-sleep-after-quiet", (a, self) -> {
            long computeUntil = System.nanoTime() + Monitor.QUIET_TICKS * 1_200_000L;
            while (System.nanoTime() - computeUntil < 0) {
                Thread.onSpinWait();
            }
            long deadline = System.nanoTime() + Await.TIMEOUT.toNanos();
            while (!released.get()) {
                if (System.nanoTime() - deadline > 0) {
                    throw new TimeoutException("never released");
                }
                Thread.sleep(10);
            }
            return true;
        }, () -> released.set(true));
    }

    @Test
    void socketRead() throws IOException {
        assumeTrue(Files.isReadable(Path.of("/proc/thread-self/stat")),
                "a read blocked in native code is seen through Linux /proc only");
        try (LoopbackConnection c = new LoopbackConnection()) {
            AtomicInteger read = new AtomicInteger(-2);
            blockUndetected("undetected-read", (a, self) -> {
                read.set(c.read());
                return true;
            }, c::write);
            assertEquals(42, read.get(), "the read returned the byte the test wrote");
        }
    }

    /**
     * A sleep just after a bracketed call is timed from its own start, not from the monitor's
     * last sample before the call (Monitor, "the rule": a baseline does not span a bracketed
     * call). With {@code blockedAfter} 400 ms, a 250 ms bracketed call and then a 250 ms
     * unbracketed sleep are each shorter than it, so neither may be handed off; a baseline kept
     * across the call would date the sleep from the call's start and hand it off 400 ms after
     * it, in the middle of the sleep. Each side has 150 ms of slack for a late timer.
     */
    @Test
    void sleepJustAfterABracketedCallIsTimedFromItsOwnStart() {
        AtomicReference<Boolean> exited = new AtomicReference<>();
        Blocker item = new Blocker("bracketed-then-sleep", (a, self) -> {
            long computeUntil = System.nanoTime() + 20_000_000L; // 20 ms of work: the monitor samples it
            while (System.nanoTime() - computeUntil < 0) {
                Thread.onSpinWait();
            }
            a.enterKernel(self);
            try {
                Thread.sleep(250);
            } finally {
                exited.set(a.exitKernel());
            }
            Thread.sleep(250);
            return exited.get();
        });
        TestScheduler s = new TestScheduler("s");
        Supplier<String> state = () -> s.describe() + "\n  item carrier="
                + (item.carrier == null ? null : item.carrier + " " + item.carrier.getState());
        try (Kernel k = Kernel.builder().name("sleep-after-bracket").processors(1)
                .blockedAfter(Duration.ofMillis(400)).monitorInterval(Duration.ofMillis(1)).build()) {
            s.submit(item);
            AddressSpace sp = s.attach(k, 5);
            sp.requestProcessors(1);
            Await.until("the item finishes", () -> s.finished.contains(item), state);
            assertEquals(Boolean.TRUE, exited.get(), "the bracketed call kept its VP: " + state.get());
            assertNull(s.blockedFor(item), "neither block was handed off: " + state.get());
            assertEquals(0, item.signalAfterCall, "no signal after the sleep: " + state.get());
            assertEquals(1, item.runs, "finished in one run: " + state.get());
            assertNull(item.error, state.get());
            assertTrue(s.failures.isEmpty(), state.get());
        }
    }

    /**
     * Runs {@code call} as an unbracketed blocking item on a one-processor kernel with another
     * item queued behind it, and checks the whole blocked/unblocked sequence. {@code release}
     * ends the blocking call; it must be idempotent.
     */
    private static void blockUndetected(String kernelName, Call call, Runnable release) {
        blockUndetected(Kernel.builder().name(kernelName).processors(1)
                .blockedAfter(Duration.ofMillis(1)).monitorInterval(Duration.ofMillis(1)), call, release);
    }

    /** The same on a one-processor kernel built by {@code kernel}. */
    static void blockUndetected(Kernel.Builder kernel, Call call, Runnable release) {
        Blocker item = new Blocker("blocking", call);
        Spin other = new Spin("other");
        TestScheduler s = new TestScheduler("s");
        Supplier<String> state = () -> s.describe() + "\n  item carrier="
                + (item.carrier == null ? null : item.carrier + " " + item.carrier.getState());
        try (Kernel k = kernel.build()) {
            try {
                s.submit(item, other);
                AddressSpace sp = s.attach(k, 5);
                sp.requestProcessors(1);

                Await.until("activationBlocked for the unbracketed blocking call", () -> s.blockedFor(item) != null, state);
                Blocked b = s.blockedFor(item);
                assertSame(s.events(Added.class).get(0).vp(), b.vp(), state.get());
                assertSame(item.carrier, b.blocked(), "the item noted by noteDispatch is the blocked thread: " + state.get());
                assertNotSame(b.blocked(), b.on(), "activationBlocked runs on a fresh activation: " + state.get());
                assertFalse(item.callReturned, "the call is still blocked: " + state.get());

                long p0 = other.progress.get();
                Await.until("other work runs on the processor while the item is blocked",
                        () -> other.progress.get() > p0 + 10 && other.carrier != b.blocked(), state);
                assertFalse(item.callReturned, "the call is still blocked: " + state.get());
                assertSame(b, s.blockedFor(item), "the call is handed off once: " + state.get());

                release.run();
                Await.until("activationUnblocked for the item",
                        () -> BracketedBlockingTest.firstUnblocked(s, b.blocked()) != null, state);
                Unblocked u = BracketedBlockingTest.firstUnblocked(s, b.blocked());
                assertSame(b.blocked(), u.activation(), state.get());
                assertSame(u.activation(), u.on(), state.get());
                assertTrue(s.upcalls.indexOf(b) < s.upcalls.indexOf(u), state.get());
                assertTrue((item.signalAfterCall & Activation.REVOKED) != 0, "the item saw REVOKED: " + state.get());
                assertNull(item.error, state.get());

                other.finish();
                Await.until("all work finishes", () -> s.finished.containsAll(List.of(item, other)), state);
                // Stopped after the call, then finished (once more after a spurious hand-off of the
                // short second run: see BracketedBlockingTest.assertSpuriousHandOffsOnlyOf).
                assertTrue(item.runs >= 2, "stopped once after the call, then finished: " + state.get());
                Await.until("every hand-off unblocked", s::handOffsPaired, state);
                BracketedBlockingTest.assertSpuriousHandOffsOnlyOf(s, item, other);
                assertTrue(s.failures.isEmpty(), state.get());
                assertEquals(0, sp.stats().upcallFailures(), state.get());
            } finally {
                release.run();
                other.finish();
            }
        }
    }
}
