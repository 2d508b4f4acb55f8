package dev.activations.runtime;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * The executor facade: {@code execute} racing {@code shutdown}. The executor is the JDK's
 * thread-per-task executor over our Java threads: an accepted task has its own thread, already
 * started, and runs exactly once (shutdown lets accepted tasks finish); a refused one gets
 * {@link RejectedExecutionException} and never runs; the executor terminates after the last
 * accepted task, whichever of the two finishes last.
 *
 * <p>Result: accepted (1) or rejected (0), runs, terminated within 5 s (1), scheduler errors (0).
 *
 * <p>Fails if: an accepted task's Java thread is lost (e.g. {@code JavaThreads.submit}'s
 * external branch without {@code s.signalWork()}): "1, 0, 0, 0".
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t Executor_ExecuteVsShutdown}
 */
@JCStressTest
@Outcome(id = "1, 1, 1, 0", expect = ACCEPTABLE, desc = "accepted before the shutdown; ran once; terminated after it")
@Outcome(id = "0, 0, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "refused after the shutdown; never ran")
@Outcome(id = "1, 0, .*", expect = FORBIDDEN, desc = "accepted task lost")
@Outcome(id = "0, [^0], .*", expect = FORBIDDEN, desc = "refused task ran")
@Outcome(id = "[01], [01], 0, .*", expect = FORBIDDEN, desc = "lost termination: the executor never terminated")
@Outcome(expect = FORBIDDEN, desc = "ran twice, or the scheduler failed")
@State
public class Executor_ExecuteVsShutdown {
    final ExecutorService ex = Activations.newExecutor(StressRuntime.SCHEDULER);
    final AtomicInteger runs = new AtomicInteger();
    int accepted;

    @Actor
    public void execute() {
        try {
            ex.execute(runs::incrementAndGet);
            accepted = 1;
        } catch (RejectedExecutionException e) {
            accepted = 0;
        }
    }

    @Actor
    public void shutdown() {
        ex.shutdown();
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        boolean terminated;
        try {
            terminated = ex.awaitTermination(StressRuntime.LOST_AFTER.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            terminated = false;
        }
        r.r1 = accepted;
        r.r2 = runs.get();
        r.r3 = terminated ? 1 : 0;
        r.r4 = StressRuntime.errors() == 0 ? 0 : 1;
    }
}
