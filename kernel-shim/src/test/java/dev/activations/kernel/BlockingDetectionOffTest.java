package dev.activations.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
 * {@code blockingDetection(false)} (and OS priorities off, which would start the monitor as the
 * carriers' starter): the kernel starts no monitor, so a carrier that blocks
 * (inside the {@code enterKernel}/{@code exitKernel} bracket or not) keeps its VP: no
 * {@code activationBlocked}, no hand-off, nothing else of the space runs on that processor
 * meanwhile, and {@code exitKernel} answers true. Work goes on once the call returns.
 */
class BlockingDetectionOffTest {

    @Test
    void bracketedCallKeepsTheProcessor() {
        blockedCarrierKeepsItsProcessor("detect-off-bracketed", true);
    }

    @Test
    void unbracketedCallKeepsTheProcessor() {
        blockedCarrierKeepsItsProcessor("detect-off-plain", false);
    }

    private static void blockedCarrierKeepsItsProcessor(String kernelName, boolean bracketed) {
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Boolean> entered = new AtomicReference<>();
        AtomicReference<Boolean> exited = new AtomicReference<>();
        Blocker item = new Blocker("blocking", (a, self) -> {
            if (bracketed) {
                entered.set(a.enterKernel(self));
            }
            try {
                if (!release.await(Await.TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    throw new TimeoutException("the test never released the latch");
                }
            } finally {
                if (bracketed) {
                    exited.set(a.exitKernel());
                }
            }
            return !bracketed || exited.get();
        });
        Spin other = Spin.quick("other");
        TestScheduler s = new TestScheduler("s");
        Supplier<String> state = () -> s.describe() + "\n  item carrier="
                + (item.carrier == null ? null : item.carrier + " " + item.carrier.getState());
        try (Kernel k = Kernel.builder().name(kernelName).processors(1).blockingDetection(false).osPriorities(false)
                .blockedAfter(Duration.ofMillis(1)).monitorInterval(Duration.ofMillis(1)).build()) {
            try {
                assertFalse(k.blockingDetection());
                assertTrue(Await.kernelThreads(kernelName).isEmpty(), "no monitor thread: " + Await.kernelThreads(kernelName));
                s.submit(item, other);
                AddressSpace sp = s.attach(k, 5);
                sp.requestProcessors(1);

                Await.until("the item's carrier is blocked", () -> item.carrier != null
                        && (item.carrier.getState() == Thread.State.WAITING
                        || item.carrier.getState() == Thread.State.TIMED_WAITING), state);
                VirtualProcessor vp = s.events(Added.class).get(0).vp();
                Await.holds("the blocked carrier keeps its VP and nothing else runs on it",
                        () -> s.count(Blocked.class) == 0 && vp.holder() == item.carrier && other.carrier == null
                                && k.stats().handOffs() == 0 && !item.callReturned,
                        Duration.ofMillis(300), state);

                release.countDown();
                Await.until("all work finishes", () -> s.finished.containsAll(List.of(item, other)), state);
                if (bracketed) {
                    assertTrue(entered.get(), state.get());
                    assertTrue(exited.get(), "exitKernel: the VP was never taken: " + state.get());
                }
                assertEquals(1, item.runs, state.get());
                assertEquals(0, item.signalAfterCall, state.get());
                assertNull(item.error, state.get());
                assertEquals(item.carrier, other.carrier, "the other item ran on the same carrier afterwards: " + state.get());
                assertEquals(0, s.count(Blocked.class) + s.count(Unblocked.class), state.get());
                KernelStats st = k.stats();
                assertEquals(0, st.handOffs(), state.get());
                assertEquals(0, st.activationBlocked(), state.get());
                assertEquals(1, st.activationsPeak(), state.get());
                assertTrue(s.failures.isEmpty(), state.get());
            } finally {
                release.countDown();
            }
        }
    }
}
