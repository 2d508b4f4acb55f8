package dev.activations.runtime;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
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
 * The executor facade: {@code submit} racing {@code shutdownNow}. Every accepted task runs
 * exactly once or is returned by {@code shutdownNow} (as its future), never both, never
 * neither; every refused one gets {@link RejectedExecutionException} and never runs; the
 * executor terminates either way.
 *
 * <p>Each state has its own executor over the shared scheduler
 * ({@code Activations.newExecutor(Scheduler)}). Result: accepted (1) or rejected (0), runs,
 * returned by shutdownNow (0/1), terminated within 5 s (1), scheduler errors (0).
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t Executor_SubmitVsShutdownNow}
 */
@JCStressTest
@Outcome(id = "1, 1, 0, 1, 0", expect = ACCEPTABLE, desc = "accepted and ran once")
@Outcome(id = "1, 0, 1, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "accepted, then taken back by shutdownNow before it started")
@Outcome(id = "0, 0, 0, 1, 0", expect = ACCEPTABLE, desc = "refused with RejectedExecutionException; never ran")
@Outcome(id = "1, 0, 0, .*", expect = FORBIDDEN, desc = "accepted task lost: neither ran nor returned")
@Outcome(id = "1, 1, 1, .*", expect = FORBIDDEN, desc = "accepted task both ran and was returned")
@Outcome(id = "0, [^0], .*", expect = FORBIDDEN, desc = "refused task ran")
@Outcome(id = "0, 0, [^0], .*", expect = FORBIDDEN, desc = "refused task returned by shutdownNow")
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
    public void arbiter(IIIII_Result r) {
        boolean terminated;
        try {
            terminated = ex.awaitTermination(StressRuntime.LOST_AFTER.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            terminated = false;
        }
        r.r1 = accepted;
        r.r2 = runs.get();
        r.r3 = returned.size() == 1 && returned.get(0) == future ? 1 : returned.size() * 10;
        r.r4 = terminated ? 1 : 0;
        r.r5 = StressRuntime.errors() == 0 ? 0 : 1;
    }
}
