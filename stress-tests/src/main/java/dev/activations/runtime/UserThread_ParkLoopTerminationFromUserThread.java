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
 * Lost wake-up check in jcstress's termination mode, user thread to user thread: one user
 * thread parks in a loop until a flag is set; the signal starts another user thread that sets
 * the flag and unparks it. The actor starts the parker and joins it; it must always terminate.
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t UserThread_ParkLoopTerminationFromUserThread}
 */
@JCStressTest(Mode.Termination)
@Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "the parked user thread woke up and finished")
@Outcome(id = "STALE", expect = FORBIDDEN, desc = "lost wake-up: the user thread stays parked after the unpark")
@State
public class UserThread_ParkLoopTerminationFromUserThread {
    volatile boolean go;
    final UserThread parker = StressRuntime.unstarted(() -> {
        while (!go) {
            UserThread.park();
        }
    });
    final UserThread waker = StressRuntime.unstarted(() -> {
        go = true;
        parker.unpark();
    });

    @Actor
    public void startAndJoin() {
        parker.start();
        try {
            parker.join();
        } catch (InterruptedException e) {
            throw new IllegalStateException("interrupted while the user thread was still parked", e);
        }
    }

    @Signal
    public void wake() {
        waker.start();
    }
}
