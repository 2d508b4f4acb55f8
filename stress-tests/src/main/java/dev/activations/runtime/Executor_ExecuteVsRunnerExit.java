package dev.activations.runtime;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The executor's runner hand-over: a runner that finds the queue empty leaves (decrements the
 * runner count, then re-checks the queue), while {@code execute} queues a task and then reads
 * the count to decide whether to start a runner. A task queued just as the last runner leaves
 * must still run: either the submitter sees the runner gone and starts one, or the leaving
 * runner sees the task and stays.
 *
 * <p>Setup: a fresh executor over the shared scheduler has just been given one task, so its
 * runner is running or leaving when the actors start. Two submitters each execute one more
 * task. Result: tasks that ran within 5 s (3 expected), scheduler errors (0).
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t Executor_ExecuteVsRunnerExit}
 */
@JCStressTest
@Outcome(id = "3, 0", expect = ACCEPTABLE, desc = "every task ran")
@Outcome(expect = FORBIDDEN, desc = "a task was stranded in the queue with no runner left, or the scheduler failed")
@State
public class Executor_ExecuteVsRunnerExit {
    final ExecutorService ex = Activations.newExecutor(StressRuntime.SCHEDULER);
    final Latch allRan = new Latch(3);
    final AtomicInteger ran = new AtomicInteger();

    {
        ex.execute(this::task);
    }

    void task() {
        ran.incrementAndGet();
        allRan.countDown();
    }

    @Actor
    public void submitter1() {
        ex.execute(this::task);
    }

    @Actor
    public void submitter2() {
        ex.execute(this::task);
    }

    @Arbiter
    public void arbiter(II_Result r) {
        try {
            allRan.await(StressRuntime.LOST_AFTER);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        r.r1 = ran.get();
        r.r2 = StressRuntime.errors() == 0 ? 0 : 1;
        ex.shutdown();
        try {
            ex.awaitTermination(StressRuntime.LOST_AFTER.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
