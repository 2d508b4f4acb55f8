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
 * A Java thread woken by a Java thread of another scheduler runs on its own scheduler's
 * processors. The unparker is mounted on a carrier of {@link StressRuntime#OTHER}; the JDK calls
 * the parker's executor ({@link StressRuntime#SCHEDULER}'s) from there, and
 * {@code JavaThreads.submit} must treat that as an outside submission (global queue of the
 * parker's scheduler, then {@code signalWork}), never use the hand-off slot of the carrier it
 * happens to run on: that worker belongs to the other address space, which would then run the
 * thread on its processors, under its priority and its share of the kernel.
 *
 * <p>The parker parks ({@code LockSupport.park}) in a loop until a flag is set. Result: both
 * finished within 5 s (1); the scheduler whose carrier ran the parker's last run (1 its own, 2
 * the unparker's, 3 none: off our carriers); the unparker saw the parker parked (1) or not yet
 * (0); scheduler errors (0).
 *
 * <p>Fails if: {@code JavaThreads.submit} drops its {@code w.scheduler == s} test (any
 * mounted strand on any of our carriers counts as "mounted here"): the woken thread goes into
 * the other scheduler's worker's hand-off slot and runs there ("1, 2, 1, 0").
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t JavaThreads_UnparkFromOtherSchedulerRunsHome}
 */
@JCStressTest
@Outcome(id = "1, 1, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "woken while parked: re-submitted to its own scheduler and ran there")
@Outcome(id = "1, 1, 0, 0", expect = ACCEPTABLE, desc = "unparked before it parked (the permit made park return, or the flag was seen first): ran on its own scheduler")
@Outcome(id = "1, 2, .*", expect = FORBIDDEN, desc = "the woken thread ran on the unparker's scheduler")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "lost wake-up: a thread did not finish within 5 s")
@Outcome(expect = FORBIDDEN, desc = "ran off our carriers, or a scheduler failed")
@State
public class JavaThreads_UnparkFromOtherSchedulerRunsHome {
    volatile boolean go;
    volatile int ranOn;
    int sawParked;
    final Thread parker = StressRuntime.SCHEDULER.ofVirtual().unstarted(() -> {
        while (!go) {
            LockSupport.park();
        }
        Worker w = Carrier.worker();
        ranOn = w == null ? 3 : w.scheduler == StressRuntime.SCHEDULER ? 1 : w.scheduler == StressRuntime.OTHER ? 2 : 4;
    });
    final Thread waker = StressRuntime.OTHER.ofVirtual().unstarted(() -> {
        sawParked = parker.getState() == Thread.State.WAITING ? 1 : 0;
        go = true;
        LockSupport.unpark(parker);
    });

    @Actor
    public void startParker() {
        parker.start();
    }

    @Actor
    public void startWaker() {
        waker.start();
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r1 = StressRuntime.finished(parker) & StressRuntime.finished(waker) ? 1 : 0;
        r.r2 = ranOn;
        r.r3 = sawParked;
        r.r4 = StressRuntime.errors() == 0 ? 0 : 1;
    }
}
