package dev.activations.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Issue 17, "allocation users can state", seen through the runtime: two executors of equal
 * priority with shares 3 : 1 that both saturate a 2-processor kernel with checkpoint-free tasks
 * get processor time in about that ratio (the kernel rotates a processor between them; each
 * task end is where a Java thread gives it back); a capped space never holds more than its cap;
 * bad values are refused at the builder, naming the parameter and its range.
 *
 * <p>Processor time is the kernel's own account ({@code AddressSpace.processorNanos()}), read
 * over a window after both spaces are saturated: 2 s, widened up to 8 s on a loaded machine,
 * where the kernel repays debts left by carriers the OS kept from their safepoints
 * ({@link TestSupport#ratio}). The tolerance is the target (±10 %).
 */
class SharesTest extends RuntimeTestBase {
    private final AtomicBoolean running = new AtomicBoolean(true);

    /** ~0.5 ms of computation with no runtime call, then another task: a space that always wants processors. */
    private void saturate(ExecutorService ex) {
        ex.execute(() -> {
            long end = System.nanoTime() + 500_000;
            long x = 0;
            while (System.nanoTime() < end) {
                x += x * 31 + 7;
            }
            if (running.get() && x != 42) {
                saturate(ex);
            }
        });
    }

    @Test
    void sharesThreeToOneGetProcessorTimeThreeToOne() throws Exception {
        Scheduler a = track(Scheduler.builder().kernel(kernel).name("three").share(3).policy(policy()).build());
        Scheduler b = track(Scheduler.builder().kernel(kernel).name("one").share(1).policy(policy()).build());
        try (ExecutorService ea = Activations.newExecutor(a); ExecutorService eb = Activations.newExecutor(b)) {
            for (int i = 0; i < 4; i++) {
                saturate(ea);
                saturate(eb);
            }
            TestSupport.awaitCondition("both spaces to run", () -> a.space().processorNanos() > 0 && b.space().processorNanos() > 0);
            Thread.sleep(300); // past the start-up transient; not a timing assertion
            TestSupport.Ratio ratio = TestSupport.ratio(a.space()::processorNanos, b.space()::processorNanos, 2.7, 3.3);
            running.set(false);
            assertTrue(ratio.value() >= 2.7 && ratio.value() <= 3.3, () -> "processor time three : one, windows from 2 s:" + ratio.windows());
        }
    }

    @Test
    void aCappedSpaceNeverHoldsMoreThanItsCap() throws Exception {
        Scheduler capped = track(Scheduler.builder().kernel(kernel).name("capped").maxProcessors(1).policy(policy()).build());
        try (ExecutorService ex = Activations.newExecutor(capped)) {
            for (int i = 0; i < 8; i++) {
                saturate(ex);
            }
            TestSupport.awaitCondition("the capped space to run", () -> capped.space().processorsHeld() == 1);
            int most = 0;
            for (int i = 0; i < 200; i++) {
                most = Math.max(most, capped.space().processorsHeld());
                Thread.sleep(2);
            }
            running.set(false);
            assertEquals(1, most, "most processors held by a space capped at 1");
        }
    }

    @Test
    void badAllocationValuesAreRefusedAtTheBuilder() {
        IllegalArgumentException share = assertThrows(IllegalArgumentException.class, () -> Scheduler.builder().share(0));
        assertTrue(share.getMessage().startsWith("share must be between 1 and 1000"), share.getMessage());
        IllegalArgumentException min = assertThrows(IllegalArgumentException.class, () -> Scheduler.builder().minProcessors(-1));
        assertTrue(min.getMessage().startsWith("minProcessors"), min.getMessage());
        IllegalArgumentException max = assertThrows(IllegalArgumentException.class, () -> Scheduler.builder().maxProcessors(0));
        assertTrue(max.getMessage().startsWith("maxProcessors"), max.getMessage());
        IllegalArgumentException room = assertThrows(IllegalArgumentException.class,
                () -> Scheduler.builder().kernel(kernel).name("greedy").minProcessors(processors() + 1).build());
        assertTrue(room.getMessage().startsWith("minProcessors"), room.getMessage());
    }
}
