package dev.activations.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: a higher-priority space gets a processor while a lower-priority one saturates
 * every processor with tasks that make no runtime call at all (plain loops, no
 * {@code checkpoint()}), for both thread kinds. The bound is one task: every task boundary is
 * a safepoint (a Java thread's end is an unmount; a user thread's end returns to the worker
 * loop), where the preempted processor goes back to the kernel.
 *
 * <p>How "within the bound" is checked without a clock: the batch tasks count their
 * completions; the web task records how many batch tasks had completed when it was submitted
 * and when it started. The difference must stay small (a processor finishes the task it was
 * running, then gives itself up; the other processor keeps running batch tasks meanwhile):
 * we allow {@link #SLACK}, far below the {@link #BATCH_TASKS} still queued, so the web task
 * cannot simply have waited for the batch to drain.
 */
class SpacePriorityTest extends RuntimeTestBase {
    private static final int BATCH_TASKS = 3_000;
    private static final int SLACK = 40;
    private static final long TASK_NANOS = 1_000_000;

    private final AtomicInteger batchDone = new AtomicInteger();

    /** About 1 ms of computation, with no call into the runtime or the JDK's schedulers. */
    private void batchTask() {
        long end = System.nanoTime() + TASK_NANOS;
        long x = 0;
        while (System.nanoTime() < end) {
            x += x * 31 + 7;
        }
        if (x == 42) {
            System.out.print(""); // keeps x alive
        }
        batchDone.incrementAndGet();
    }

    @Test
    void javaThreadsOfAHigherPrioritySpaceStartWhileALowerOneSaturatesEveryProcessor() throws Exception {
        Scheduler web = newScheduler("web", 8);
        Scheduler batch = newScheduler("batch", 3);
        try (ExecutorService batchEx = Activations.newExecutor(batch);
             ExecutorService webEx = Activations.newExecutor(web)) {
            for (int i = 0; i < BATCH_TASKS; i++) {
                batchEx.execute(this::batchTask);
            }
            awaitSaturated(batch);
            for (int round = 0; round < 5; round++) {
                checkWebStartsWithinTheBound(r -> webEx.execute(r));
            }
            batchEx.shutdownNow(); // the rest need not run
        }
    }

    @Test
    void userThreadsOfAHigherPrioritySpaceStartWhileALowerOneSaturatesEveryProcessor() throws Exception {
        Scheduler web = newScheduler("web", 8);
        Scheduler batch = newScheduler("batch", 3);
        for (int i = 0; i < BATCH_TASKS; i++) {
            batch.start(this::batchTask);
        }
        awaitSaturated(batch);
        for (int round = 0; round < 5; round++) {
            checkWebStartsWithinTheBound(web::start);
        }
    }

    private void awaitSaturated(Scheduler batch) {
        TestSupport.awaitCondition("the batch space to hold every processor",
                () -> batch.space().processorsHeld() == processors() && batchDone.get() > 0);
    }

    private void checkWebStartsWithinTheBound(Consumer<Runnable> submitWeb) {
        AtomicLong doneAtStart = new AtomicLong(-1);
        int doneAtSubmit = batchDone.get();
        submitWeb.accept(() -> doneAtStart.set(batchDone.get()));
        TestSupport.awaitCondition("the web task to start", () -> doneAtStart.get() >= 0);
        long waited = doneAtStart.get() - doneAtSubmit;
        assertTrue(waited <= SLACK, () -> "the web task started only after " + waited
                + " batch tasks completed (bound: the task each processor was running, slack " + SLACK + ")");
        assertTrue(batchDone.get() < BATCH_TASKS, "the batch had not drained (else the test proves nothing)");
    }
}
