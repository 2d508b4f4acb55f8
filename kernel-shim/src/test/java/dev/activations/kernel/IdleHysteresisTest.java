package dev.activations.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.activations.kernel.TestScheduler.Added;
import dev.activations.kernel.TestScheduler.Preempted;
import dev.activations.kernel.TestScheduler.Spin;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The idle hysteresis: a VP whose space runs out of work lingers with that space
 * ({@code processorIdle} parks its carrier) instead of being freed at once. A request from the
 * same space wakes it and {@code processorIdle} answers true, so the same upcall goes on with
 * the new work (no new {@code processorAdded}). A higher-priority space that asks for
 * processors takes a lingering VP at once, on the same carrier, and since nothing was running
 * on it the idle space gets no {@code processorPreempted}. So does a lower-priority space: a
 * lingering VP is not part of its space's demand, so it is lent to whoever asks, and its own
 * space gets it back by preemption when it has work again. With OS priorities the borrower's
 * carriers run at a higher nice value than the lender's, so the VP is lent to a carrier of the
 * borrower's own (the lender's carrier is let go, never lowered in priority for good), and taken
 * back by displacement; without, the lender's carrier itself runs the borrower's upcall. The
 * hysteresis is set to an hour so that only these paths, never the timeout, can move the VP.
 */
class IdleHysteresisTest {

    private static Kernel lingeringKernel(String name) {
        return lingeringKernel(name, true);
    }

    private static Kernel lingeringKernel(String name, boolean osPriorities) {
        return Kernel.builder().name(name).processors(1).idleHysteresis(Duration.ofHours(1)).osPriorities(osPriorities).build();
    }

    private static void awaitLingering(TestScheduler s, Supplier<String> state) {
        Await.until(s.name + "'s processor lingers", () -> !s.events(Added.class).isEmpty()
                && s.events(Added.class).get(0).on().state() == Activation.LINGERING, state);
    }

    @Test
    void aRequestFromTheSameSpaceWakesItsLingeringProcessor() {
        try (Kernel k = lingeringKernel("linger-keep")) {
            TestScheduler s = new TestScheduler("s");
            Supplier<String> state = s::describe;
            s.submit(Spin.quick("first"));
            AddressSpace sp = s.attach(k, 5);
            sp.requestProcessors(1);
            awaitLingering(s, state);
            assertEquals(1, sp.processorsHeld(), state.get());

            Spin second = Spin.quick("second");
            s.submit(second);
            sp.requestProcessors(1);
            Await.until("the lingering processor runs the new work", () -> s.finished.contains(second), state);
            assertEquals(1, s.count(Added.class), "the same upcall went on: " + state.get());
            assertSame(s.events(Added.class).get(0).on(), second.carrier, state.get());
            assertEquals(0, sp.stats().processorsWanted(), "the request was answered by the lingering VP: " + state.get());
            assertTrue(s.failures.isEmpty(), state.get());
        }
    }

    @Test
    void aHigherPrioritySpaceTakesALingeringProcessorAtOnce() {
        try (Kernel k = lingeringKernel("linger-taken")) {
            TestScheduler low = new TestScheduler("low");
            TestScheduler high = new TestScheduler("high");
            Supplier<String> state = () -> low.describe() + "\n" + high.describe();
            low.submit(Spin.quick("l"));
            AddressSpace sl = low.attach(k, 1);
            sl.requestProcessors(1);
            awaitLingering(low, state);

            Spin h = Spin.quick("h");
            high.submit(h);
            AddressSpace sh = high.attach(k, 9);
            sh.requestProcessors(1);
            Await.until("high runs on the processor low left idle", () -> high.finished.contains(h), state);
            assertSame(low.events(Added.class).get(0).on(), high.events(Added.class).get(0).on(),
                    "the VP moved with its carrier: " + state.get());
            assertEquals(0, low.count(Preempted.class), "nothing ran on the idle VP: " + state.get());
            assertEquals(0, sl.processorsHeld(), state.get());
            assertEquals(1, sh.processorsHeld(), state.get());
            assertTrue(low.failures.isEmpty() && high.failures.isEmpty(), state.get());
        }
    }

    @ParameterizedTest(name = "osPriorities {0}")
    @ValueSource(booleans = {true, false})
    void aLowerPrioritySpaceBorrowsALingeringProcessorAndGivesItBackOnRequest(boolean osPriorities) {
        try (Kernel k = lingeringKernel("linger-lent-" + osPriorities, osPriorities)) {
            boolean displaces = k.osPriorities().startsWith("os");
            TestScheduler high = new TestScheduler("high");
            TestScheduler low = new TestScheduler("low");
            Supplier<String> state = () -> high.describe() + "\n" + low.describe();
            high.submit(Spin.quick("h1"));
            AddressSpace sh = high.attach(k, 9);
            sh.requestProcessors(1);
            awaitLingering(high, state);

            Spin batch = new Spin("batch");
            low.submit(batch);
            AddressSpace sl = low.attach(k, 1);
            sl.requestProcessors(1);
            Await.until("low computes on the processor high left idle", () -> batch.progress.get() > 0, state);
            if (displaces) {
                assertNotSame(high.events(Added.class).get(0).on(), batch.carrier, "lent to a carrier of low's nice value: " + state.get());
            } else {
                assertSame(high.events(Added.class).get(0).on(), batch.carrier, "lent with its carrier: " + state.get());
            }
            assertEquals(0, sh.processorsHeld(), state.get());
            assertEquals(0, high.count(Preempted.class), "nothing ran on the idle VP: " + state.get());

            Spin h2 = Spin.quick("h2");
            high.submit(h2);
            sh.requestProcessors(1);
            Await.until("high gets its processor back", () -> high.finished.contains(h2), state);
            Await.until("low was preempted at its safepoint", () -> batch.stops.get() >= 1 && low.count(Preempted.class) == 1, state);
            assertEquals(displaces ? 1 : 0, k.stats().displacements(), "displaced only with OS priorities: " + state.get());
            batch.finish();
            assertTrue(high.failures.isEmpty() && low.failures.isEmpty(), state.get());
        }
    }
}
