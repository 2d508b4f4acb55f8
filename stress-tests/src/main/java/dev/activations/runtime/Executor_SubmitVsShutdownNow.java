package dev.activations.runtime;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIIII_Result;

/**
 * The executor facade: {@code submit} racing {@code shutdownNow}. The executor is the JDK's
 * thread-per-task executor over our Java threads: an accepted task's future is bound to its own
 * thread, already started; {@code shutdownNow} interrupts that thread and returns an empty list
 * (it neither cancels the future nor hands the task back). So an accepted task runs exactly
 * once and its future completes normally (this task ignores interrupts); a refused one gets
 * {@link RejectedExecutionException} and never runs; the executor terminates either way.
 *
 * <p>Each state has its own executor over the shared scheduler
 * ({@code Activations.newExecutor(Scheduler)}). Result: accepted (1) or rejected (0); runs;
 * tasks returned by shutdownNow (0); terminated within 5 s (1); scheduler errors (0); the
 * future of an accepted task: 1 completed normally, 2 cancelled or failed, 3 not done within
 * 5 s (0 when refused).
 *
 * <p>Fails if: an accepted task's Java thread is lost (a start submission never run: e.g.
 * {@code JavaThreads.submit}'s external branch without {@code s.signalWork()}): "1, 0, ...".
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t Executor_SubmitVsShutdownNow}
 */
@JCStressTest
@Outcome(id = "1, 1, 0, 1, 0, 1", expect = ACCEPTABLE, desc = "accepted, ran once, its future completed; terminated")
@Outcome(id = "0, 0, 0, 1, 0, 0", expect = ACCEPTABLE, desc = "refused with RejectedExecutionException after shutdownNow; never ran")
@Outcome(id = "1, 0, .*", expect = FORBIDDEN, desc = "accepted task lost: it never ran (shutdownNow returns no tasks here, so an accepted one must run)")
@Outcome(id = "[01], [01], [^0], .*", expect = FORBIDDEN, desc = "shutdownNow returned tasks: a thread-per-task executor starts every accepted task and queues none")
@Outcome(id = "0, [^0], .*", expect = FORBIDDEN, desc = "refused task ran")
@Outcome(id = "1, 1, 0, 1, 0, [^1]", expect = FORBIDDEN, desc = "the task ran, but its future was cancelled, failed or never completed")
@Outcome(expect = FORBIDDEN, desc = "ran twice, executor never terminated, or the scheduler failed")
@State
public class Executor_SubmitVsShutdownNow {
    final ExecutorService ex = Activations.newExecutor(StressRuntime.SCHEDULER);
    final AtomicInteger runs = new AtomicInteger();
    int accepted;
    Future<?> future;
    List<Runnable> returned;

    @Actor
    public void submit() {
        try {
            future = ex.submit(runs::incrementAndGet);
            accepted = 1;
        } catch (RejectedExecutionException e) {
            accepted = 0;
        }
    }

    @Actor
    public void shutdownNow() {
        returned = ex.shutdownNow();
    }

    @Arbiter
    public void arbiter(IIIIII_Result r) {
        boolean terminated;
        try {
            terminated = ex.awaitTermination(StressRuntime.LOST_AFTER.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            terminated = false;
        }
        r.r1 = accepted;
        r.r2 = runs.get();
        r.r3 = returned.size();
        r.r4 = terminated ? 1 : 0;
        r.r5 = StressRuntime.errors() == 0 ? 0 : 1;
        r.r6 = future == null ? 0 : outcome(future);
    }

    private static int outcome(Future<?> f) {
        try {
            f.get(StressRuntime.LOST_AFTER.toNanos(), TimeUnit.NANOSECONDS);
            return 1;
        } catch (ExecutionException | CancellationException e) {
            return 2;
        } catch (TimeoutException e) {
            return 3;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 3;
        }
    }
}
