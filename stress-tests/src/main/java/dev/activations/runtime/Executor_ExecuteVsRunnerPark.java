package dev.activations.runtime;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.ExecutorService;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The executor's compensation for a parked runner, on one processor: the only runner is about
 * to park inside a task that waits for a second task, while that second task is submitted.
 * The runner counts itself waiting, then looks at the queue; the submitter queues, then reads
 * the counts. Either the runner sees the task and starts another runner, or the submitter sees
 * no free runner and starts one: the second task runs and the first finishes. A lost race here
 * is a deadlock a thread per task would not have.
 *
 * <p>Setup: a fresh executor over a one-processor scheduler has been given the waiting task,
 * so its runner is starting, running or parking when the actor submits the releasing task.
 * Result: whether the waiting task finished within 5 s (1), scheduler errors (0).
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t Executor_ExecuteVsRunnerPark}
 */
@JCStressTest
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the releasing task got a runner; the waiting task finished")
@Outcome(expect = FORBIDDEN, desc = "deadlock: the releasing task stayed queued behind the parked runner, or the scheduler failed")
@State
public class Executor_ExecuteVsRunnerPark {
    final ExecutorService ex = Activations.newExecutor(StressRuntime.OneProcessor.SCHEDULER);
    final Latch release = new Latch(1);
    final Latch finished = new Latch(1);

    {
        ex.execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                return;
            }
            finished.countDown();
        });
    }

    @Actor
    public void submitter() {
        ex.execute(release::countDown);
    }

    @Arbiter
    public void arbiter(II_Result r) {
        boolean done;
        try {
            done = finished.await(StressRuntime.LOST_AFTER);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done = false;
        }
        r.r1 = done ? 1 : 0;
        r.r2 = StressRuntime.OneProcessor.errors() == 0 ? 0 : 1;
        ex.shutdownNow();
    }
}
