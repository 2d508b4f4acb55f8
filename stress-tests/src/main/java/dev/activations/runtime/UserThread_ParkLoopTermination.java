package dev.activations.runtime;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

/**
 * Lost wake-up check in jcstress's termination mode: a user thread parks in a loop until a
 * flag is set; a platform thread sets the flag and unparks it once. The actor (a platform
 * thread) starts the user thread and joins it; it must always terminate. A lost wake-up leaves
 * the user thread parked for ever and the actor STALE.
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t UserThread_ParkLoopTermination}
 */
@JCStressTest(Mode.Termination)
@Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "the parked user thread woke up and finished")
@Outcome(id = "STALE", expect = FORBIDDEN, desc = "lost wake-up: the user thread stays parked after the unpark")
@State
public class UserThread_ParkLoopTermination {
    volatile boolean go;
    final UserThread t = StressRuntime.unstarted(() -> {
        while (!go) {
            UserThread.park();
        }
    });

    @Actor
    public void startAndJoin() {
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new IllegalStateException("interrupted while the user thread was still parked", e);
        }
    }

    @Signal
    public void wake() {
        go = true;
        t.unpark();
    }
}
