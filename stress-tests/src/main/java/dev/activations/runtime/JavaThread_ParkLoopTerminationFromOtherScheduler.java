package dev.activations.runtime;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.locks.LockSupport;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

/**
 * Lost wake-up check for Java threads in jcstress's termination mode, unparker a Java thread
 * of another scheduler on the same kernel: a Java thread of {@link StressRuntime#SCHEDULER}
 * parks ({@code LockSupport.park}) in a loop until a flag is set; the signal starts a Java
 * thread of {@link StressRuntime#OTHER} that sets the flag and unparks it. The unparker is
 * mounted on a carrier of another scheduler, so {@code JavaThreads.submit} must not use that
 * carrier's worker (its queues, its hand-off slot): the woken thread goes to its own
 * scheduler's global queue and that scheduler must get a processor for it (the two spaces share
 * two VPs, so the kernel may have to take one from the unparker's space). The actor starts the
 * parker and joins it; it must always terminate.
 *
 * <p>Fails if: {@code JavaThreads.submit}'s external branch does not call
 * {@code s.signalWork()} after {@code queues.pushExternal(t)}: nothing asks the kernel for a
 * processor for the woken thread and the actor is STALE.
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t JavaThread_ParkLoopTerminationFromOtherScheduler}
 */
@JCStressTest(Mode.Termination)
@Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "the parked Java thread woke up and finished")
@Outcome(id = "STALE", expect = FORBIDDEN, desc = "lost wake-up: the Java thread stays parked (or queued, unrun) after the unpark from the other scheduler")
@State
public class JavaThread_ParkLoopTerminationFromOtherScheduler {
    volatile boolean go;
    final Thread parker = StressRuntime.SCHEDULER.ofVirtual().unstarted(() -> {
        while (!go) {
            LockSupport.park();
        }
    });
    final Thread waker = StressRuntime.OTHER.ofVirtual().unstarted(() -> {
        go = true;
        LockSupport.unpark(parker);
    });

    @Actor
    public void startAndJoin() {
        parker.start();
        try {
            parker.join();
        } catch (InterruptedException e) {
            throw new IllegalStateException("interrupted while the Java thread was still parked", e);
        }
    }

    @Signal
    public void wake() {
        waker.start();
    }
}
