package dev.activations.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.activations.kernel.TestScheduler.Spin;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Spare activations retire after {@code keepAlive}: once a space's work is done its idle VPs
 * are freed after the hysteresis, their carriers wait in the spare pool, and after keepAlive
 * every carrier thread has exited ({@code activationsAlive} 0, no thread left) while the
 * kernel stays usable: new work starts new carriers, which retire in turn.
 */
class KeepAliveTest {

    @Test
    void spareActivationsRetireAndTheKernelStaysUsable() {
        String name = "keepalive";
        try (Kernel k = Kernel.builder().name(name).processors(2)
                .idleHysteresis(Duration.ofMillis(1)).keepAlive(Duration.ofMillis(100)).build()) {
            TestScheduler s = new TestScheduler("s");
            Supplier<String> state = () -> s.describe() + "\n  threads=" + Await.kernelThreads(name);
            AddressSpace sp = s.attach(k, 5);
            for (int round = 1; round <= 2; round++) {
                for (int i = 0; i < 6; i++) {
                    s.submit(Spin.quick("r" + round + "-" + i));
                }
                sp.requestProcessors(2);
                int expected = 6 * round;
                Await.until("round " + round + " finishes", () -> s.finished.size() == expected, state);
                Await.until("round " + round + ": every carrier retires",
                        () -> k.stats().activationsAlive() == 0 && Await.carriers(name).isEmpty(), state);
                KernelStats st = k.stats();
                assertEquals(0, st.busyProcessors(), state.get());
                assertTrue(st.activationsPeak() >= 1, state.get());
                assertEquals(0, sp.processorsHeld(), state.get());
            }
            assertEquals(List.of(name + "-monitor"), Await.kernelThreads(name), "the monitor outlives the spares");
            assertTrue(s.failures.isEmpty(), s.describe());
        }
    }
}
