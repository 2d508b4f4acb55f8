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
import org.openjdk.jcstress.infra.results.IIIII_Result;

/**
 * The executor facade: {@code execute} racing {@code shutdownNow}. An accepted Runnable runs
 * exactly once or is returned, itself, in {@code shutdownNow}'s list; a refused one gets
 * {@link RejectedExecutionException}; the executor terminates.
 *
 * <p>Result: accepted (1) or rejected (0), runs, the very Runnable returned by shutdownNow
 * (1) or nothing returned (0), terminated within 5 s (1), scheduler errors (0).
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t Executor_ExecuteVsShutdownNow}
 */
@JCStressTest
@Outcome(id = "1, 1, 0, 1, 0", expect = ACCEPTABLE, desc = "accepted and ran once")
@Outcome(id = "1, 0, 1, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "accepted, then returned by shutdownNow before it started")
@Outcome(id = "0, 0, 0, 1, 0", expect = ACCEPTABLE, desc = "refused; never ran")
@Outcome(id = "1, 0, 0, .*", expect = FORBIDDEN, desc = "accepted task lost: neither ran nor returned")
@Outcome(id = "1, 1, 1, .*", expect = FORBIDDEN, desc = "accepted task both ran and was returned")
@Outcome(id = "0, [^0], .*", expect = FORBIDDEN, desc = "refused task ran")
@Outcome(expect = FORBIDDEN, desc = "a task returned that is not the one given, ran twice, no termination, or the scheduler failed")
@State
public class Executor_ExecuteVsShutdownNow {
    final ExecutorService ex = Activations.newExecutor(StressRuntime.SCHEDULER);
    final AtomicInteger runs = new AtomicInteger();
    final Runnable task = runs::incrementAndGet;
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
    public void arbiter(IIIII_Result r) {
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
    }
}
