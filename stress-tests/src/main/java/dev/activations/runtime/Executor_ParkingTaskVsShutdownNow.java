package dev.activations.runtime;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.CountDownLatch;
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
 * The executor facade ({@code Activations.newExecutor(Scheduler)}, the JDK's thread-per-task
 * executor over our Java threads): a task that waits ({@code CountDownLatch.await}, which parks
 * and unmounts its Java thread) for something that never comes races {@code shutdownNow()},
 * whose only way to end it is the interrupt it sends every running task thread. Property: the
 * executor always terminates: an accepted task runs to its end, having been interrupted
 * (before it waited, or while parked: then the JDK's unpark re-submits the thread from the
 * platform thread that called {@code shutdownNow}, and it must run again); a refused one never
 * runs; {@code shutdownNow} returns nothing (a thread-per-task executor queues no task).
 *
 * <p>Each state has its own executor over the shared scheduler. Result: accepted (1) or
 * refused (0); how the task ended (0 never ran, 1 interrupted before its body started, 2
 * interrupted after, mostly while parked; more: it ran twice or its wait ended otherwise); tasks returned by shutdownNow (0); terminated within 5 s (1);
 * scheduler errors (0).
 *
 * <p>Fails if: {@code ActivationsExecutor.shutdownNow} stops interrupting (e.g. calls
 * {@code tasks.shutdown()} and returns an empty list): the waiting task never ends ("1, 0, 0,
 * 0, 0"); or if {@code JavaThreads.submit}'s external branch does not call
 * {@code s.signalWork()}: the interrupted thread's re-submission (or its start) waits for ever
 * in the global queue once the processors are idle.
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t Executor_ParkingTaskVsShutdownNow}
 */
@JCStressTest
@Outcome(id = "1, 2, 0, 1, 0", expect = ACCEPTABLE, desc = "accepted; interrupted after it started (mostly: parked, woken by the interrupt), ran to its end; terminated")
@Outcome(id = "1, 1, 0, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "accepted; interrupted before its body ran (its thread registered, perhaps started and queued, not yet run); terminated")
@Outcome(id = "0, 0, 0, 1, 0", expect = ACCEPTABLE, desc = "refused after shutdownNow; never ran")
@Outcome(id = "1, 0, .*", expect = FORBIDDEN, desc = "accepted task lost: it never ran, or stays parked after the interrupt")
@Outcome(id = "0, [^0], .*", expect = FORBIDDEN, desc = "refused task ran")
@Outcome(id = "[01], [0-2], 0, 0, .*", expect = FORBIDDEN, desc = "lost termination: the executor never terminated")
@Outcome(expect = FORBIDDEN, desc = "the task ran twice, shutdownNow returned tasks, or the scheduler failed")
@State
public class Executor_ParkingTaskVsShutdownNow {
    final ExecutorService ex = Activations.newExecutor(StressRuntime.SCHEDULER);
    final CountDownLatch never = new CountDownLatch(1);
    final AtomicInteger ended = new AtomicInteger();
    int accepted;
    int returned;

    @Actor
    public void execute() {
        try {
            ex.execute(() -> {
                boolean early = Thread.currentThread().isInterrupted();
                try {
                    never.await();
                    ended.addAndGet(100); // nobody counts the latch down
                } catch (InterruptedException e) {
                    ended.addAndGet(early ? 1 : 2);
                }
            });
            accepted = 1;
        } catch (RejectedExecutionException e) {
            accepted = 0;
        }
    }

    @Actor
    public void shutdownNow() {
        returned = ex.shutdownNow().size();
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
        r.r2 = ended.get();
        r.r3 = returned;
        r.r4 = terminated ? 1 : 0;
        r.r5 = StressRuntime.errors() == 0 ? 0 : 1;
    }
}
