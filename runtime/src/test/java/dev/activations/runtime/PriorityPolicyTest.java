package dev.activations.runtime;

import static dev.activations.runtime.TestSupport.awaitCondition;
import static dev.activations.runtime.TestSupport.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * {@link Policy#PRIORITY} on a 1-processor kernel: the processor always runs the highest
 * ready priority, and a higher-priority thread that becomes ready while a lower one computes
 * preempts it at its next safepoint ({@link UserThread#checkpoint()}).
 *
 * <p>What it proves, by order of events (no timing):
 * <ul>
 *   <li>threads made ready while the processor is busy run in priority order, highest first;</li>
 *   <li>a lower-priority thread computing in a loop of {@code checkpoint()}s, which would
 *       never give the processor up by itself, is preempted when a higher-priority thread is
 *       started, unparked from a platform thread, or woken by its sleep timer: the higher one
 *       runs to completion before the lower one sees the flag it sets; the preemption is
 *       visible in the scheduler's and the kernel's counters.</li>
 * </ul>
 */
class PriorityPolicyTest extends RuntimeTestBase {

    @Override
    protected int processors() {
        return 1;
    }

    @Override
    protected Policy policy() {
        return Policy.PRIORITY;
    }

    @Test
    void readyThreadsRunHighestPriorityFirst() {
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        int[] priorities = {3, 7, 1, 9, 5, 2, 8, 4, 6, 5, 9, 1, 7};
        List<UserThread> started = Collections.synchronizedList(new ArrayList<>());
        // The starter has the top priority, so all of them queue until it ends.
        UserThread starter = scheduler.thread().priority(UserThread.MAX_PRIORITY).start(() -> {
            for (int p : priorities) {
                started.add(scheduler.thread().priority(p).start(() -> order.add(p)));
            }
        });
        join(starter);
        TestSupport.joinAll(new ArrayList<>(started));
        List<Integer> expected = new ArrayList<>();
        for (int p : priorities) {
            expected.add(p);
        }
        expected.sort(Comparator.reverseOrder());
        assertEquals(expected, order, "threads ran out of priority order");
    }

    @Test
    void startedHigherPriorityThreadPreemptsAComputingLowerOne() {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean lowRunning = new AtomicBoolean();
        UserThread low = scheduler.thread().name("low").priority(2).start(() -> computeUntil(stop, lowRunning, events));
        awaitCondition("low to compute", lowRunning::get);
        UserThread high = scheduler.thread().name("high").priority(9).start(() -> {
            events.add("high ran");
            stop.set(true);
        });
        join(high);
        join(low);
        assertEquals(List.of("high ran", "low saw stop"), events);
        assertPreempted();
    }

    @Test
    void unparkedHigherPriorityThreadPreemptsAComputingLowerOne() {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean go = new AtomicBoolean();
        UserThread high = scheduler.thread().name("high").priority(9).start(() -> {
            while (!go.get()) {
                UserThread.park();
            }
            events.add("high ran");
            stop.set(true);
        });
        TestSupport.awaitParked(high);
        AtomicBoolean lowRunning = new AtomicBoolean();
        UserThread low = scheduler.thread().name("low").priority(2).start(() -> computeUntil(stop, lowRunning, events));
        awaitCondition("low to compute", lowRunning::get);
        go.set(true);
        high.unpark(); // from this platform thread
        join(high);
        join(low);
        assertEquals(List.of("high ran", "low saw stop"), events);
        assertPreempted();
    }

    @Test
    void highPriorityThreadWokenByItsTimerPreemptsALowerOne() {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean lowRunning = new AtomicBoolean();
        UserThread high = scheduler.thread().name("high").priority(9).start(() -> {
            try {
                while (!lowRunning.get()) {
                    UserThread.sleep(Duration.ofMillis(1)); // wakes by the timer while low computes
                }
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            events.add("high ran");
            stop.set(true);
        });
        UserThread low = scheduler.thread().name("low").priority(2).start(() -> computeUntil(stop, lowRunning, events));
        join(high);
        join(low);
        assertEquals(List.of("high ran", "low saw stop"), events);
        assertPreempted();
    }

    /** Computes, polling only checkpoint(): never yields the processor by itself. */
    private static void computeUntil(AtomicBoolean stop, AtomicBoolean running, List<String> events) {
        running.set(true);
        long deadline = System.nanoTime() + TestSupport.HANG.toNanos();
        long x = 0;
        while (!stop.get()) {
            x += x * 31 + 7;
            UserThread.checkpoint();
            if (System.nanoTime() - deadline > 0) {
                events.add("low gave up waiting for the high-priority thread (hang guard): " + x);
                return;
            }
        }
        events.add("low saw stop");
    }

    private void assertPreempted() {
        assertTrue(scheduler.stats().preemptRequests() >= 1, () -> "the policy asked for a preemption: " + scheduler.stats());
        assertTrue(scheduler.stats().preemptions() >= 1, () -> "a thread was stopped at a safepoint: " + scheduler.stats());
        assertTrue(kernel.stats().preemptions() >= 1, () -> "the kernel raised the signal: " + kernel.stats());
    }
}
