package dev.activations.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.activations.kernel.TestScheduler.Added;
import dev.activations.kernel.TestScheduler.Closed;
import dev.activations.kernel.TestScheduler.Preempted;
import dev.activations.kernel.TestScheduler.Spin;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * {@link AddressSpace#close()} (detach): the space's running processors are preempted at
 * their safepoints (their items come back through {@code processorPreempted}) and its lingering
 * ones are taken at once; either way they go to the spaces still attached. A detached space
 * gets no processor again, its requests are ignored, detaching twice is harmless, and it gets
 * no {@code kernelClosed} when the kernel closes later.
 */
class DetachTest {

    @Test
    void detachingARunningSpaceHandsItsProcessorsToTheOthers() {
        try (Kernel k = Kernel.builder().name("detach-running").processors(2).build()) {
            TestScheduler a = new TestScheduler("a");
            TestScheduler b = new TestScheduler("b");
            List<Spin> aWork = List.of(new Spin("a0"), new Spin("a1"), new Spin("a2"));
            List<Spin> bWork = List.of(new Spin("b0"), new Spin("b1"));
            Supplier<String> state = () -> a.describe() + "\n" + b.describe();
            try {
                a.submit(aWork.toArray(Spin[]::new));
                AddressSpace sa = a.attach(k, 5);
                sa.requestProcessors(2);
                Await.until("a runs an item on each processor",
                        () -> aWork.stream().filter(w -> w.progress.get() > 0).count() == 2, state);
                b.submit(bWork.toArray(Spin[]::new));
                AddressSpace sb = b.attach(k, 1);
                sb.requestProcessors(2);
                assertEquals(0, sb.processorsHeld(), "the lower-priority space waits: " + state.get());

                sa.close();
                Await.until("b gets both processors", () -> sb.processorsHeld() == 2 && sa.processorsHeld() == 0, state);
                // a preempted carrier gives its VP back under the kernel lock and runs its
                // processorPreempted upcall after that: b may hold the VP first
                Await.until("a's two processorPreempted upcalls", () -> a.count(Preempted.class) >= 2, state);
                List<Preempted> taken = a.events(Preempted.class);
                assertEquals(2, taken.size(), state.get());
                assertTrue(taken.stream().allMatch(p -> aWork.contains(p.stopped())), state.get());
                Await.until("b's work runs", () -> bWork.stream().allMatch(w -> w.progress.get() > 0), state);

                sa.close();
                sa.requestProcessors(2);
                int aAdded = a.count(Added.class);
                Await.holds("a detached space gets no processor", () -> sa.processorsHeld() == 0 && a.count(Added.class) == aAdded,
                        Duration.ofMillis(100), state);
                assertEquals(List.of("b"), k.stats().spaces().stream().map(SpaceStats::name).toList(), state.get());
                assertTrue(a.failures.isEmpty() && b.failures.isEmpty(), state.get());
            } finally {
                aWork.forEach(Spin::finish);
                bWork.forEach(Spin::finish);
            }
            k.close();
            assertEquals(0, a.count(Closed.class), "a detached space gets no kernelClosed");
            assertEquals(1, b.count(Closed.class));
        }
    }

    @Test
    void detachingAnIdleSpaceFreesItsLingeringProcessorAtOnce() {
        try (Kernel k = Kernel.builder().name("detach-idle").processors(1).idleHysteresis(Duration.ofHours(1)).build()) {
            TestScheduler a = new TestScheduler("a");
            TestScheduler b = new TestScheduler("b");
            Supplier<String> state = () -> a.describe() + "\n" + b.describe();
            a.submit(Spin.quick("q"));
            AddressSpace sa = a.attach(k, 5);
            sa.requestProcessors(1);
            Await.until("a's work finishes and its processor lingers", () -> a.finished.size() == 1
                    && a.events(Added.class).get(0).on().state() == Activation.LINGERING, state);
            assertEquals(1, sa.processorsHeld(), "the idle VP stays with a during the hysteresis: " + state.get());

            sa.close();
            Await.until("the lingering processor is freed", () -> sa.processorsHeld() == 0 && k.stats().busyProcessors() == 0, state);
            assertEquals(0, a.count(Preempted.class), "nothing was running, nothing to hand back: " + state.get());

            b.submit(Spin.quick("qb"));
            b.attach(k, 5).requestProcessors(1);
            Await.until("b runs on the freed processor", () -> b.finished.size() == 1, state);
            assertTrue(a.failures.isEmpty() && b.failures.isEmpty(), state.get());
        }
    }
}
