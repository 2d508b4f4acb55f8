package dev.activations.runtime;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.locks.LockSupport;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Closing a scheduler never loses one of its Java threads: a platform thread starts a Java
 * thread, lets it park ({@code LockSupport.park} in a loop until a flag is set; it waits up to
 * 100 µs for that), sets the flag and unparks it, while another platform thread closes the
 * scheduler. Every submission of the thread (its start, its re-submission after the unpark)
 * races the close: {@code JavaThreads.submit} pushes, then reads {@code closing};
 * {@code Scheduler.shutdown} writes {@code closing}, then drains the shared queues
 * ({@code drainOrphans}), and each worker leaving its processor drains its own queues first; a
 * submission that finds the scheduler closing goes to {@code Scheduler.orphan} (the JDK's
 * common pool). Property: the thread always finishes, on our processors or orphaned; its
 * {@code join} returns.
 *
 * <p>Each state has its own scheduler on {@link StressRuntime#KERNEL}. Result: the thread
 * finished within 5 s (1); where its last run ended (1 a carrier of ours, 2 off our carriers:
 * orphaned to the common pool); the unparker saw it parked (1) or not yet (0); errors of the
 * shared schedulers and this one (0).
 *
 * <p>Fails if: {@code Scheduler.shutdown} does not drain ({@code drainOrphans()} removed): a
 * thread queued but not yet taken when the workers left is never run ("0, 0, 0, 0"); or if
 * {@code JavaThreads.submit} drops its second {@code isClosing()} check (push, then read
 * closing, then {@code drainOrphans}): a submission that read "open", then lost the race with
 * the closer's drain, stays in a queue no worker will ever look at. That window is a few
 * instructions wide: the test caught it with a 20 µs spin inserted between the first check and
 * the push (and passes with that spin when the second check is kept).
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t JavaThreads_CloseVsUnpark}
 */
@JCStressTest
@Outcome(id = "1, 1, [01], 0", expect = ACCEPTABLE, desc = "finished on our processors (woken before the close took them)")
@Outcome(id = "1, 2, [01], 0", expect = ACCEPTABLE_INTERESTING, desc = "finished orphaned: a submission after (or drained by) the close ran in the common pool")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "lost thread: it did not finish within 5 s of the close")
@Outcome(id = ".*, [^0]", expect = FORBIDDEN, desc = "a scheduler failed (a thread or an upcall threw)")
@Outcome(expect = FORBIDDEN, desc = "impossible result")
@State
public class JavaThreads_CloseVsUnpark {
    private static final long PARK_WAIT_NANOS = 100_000;

    final Scheduler scheduler = Scheduler.builder()
            .kernel(StressRuntime.KERNEL)
            .name("closing")
            .uncaughtExceptionHandler(StressRuntime::uncaught)
            .build();
    volatile boolean go;
    volatile int endedOn;
    int sawParked;
    final Thread t = scheduler.ofVirtual().unstarted(() -> {
        while (!go) {
            LockSupport.park();
        }
        endedOn = Carrier.worker() != null ? 1 : 2;
    });

    @Actor
    public void startThenUnpark() {
        t.start();
        long until = System.nanoTime() + PARK_WAIT_NANOS;
        while (t.getState() != Thread.State.WAITING && System.nanoTime() - until < 0) {
            Thread.onSpinWait();
        }
        sawParked = t.getState() == Thread.State.WAITING ? 1 : 0;
        go = true;
        LockSupport.unpark(t);
    }

    @Actor
    public void close() {
        scheduler.close();
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r1 = StressRuntime.finished(t) ? 1 : 0;
        r.r2 = endedOn;
        r.r3 = sawParked;
        r.r4 = StressRuntime.errors() + scheduler.space().stats().upcallFailures() == 0 ? 0 : 1;
    }
}
