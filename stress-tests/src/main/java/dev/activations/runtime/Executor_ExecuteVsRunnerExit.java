package dev.activations.runtime;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The executor's runner hand-over: a runner that finds the queue empty leaves (decrements the
 * runner count, then re-checks the queue: {@code runnerLeaves}), while {@code execute} queues a
 * task and then reads the count to decide whether to start a runner. A task queued just as the
 * last runner leaves must not be stranded: either the submitter sees the runner gone and
 * starts one, or the leaving runner sees the task and stays for it.
 *
 * <p>Setup: a fresh executor over a one-processor scheduler (one runner is all it keeps while
 * tasks compute) whose runner count says one runner is at work; the first actor plays that
 * runner finding the queue empty, the second submits a task. Result: whether the runner left
 * (1) or stayed (0); if it left, whether the task ran within 5 s on a runner the submitter
 * started (1), else -1 (the actor that stayed owes the task a run; the arbiter takes it back).
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t Executor_ExecuteVsRunnerExit}
 */
@JCStressTest
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the runner left; the submitter saw it gone and started one")
@Outcome(id = "0, -1", expect = ACCEPTABLE, desc = "the runner saw the task and stayed for it")
@Outcome(expect = FORBIDDEN, desc = "the runner left and the task was stranded in the queue")
@State
public class Executor_ExecuteVsRunnerExit {
    private static final VarHandle RUNNERS;

    static {
        try {
            RUNNERS = MethodHandles.privateLookupIn(ActivationsExecutor.class, MethodHandles.lookup())
                    .findVarHandle(ActivationsExecutor.class, "runners", AtomicInteger.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final ActivationsExecutor ex = (ActivationsExecutor) Activations.newExecutor(StressRuntime.OneProcessor.SCHEDULER);
    final Latch ran = new Latch(1);
    boolean left;

    {
        ((AtomicInteger) RUNNERS.get(ex)).incrementAndGet(); // the first actor is this runner
    }

    @Actor
    public void runnerFindsTheQueueEmpty() {
        left = ex.runnerLeaves();
    }

    @Actor
    public void submitter() {
        ex.execute(ran::countDown);
    }

    @Arbiter
    public void arbiter(II_Result r) {
        r.r1 = left ? 1 : 0;
        if (left) {
            boolean done;
            try {
                done = ran.await(StressRuntime.LOST_AFTER);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                done = false;
            }
            r.r2 = done ? 1 : 0;
        } else {
            r.r2 = -1;
        }
        ex.shutdownNow(); // takes back the task a runner that stayed would have run
    }
}
