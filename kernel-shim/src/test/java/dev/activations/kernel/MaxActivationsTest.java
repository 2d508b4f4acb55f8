package dev.activations.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.activations.kernel.TestScheduler.Blocked;
import dev.activations.kernel.TestScheduler.Blocker;
import dev.activations.kernel.TestScheduler.Spin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The {@code maxActivations} cap (Kernel invariant 4): with one processor and at most one
 * activation, a blocked carrier cannot be replaced. The monitor's hand-off is refused and
 * counted in {@code refusedHandOffs}, nothing is thrown into user code or the scheduler, no
 * second carrier is started, and the queued work drains once the call returns. Checked for a
 * bracketed call and for an unbracketed one.
 */
class MaxActivationsTest {

    @Test
    void bracketedBlockAtTheCapIsRefusedAndWorkDrainsAfterwards() {
        refusedThenDrains("cap-bracketed", true);
    }

    @Test
    void unbracketedBlockAtTheCapIsRefusedAndWorkDrainsAfterwards() {
        refusedThenDrains("cap-plain", false);
    }

    private static void refusedThenDrains(String kernelName, boolean bracketed) {
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Boolean> exited = new AtomicReference<>();
        Blocker item = new Blocker("blocking", (a, self) -> {
            if (bracketed) {
                a.enterKernel(self);
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
        List<Spin> rest = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            rest.add(Spin.quick("quick" + i));
        }
        TestScheduler s = new TestScheduler("s");
        Supplier<String> state = s::describe;
        try (Kernel k = Kernel.builder().name(kernelName).processors(1).maxActivations(1)
                .blockedAfter(Duration.ofMillis(1)).monitorInterval(Duration.ofMillis(1)).build()) {
            try {
                assertEquals(1, k.maxActivations());
                s.submit(item);
                s.submit(rest.toArray(Spin[]::new));
                AddressSpace sp = s.attach(k, 5);
                sp.requestProcessors(1);

                Await.until("the monitor's hand-off is refused", () -> k.stats().refusedHandOffs() > 0, state);
                KernelStats st = k.stats();
                assertEquals(0, st.handOffs(), state.get());
                assertEquals(0, s.count(Blocked.class), state.get());
                assertEquals(1, st.activationsAlive(), state.get());
                assertEquals(1, st.activationsPeak(), state.get());
                assertTrue(rest.stream().noneMatch(s.finished::contains), "nothing else ran meanwhile: " + state.get());
                assertTrue(s.failures.isEmpty(), state.get());

                release.countDown();
                Await.until("all work drains", () -> s.finished.size() == 4, state);
                if (bracketed) {
                    assertTrue(exited.get(), "the VP was never taken: " + state.get());
                }
                assertEquals(1, item.runs, state.get());
                assertNull(item.error, state.get());
                st = k.stats();
                assertEquals(1, st.activationsPeak(), state.get());
                assertEquals(0, st.activationBlocked(), state.get());
                assertTrue(s.failures.isEmpty(), state.get());
                assertEquals(0, sp.stats().upcallFailures(), state.get());
            } finally {
                release.countDown();
            }
        }
    }
}
