package dev.activations.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.activations.kernel.TestScheduler.Spin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Allocation}s honoured by a live kernel, end to end with {@link TestScheduler}:
 * <ul>
 *   <li>a capped space never holds more than its cap (sampled, and its processor time never
 *       grows faster than the cap), even while the kernel's other processors sit free;</li>
 *   <li>a low-priority space with a minimum gets it, and keeps it, while a higher-priority space
 *       saturates every processor, and no more than it;</li>
 *   <li>two saturating spaces with shares 3:1 on a 2-processor kernel (portions 1.5 and 0.5)
 *       get processor time, by {@link AddressSpace#processorNanos}, within ±10 % of 3:1 over
 *       2 s (up to 8 s on a loaded machine): the kernel rotates a VP between them (also without blocking detection, where it
 *       starts its monitor only for this);</li>
 *   <li>shares that divide the processors (3:1 of 4) give a static split: no time slicing, no
 *       preemptions once the split is reached.</li>
 * </ul>
 * Windows are measurement periods, never performance claims: the assertions are about what
 * the kernel allocated, not how fast anything ran.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AllocationTest {

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

    private static void checkClean(TestScheduler... ss) {
        for (TestScheduler s : ss) {
            assertTrue(s.failures.isEmpty(), s.describe());
            assertEquals(0, s.space().stats().upcallFailures(), s.describe());
        }
    }

    private static String lags(Kernel k) {
        synchronized (k.allocationLock()) {
            StringBuilder b = new StringBuilder("lags:");
            for (AddressSpace s : k.spacesSnapshot()) {
                b.append(' ').append(s.name()).append('=').append(s.lag / 1_000).append("us")
                        .append(s.sliced ? " (sliced)" : "");
            }
            return b.toString();
        }
    }

    @Test
    void cappedSpaceNeverHoldsMoreThanItsCapEvenWhenOtherProcessorsAreIdle() {
        try (Kernel k = Kernel.builder().name("cap").processors(2).build()) {
            TestScheduler a = new TestScheduler("a");
            TestScheduler b = new TestScheduler("b");
            List<Spin> aWork = spins("a", 3);
            List<Spin> bWork = spins("b", 2);
            Supplier<String> state = () -> a.describe() + "\n" + b.describe();
            try {
                a.submit(aWork.toArray(Spin[]::new));
                AddressSpace sa = a.attach(k, Allocation.ofPriority(9).withMaxProcessors(1));
                sa.requestProcessors(2);
                Await.until("a runs on one processor", () -> sa.processorsHeld() == 1 && progress(aWork) > 0, state);

                long t0 = System.nanoTime();
                long n0 = sa.processorNanos();
                Await.holds("a holds 1 processor and the other stays free",
                        () -> sa.processorsHeld() == 1 && k.stats().busyProcessors() == 1, Duration.ofMillis(300), state);
                long n1 = sa.processorNanos();
                long t1 = System.nanoTime();
                assertTrue(n1 - n0 <= t1 - t0, "a capped at 1 held at most 1 VP-second per second: " + (n1 - n0)
                        + " ns of VP time in " + (t1 - t0) + " ns");
                assertTrue(n1 - n0 > 0, "a held its processor meanwhile");

                b.submit(bWork.toArray(Spin[]::new));
                AddressSpace sb = b.attach(k, 1);
                sb.requestProcessors(2);
                Await.until("b (lower priority) gets the processor a may not take",
                        () -> sb.processorsHeld() == 1 && progress(bWork) > 0, state);
                bWork.forEach(Spin::finish);
                Await.until("b's work finishes and b gives its processor back",
                        () -> b.finished.containsAll(bWork) && sb.processorsHeld() == 0, state);
                Await.holds("a still holds only 1 with the other processor free again",
                        () -> sa.processorsHeld() <= 1 && k.stats().busyProcessors() <= 1, Duration.ofMillis(300), state);
                assertEquals(1, sa.stats().maxProcessors(), state.get());
                checkClean(a, b);
            } finally {
                aWork.forEach(Spin::finish);
                bWork.forEach(Spin::finish);
            }
        }
    }

    @Test
    void minimumIsHeldWhileAHigherPrioritySpaceSaturates() {
        try (Kernel k = Kernel.builder().name("min").processors(2).build()) {
            TestScheduler high = new TestScheduler("high");
            TestScheduler low = new TestScheduler("low");
            List<Spin> highWork = spins("high", 4);
            List<Spin> lowWork = spins("low", 3);
            Supplier<String> state = () -> high.describe() + "\n" + low.describe();
            try {
                high.submit(highWork.toArray(Spin[]::new));
                AddressSpace sh = high.attach(k, 9);
                sh.requestProcessors(2);
                Await.until("high holds both processors", () -> sh.processorsHeld() == 2 && progress(highWork) > 0, state);

                low.submit(lowWork.toArray(Spin[]::new));
                AddressSpace sl = low.attach(k, Allocation.ofPriority(1).withMinProcessors(1));
                sl.requestProcessors(2);
                Await.until("low gets its minimum from high", () -> sl.processorsHeld() == 1 && sh.processorsHeld() == 1, state);

                long l0 = progress(lowWork);
                Await.until("low's work runs", () -> progress(lowWork) > l0, state);
                Await.holds("low keeps exactly its minimum, high keeps the rest",
                        () -> sl.processorsHeld() == 1 && sh.processorsHeld() == 1, Duration.ofMillis(300), state);
                long l1 = progress(lowWork);
                long h1 = progress(highWork);
                Await.until("both keep running", () -> progress(lowWork) > l1 && progress(highWork) > h1, state);
                assertFalse(k.stats().timeSlicing(), "whole portions: no slicing; " + state.get());
                checkClean(high, low);
            } finally {
                highWork.forEach(Spin::finish);
                lowWork.forEach(Spin::finish);
            }
        }
    }

    /**
     * Shares 3:1 on 2 processors: portions 1.5 and 0.5, so a VP must rotate. Measured over a
     * 2 s window once both spaces run; the kernel's quantum is 5 ms of VP time, so the
     * accounts at the two ends of the window differ from the exact portions by a few quanta,
     * far inside the 10 %. On a loaded machine the OS keeps carriers from their safepoints and
     * the debts grow (up to 200 ms, repaid later): the window then widens up to 8 s
     * ({@link Await#ratio}; with the jcstress suite beside, 2 s windows read 2.5 to 6.2).
     */
    @ParameterizedTest(name = "blockingDetection {0}")
    @ValueSource(booleans = {true, false})
    void sharesThreeToOneOnTwoProcessorsGiveThreeToOneProcessorTime(boolean detection) throws InterruptedException {
        String name = "shares-" + detection;
        // OS priorities start the monitor with the kernel (it starts carriers): off, to see it start for slicing
        try (Kernel k = Kernel.builder().name(name).processors(2).blockingDetection(detection).osPriorities(detection).build()) {
            TestScheduler a = new TestScheduler("a");
            TestScheduler b = new TestScheduler("b");
            List<Spin> aWork = spins("a", 4);
            List<Spin> bWork = spins("b", 4);
            Supplier<String> state = () -> a.describe() + "\n" + b.describe() + "\n" + lags(k);
            try {
                a.submit(aWork.toArray(Spin[]::new));
                AddressSpace sa = a.attach(k, Allocation.DEFAULT.withShare(3));
                sa.requestProcessors(2);
                Await.until("a holds both processors", () -> sa.processorsHeld() == 2 && progress(aWork) > 0, state);
                assertFalse(k.stats().timeSlicing(), "one space: no slicing; " + state.get());
                if (!detection) {
                    assertEquals(List.of(), Await.kernelThreads(name).stream().filter(t -> t.endsWith("-monitor")).toList(),
                            "no monitor before slicing is needed");
                }

                b.submit(bWork.toArray(Spin[]::new));
                AddressSpace sb = b.attach(k, Allocation.DEFAULT.withShare(1));
                sb.requestProcessors(2);
                Await.until("the kernel slices and b gets processor time",
                        () -> k.stats().timeSlicing() && sb.processorNanos() > 0 && progress(bWork) > 0, state);

                long p0 = k.stats().preemptions();
                Await.Ratio ratio = Await.ratio(sa::processorNanos, sb::processorNanos, 2.7, 3.3);
                long rotations = k.stats().preemptions() - p0;
                String measured = "VP time of a : b in windows from 2 s" + ratio.windows() + "\n" + rotations + " preemptions, "
                        + k.stats().handOffs() + " hand-offs\n" + state.get();
                assertTrue(ratio.value() >= 2.7 && ratio.value() <= 3.3, "3:1 within 10 %: " + measured);
                assertTrue(rotations > 0, "a VP rotated: " + measured);
                assertTrue(k.stats().timeSlicing(), measured);
                if (!detection) {
                    assertEquals(1, Await.kernelThreads(name).stream().filter(t -> t.endsWith("-monitor")).count(),
                            "the monitor started as a ticker: " + Await.kernelThreads(name));
                }
                checkClean(a, b);
            } finally {
                aWork.forEach(Spin::finish);
                bWork.forEach(Spin::finish);
            }
        }
    }

    @Test
    void sharesThatDivideTheProcessorsGiveAStaticSplitWithoutSlicing() {
        try (Kernel k = Kernel.builder().name("shares-static").processors(4).build()) {
            TestScheduler a = new TestScheduler("a");
            TestScheduler b = new TestScheduler("b");
            List<Spin> aWork = spins("a", 5);
            List<Spin> bWork = spins("b", 5);
            Supplier<String> state = () -> a.describe() + "\n" + b.describe() + "\n" + lags(k);
            try {
                a.submit(aWork.toArray(Spin[]::new));
                AddressSpace sa = a.attach(k, Allocation.DEFAULT.withShare(3));
                sa.requestProcessors(4);
                b.submit(bWork.toArray(Spin[]::new));
                AddressSpace sb = b.attach(k, Allocation.DEFAULT.withShare(1));
                sb.requestProcessors(4);
                Await.until("a holds 3 processors, b 1", () -> sa.processorsHeld() == 3 && sb.processorsHeld() == 1, state);
                assertFalse(k.stats().timeSlicing(), "3:1 of 4 is whole: " + state.get());
                long p0 = k.stats().preemptions();
                Await.holds("the 3/1 split is stable, with no preemption",
                        () -> sa.processorsHeld() == 3 && sb.processorsHeld() == 1 && k.stats().preemptions() == p0,
                        Duration.ofMillis(300), state);
                checkClean(a, b);
            } finally {
                aWork.forEach(Spin::finish);
                bWork.forEach(Spin::finish);
            }
        }
    }
}
