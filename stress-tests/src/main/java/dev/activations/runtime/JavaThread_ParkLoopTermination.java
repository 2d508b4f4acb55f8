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
 * Lost wake-up check for Java threads in jcstress's termination mode, unparker a platform
 * thread: a Java thread of {@link StressRuntime#SCHEDULER} parks ({@code LockSupport.park},
 * which unmounts it) in a loop until a flag is set; the signal, a platform thread, sets the
 * flag and unparks it once. The JDK re-submits the thread through our executor; from a platform
 * thread {@code JavaThreads.submit} takes the external path (global queue, then
 * {@code Scheduler.signalWork}), and an idle processor must be woken for it. The actor (a
 * platform thread) starts the Java thread and joins it; it must always terminate.
 *
 * <p>Fails if: {@code JavaThreads.submit}'s external branch does not call
 * {@code s.signalWork()} after {@code queues.pushExternal(t)}: when both processors have gone
 * idle in the kernel, the re-submitted thread (or its first submission, also external here)
 * waits in the global queue for ever and the actor is STALE.
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t JavaThread_ParkLoopTermination}
 */
@JCStressTest(Mode.Termination)
@Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "the parked Java thread woke up and finished")
@Outcome(id = "STALE", expect = FORBIDDEN, desc = "lost wake-up: the Java thread stays parked (or queued, unrun) after the unpark")
@State
public class JavaThread_ParkLoopTermination {
    volatile boolean go;
    final Thread t = StressRuntime.SCHEDULER.ofVirtual().unstarted(() -> {
        while (!go) {
            LockSupport.park();
        }
    });

    @Actor
    public void startAndJoin() {
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new IllegalStateException("interrupted while the Java thread was still parked", e);
        }
    }

    @Signal
    public void wake() {
        go = true;
        LockSupport.unpark(t);
    }
}
