package dev.activations.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.activations.kernel.TestScheduler.Blocked;
import dev.activations.kernel.TestScheduler.Blocker;
import dev.activations.kernel.TestScheduler.Spin;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Standbys ({@link Spares}, "Standby"): a bracketed call arms a spare for its VP at
 * {@code enterKernel}, and that spare, already running beside the blocked carrier, takes the VP
 * itself once the call has lasted {@code blockedAfter} and runs {@code activationBlocked} on
 * it: no spare is woken after the decision. A call that returns first sends the standby back to
 * its pool. Behaviour, not timing: each blocking call is released only by work that can run on
 * the handed-off processor, and the short call never blocks.
 */
class StandbyTest {

    @Test
    void aBracketedCallIsHandedOffByTheSpareStandingBy() {
        CountDownLatch release = new CountDownLatch(1);
        Blocker item = new Blocker("bracketed", (a, self) -> {
            a.enterKernel(self);
            try {
                if (!release.await(Await.TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    throw new TimeoutException("never released");
                }
            } finally {
                a.exitKernel();
            }
            return true;
        });
        TestScheduler.Work releaser = () -> {
            release.countDown(); // runs only on the processor the blocked item's carrier lost
            return true;
        };
        TestScheduler s = new TestScheduler("s");
        // the monitor ticks rarely, so nothing but the standby hands off (the monitor would hand off an
        // unbracketed block it found, say a carrier waiting on class loading on a loaded machine)
        try (Kernel k = Kernel.builder().name("standby-handoff").processors(1).monitorInterval(Duration.ofSeconds(10)).build()) {
            Supplier<String> state = () -> s.describe() + "\n  " + k.stats();
            s.submit(item, releaser);
            s.attach(k, 5).requestProcessors(1);
            Await.until("the releaser ran and the item finished", () -> s.finished.contains(releaser) && s.finished.contains(item), state);
            Blocked b = s.blockedFor(item);
            assertEquals(1, k.stats().handOffs(), state.get());
            assertEquals(1, k.stats().standbyHandOffs(), "taken by the standby: " + state.get());
            assertTrue(b.on() != item.carrier, state.get());
            assertTrue(s.handOffsPaired(), state.get());
            assertTrue(s.failures.isEmpty(), state.get());
        }
    }

    @Test
    void aCallThatReturnsSendsTheStandbyBackToItsPool() {
        Blocker item = new Blocker("short", (a, self) -> {
            boolean in = a.enterKernel(self);
            return a.exitKernel() && in;
        });
        Spin after = Spin.quick("after");
        TestScheduler s = new TestScheduler("s");
        try (Kernel k = Kernel.builder().name("standby-back").processors(1).monitorInterval(Duration.ofSeconds(10)).build()) {
            Supplier<String> state = () -> s.describe() + "\n  " + k.stats();
            s.submit(item, after);
            s.attach(k, 5).requestProcessors(1);
            Await.until("both ran", () -> s.finished.contains(item) && s.finished.contains(after), state);
            VirtualProcessor vp = k.processorsArray()[0];
            Await.until("the standby went back to its pool", () -> vp.standby == null && pooledSpares(k) >= 1, state);
            assertEquals(0, k.stats().handOffs(), state.get());
            assertNull(OsPrioritiesTest.KernelInvariantsView.violation(k), state.get());
        }
    }

    private static int pooledSpares(Kernel k) {
        synchronized (k.allocationLock()) {
            return k.sparesSnapshot().size();
        }
    }
}
