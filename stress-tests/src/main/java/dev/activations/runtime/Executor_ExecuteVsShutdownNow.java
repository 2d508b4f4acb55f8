package dev.activations.runtime;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIIII_Result;

/**
 * The executor facade: {@code execute} racing {@code shutdownNow}. The executor is the JDK's
 * thread-per-task executor over our Java threads: an accepted Runnable has its own thread,
 * already started, so {@code shutdownNow} cannot take it back (it returns an empty list) and
 * only interrupts it; a task that ignores interrupts, like this one, runs to its end. So an
 * accepted task runs exactly once, a refused one gets {@link RejectedExecutionException} and
 * never runs, and the executor terminates.
 *
 * <p>Result: accepted (1) or rejected (0); runs; what shutdownNow returned (0 nothing, 1 this
 * task, 10 something else); terminated within 5 s (1); scheduler errors (0); the task ran with
 * its interrupt status set by shutdownNow (1) or not (0).
 *
 * <p>Fails if: an accepted task's Java thread is lost (a start submission never run: e.g.
 * {@code JavaThreads.submit}'s external branch without {@code s.signalWork()}), "1, 0, ...".
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t Executor_ExecuteVsShutdownNow}
 */
@JCStressTest
@Outcome(id = "1, 1, 0, 1, 0, 0", expect = ACCEPTABLE, desc = "accepted and ran once (any interrupt came after it looked)")
@Outcome(id = "1, 1, 0, 1, 0, 1", expect = ACCEPTABLE_INTERESTING, desc = "accepted and ran once, interrupted by shutdownNow (a started task is interrupted, not taken back)")
@Outcome(id = "0, 0, 0, 1, 0, 0", expect = ACCEPTABLE, desc = "refused; never ran")
@Outcome(id = "1, 0, .*", expect = FORBIDDEN, desc = "accepted task lost: it never ran (shutdownNow returns no tasks here, so an accepted one must run)")
@Outcome(id = "[01], [01], [^0], .*", expect = FORBIDDEN, desc = "shutdownNow returned a task: a thread-per-task executor starts every accepted task and queues none")
@Outcome(id = "0, [^0], .*", expect = FORBIDDEN, desc = "refused task ran")
@Outcome(expect = FORBIDDEN, desc = "ran twice, no termination, or the scheduler failed")
@State
public class Executor_ExecuteVsShutdownNow {
    final ExecutorService ex = Activations.newExecutor(StressRuntime.SCHEDULER);
    final AtomicInteger runs = new AtomicInteger();
    volatile int interrupted;
    final Runnable task = () -> {
        interrupted = Thread.currentThread().isInterrupted() ? 1 : 0;
        runs.incrementAndGet();
    };
    int accepted;
    List<Runnable> returned;

    @Actor
    public void execute() {
        try {
            ex.execute(task);
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
        r.r3 = returned.isEmpty() ? 0 : returned.size() == 1 && returned.get(0) == task ? 1 : 10;
        r.r4 = terminated ? 1 : 0;
        r.r5 = StressRuntime.errors() == 0 ? 0 : 1;
        r.r6 = interrupted;
    }
}
