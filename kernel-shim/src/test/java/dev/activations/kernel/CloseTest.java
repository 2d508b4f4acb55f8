package dev.activations.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.activations.kernel.TestScheduler.Blocker;
import dev.activations.kernel.TestScheduler.Closed;
import dev.activations.kernel.TestScheduler.Preempted;
import dev.activations.kernel.TestScheduler.Spin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * {@link Kernel#close()}: when it returns no thread of the kernel is alive (carriers named
 * {@code <kernel>-activation-<n>}, the {@code <kernel>-monitor}), whether the kernel never ran
 * anything, ran work that finished, is running work (stopped at its safepoints and handed back
 * through {@code processorPreempted}) or has a carrier blocked in a call (interrupted after the
 * grace period). Every attached space gets {@code kernelClosed} once, on the closing thread.
 * {@code close} is idempotent, a closed kernel refuses new spaces with
 * {@link IllegalStateException} and ignores requests, and {@link Kernel#shared()} cannot be
 * closed.
 */
class CloseTest {

    private static void assertNoThreadsLeft(String kernelName) {
        assertEquals(List.of(), Await.kernelThreads(kernelName), "threads of kernel " + kernelName + " still alive after close");
    }

    private static void assertClosedOnce(TestScheduler s) {
        List<Closed> closed = s.events(Closed.class);
        assertEquals(1, closed.size(), s.describe());
        assertSame(Thread.currentThread(), closed.get(0).on(), "kernelClosed runs on the closing thread");
    }

    @Test
    void closingAnIdleKernelStopsItsMonitor() {
        Kernel k = Kernel.builder().name("close-idle").processors(2).build();
        TestScheduler s = new TestScheduler("s");
        s.attach(k, 5);
        assertEquals(List.of("close-idle-monitor"), Await.kernelThreads("close-idle"));
        k.close();
        assertTrue(k.isClosed());
        assertNoThreadsLeft("close-idle");
        assertClosedOnce(s);
    }

    @Test
    void closingAfterWorkLeavesNoCarrier() {
        Kernel k = Kernel.builder().name("close-after-work").processors(2).build();
        TestScheduler s = new TestScheduler("s");
        List<Spin> work = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            work.add(Spin.quick("q" + i));
        }
        s.submit(work.toArray(Spin[]::new));
        s.attach(k, 5).requestProcessors(2);
        Await.until("the work finishes", () -> s.finished.size() == work.size(), s::describe);
        assertFalse(Await.carriers("close-after-work").isEmpty(), "carriers stay as spares before close");
        k.close();
        assertNoThreadsLeft("close-after-work");
        assertEquals(0, k.stats().activationsAlive(), s.describe());
        assertEquals(0, k.stats().busyProcessors(), s.describe());
        assertClosedOnce(s);
        assertTrue(s.failures.isEmpty(), s.describe());
    }

    @Test
    void closingWhileWorkRunsStopsItAtSafepoints() {
        Kernel k = Kernel.builder().name("close-busy").processors(2).build();
        TestScheduler s = new TestScheduler("s");
        List<Spin> work = List.of(new Spin("a"), new Spin("b"), new Spin("c"));
        Supplier<String> state = s::describe;
        try {
            s.submit(work.toArray(Spin[]::new));
            s.attach(k, 5).requestProcessors(2);
            Await.until("two items run", () -> work.stream().filter(w -> w.progress.get() > 0).count() == 2, state);
            k.close();
            assertNoThreadsLeft("close-busy");
            List<Object> stopped = s.events(Preempted.class).stream().map(Preempted::stopped).toList();
            for (Spin w : work) {
                if (w.progress.get() > 0) {
                    assertTrue(stopped.contains(w), w + " was handed back through processorPreempted: " + state.get());
                    assertTrue(w.stops.get() >= 1, state.get());
                }
            }
            assertClosedOnce(s);
            assertTrue(s.failures.isEmpty(), state.get());
        } finally {
            work.forEach(Spin::finish);
            k.close();
        }
    }

    @Test
    void closingInterruptsACarrierBlockedInACall() {
        Kernel k = Kernel.builder().name("close-blocked").processors(1)
                .blockedAfter(Duration.ofMillis(1)).monitorInterval(Duration.ofMillis(1)).build();
        CountDownLatch never = new CountDownLatch(1);
        Blocker item = new Blocker("blocking", (a, self) -> {
            a.enterKernel(self);
            try {
                never.await(Await.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } finally {
                a.exitKernel();
            }
            return true;
        });
        TestScheduler s = new TestScheduler("s");
        try {
            s.submit(item);
            s.attach(k, 5).requestProcessors(1);
            Await.until("the item is blocked", () -> s.blockedFor(item) != null, s::describe);
            k.close();
            assertNoThreadsLeft("close-blocked");
            assertTrue(item.error instanceof InterruptedException, "the blocked call was interrupted: " + item.error);
            assertNotNull(s.unblockedFor(item), s.describe());
            assertClosedOnce(s);
        } finally {
            never.countDown();
            k.close();
        }
    }

    @Test
    void closeIsIdempotentAndAClosedKernelRefusesNewSpaces() {
        Kernel k = Kernel.builder().name("close-twice").processors(2).build();
        TestScheduler s = new TestScheduler("s");
        AddressSpace sp = s.attach(k, 5);
        k.close();
        k.close();
        assertClosedOnce(s);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> k.attach("late", 5, new TestScheduler("late")));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        s.submit(Spin.quick("q"));
        sp.requestProcessors(1);
        assertEquals(0, sp.processorsHeld());
        assertNoThreadsLeft("close-twice");
    }

    @Test
    void theSharedKernelCannotBeClosed() {
        Kernel shared = Kernel.shared();
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, shared::close);
        assertTrue(e.getMessage().contains("shared"), e.getMessage());
        assertFalse(shared.isClosed());
        assertSame(shared, Kernel.shared());
    }
}
