package dev.activations.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.activations.kernel.TestScheduler.Added;
import dev.activations.kernel.TestScheduler.Preempted;
import dev.activations.kernel.TestScheduler.Spin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Processor allocation between live address spaces, end to end through the kernel:
 * <ul>
 *   <li>two equal-priority spaces that both want all 4 processors end up with 2 each; the
 *       first space's extra processors come back through preemption at a safepoint, with the
 *       stopped item in {@code processorPreempted}, and the split then stays put;</li>
 *   <li>a higher-priority space that asks for processors takes them from a lower one
 *       ({@code processorPreempted} there, {@code processorAdded} here), the lower one runs
 *       nothing meanwhile, and once the higher one goes idle and its hysteresis passes the
 *       lower one gets its processors back;</li>
 *   <li>the {@code preempt} downcall on one's own VP stops the running item and gives the
 *       same VP back to the same space.</li>
 * </ul>
 */
class ProcessorSharingTest {

    private static List<Spin> spins(String prefix, int n) {
        List<Spin> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(new Spin(prefix + i));
        }
        return l;
    }

    private static long progress(List<Spin> work) {
        return work.stream().mapToLong(s -> s.progress.get()).sum();
    }

    /** Items of {@code work} that have started running. */
    private static long started(List<Spin> work) {
        return work.stream().filter(s -> s.progress.get() > 0).count();
    }

    private static void checkClean(TestScheduler... ss) {
        for (TestScheduler s : ss) {
            assertTrue(s.failures.isEmpty(), s.describe());
            assertEquals(0, s.space().stats().upcallFailures(), s.describe());
        }
    }

    @Test
    void twoEqualSpacesOnFourProcessorsHoldTwoEach() {
        try (Kernel k = Kernel.builder().name("share-even").processors(4).build()) {
            TestScheduler a = new TestScheduler("a");
            TestScheduler b = new TestScheduler("b");
            List<Spin> aWork = spins("a", 6);
            List<Spin> bWork = spins("b", 6);
            Supplier<String> state = () -> a.describe() + "\n" + b.describe();
            try {
                a.submit(aWork.toArray(Spin[]::new));
                AddressSpace sa = a.attach(k, 5);
                sa.requestProcessors(4);
                Await.until("space a holds all 4 processors and runs an item on each",
                        () -> sa.processorsHeld() == 4 && started(aWork) == 4, state);

                b.submit(bWork.toArray(Spin[]::new));
                AddressSpace sb = b.attach(k, 5);
                sb.requestProcessors(4);
                Await.until("a and b hold 2 processors each",
                        () -> sa.processorsHeld() == 2 && sb.processorsHeld() == 2 && b.count(Added.class) == 2, state);

                KernelStats st = k.stats();
                assertEquals(4, st.busyProcessors(), state.get());
                assertEquals(List.of(2, 2), st.spaces().stream().map(SpaceStats::processorsHeld).toList(), state.get());
                assertEquals(2, sa.stats().processorsHeld(), state.get());
                assertEquals(2, sb.stats().processorsHeld(), state.get());

                // Preemption is a race (every running VP of a is flagged, the first two back win): a
                // flag taken back too late costs one extra preemption, whose VP goes straight back to a.
                List<Preempted> taken = a.events(Preempted.class);
                assertTrue(taken.size() >= 2, state.get());
                assertEquals(taken.size() - 2, a.count(Added.class) - 4,
                        "every preemption beyond the two owed gave its VP straight back to a: " + state.get());
                for (Preempted p : taken) {
                    assertTrue(aWork.contains(p.stopped()), "stopped item is one of a's: " + p);
                    assertTrue(((Spin) p.stopped()).stops.get() >= 1, "the item stopped at its safepoint: " + p);
                }

                long pa = progress(aWork);
                long pb = progress(bWork);
                Await.until("both spaces make progress", () -> progress(aWork) > pa && progress(bWork) > pb, state);
                Await.holds("the 2/2 split is stable", () -> sa.processorsHeld() == 2 && sb.processorsHeld() == 2,
                        Duration.ofMillis(300), state);
                assertEquals(taken.size(), a.count(Preempted.class), "no further preemption once the split is reached: " + state.get());
                checkClean(a, b);
            } finally {
                aWork.forEach(Spin::finish);
                bWork.forEach(Spin::finish);
            }
        }
    }

    @Test
    void higherPrioritySpaceTakesProcessorsAndGivesThemBackWhenIdle() {
        try (Kernel k = Kernel.builder().name("share-prio").processors(2).idleHysteresis(Duration.ofMillis(20)).build()) {
            TestScheduler low = new TestScheduler("low");
            TestScheduler high = new TestScheduler("high");
            List<Spin> lowWork = spins("low", 4);
            List<Spin> highWork = spins("high", 2);
            Supplier<String> state = () -> low.describe() + "\n" + high.describe();
            try {
                low.submit(lowWork.toArray(Spin[]::new));
                AddressSpace sl = low.attach(k, 1);
                sl.requestProcessors(2);
                Await.until("low holds both processors and runs an item on each",
                        () -> sl.processorsHeld() == 2 && started(lowWork) == 2, state);

                high.submit(highWork.toArray(Spin[]::new));
                AddressSpace sh = high.attach(k, 9);
                sh.requestProcessors(2);
                Await.until("high holds both processors, low none",
                        () -> sh.processorsHeld() == 2 && sl.processorsHeld() == 0 && low.count(Preempted.class) == 2
                                && high.count(Added.class) == 2, state);

                for (Preempted p : low.events(Preempted.class)) {
                    assertNotNull(p.stopped(), "a running item was stopped: " + p);
                    assertTrue(lowWork.contains(p.stopped()), "stopped item is one of low's: " + p);
                }
                long h0 = progress(highWork);
                Await.until("high's work runs", () -> progress(highWork) > h0, state);
                long lowFrozen = progress(lowWork);
                Await.holds("low runs nothing while high holds every processor",
                        () -> progress(lowWork) == lowFrozen, Duration.ofMillis(200), state);

                int lowAddedBefore = low.count(Added.class);
                highWork.forEach(Spin::finish);
                Await.until("high's work finishes", () -> high.finished.containsAll(highWork), state);
                Await.until("low gets both processors back after high goes idle",
                        () -> sl.processorsHeld() == 2 && sh.processorsHeld() == 0
                                && low.count(Added.class) == lowAddedBefore + 2, state);
                long l1 = progress(lowWork);
                Await.until("low's work runs again", () -> progress(lowWork) > l1, state);

                KernelStats st = k.stats();
                assertTrue(st.preemptions() >= 2, state.get());
                assertEquals(2, st.processorPreempted(), state.get());
                checkClean(low, high);
            } finally {
                lowWork.forEach(Spin::finish);
                highWork.forEach(Spin::finish);
            }
        }
    }

    @Test
    void preemptDowncallStopsTheItemAndTheSpaceKeepsTheProcessor() {
        try (Kernel k = Kernel.builder().name("share-self").processors(1).build()) {
            TestScheduler s = new TestScheduler("s");
            Spin first = new Spin("first");
            Spin second = new Spin("second");
            Supplier<String> state = s::describe;
            try {
                s.submit(first, second);
                AddressSpace sp = s.attach(k, 5);
                sp.requestProcessors(1);
                Await.until("first runs", () -> first.progress.get() > 0, state);
                VirtualProcessor vp = s.events(Added.class).get(0).vp();

                sp.preempt(vp);
                Await.until("processorPreempted with the running item, then processorAdded on the same VP",
                        () -> s.count(Preempted.class) == 1 && s.count(Added.class) == 2, state);
                Preempted p = s.events(Preempted.class).get(0);
                assertSame(vp, p.vp(), state.get());
                assertSame(first, p.stopped(), state.get());
                assertSame(vp, s.events(Added.class).get(1).vp(), state.get());
                assertEquals(1, sp.processorsHeld(), state.get());
                Await.until("second runs (first went to the back of the queue)", () -> second.progress.get() > 0, state);
                checkClean(s);
            } finally {
                first.finish();
                second.finish();
            }
        }
    }
}
