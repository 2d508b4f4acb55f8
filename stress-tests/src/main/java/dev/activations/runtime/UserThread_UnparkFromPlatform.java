package dev.activations.runtime;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Park/unpark never loses a wake-up when the unparker is a platform thread.
 *
 * <p>A user thread parks once; a platform thread unparks it once, racing the thread's start,
 * its park (RUNNING -> PARKING -> PARKED) and its unmount. Whatever the interleaving, park
 * must return exactly once and the thread must finish. r3 is the state the unparker saw just
 * before its unpark, so the outcomes show which window each race hit.
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t UserThread_UnparkFromPlatform}
 */
@JCStressTest
@Outcome(id = "1, 1, [01], 0", expect = ACCEPTABLE, desc = "unpark before the thread ran (NEW/RUNNABLE): park returned at once")
@Outcome(id = "1, 1, [23], 0", expect = ACCEPTABLE_INTERESTING, desc = "unpark while running or parking: the permit cut the park short")
@Outcome(id = "1, 1, 4, 0", expect = ACCEPTABLE, desc = "unpark after the thread parked: it was re-queued and resumed")
@Outcome(id = "1, 1, 5, 0", expect = FORBIDDEN, desc = "the thread finished before it was unparked: park returned without an unpark")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "lost wake-up: the thread is still parked 5 s after the unpark")
@Outcome(id = "1, [^1], .*", expect = FORBIDDEN, desc = "park returned a number of times other than once")
@Outcome(id = ".*, [^0]", expect = FORBIDDEN, desc = "the scheduler failed (a user thread or an upcall threw)")
@State
public class UserThread_UnparkFromPlatform {
    int parkReturns; // written by t, read by the arbiter after join (Gate: happens-before)
    final UserThread t = StressRuntime.unstarted(() -> {
        UserThread.park();
        parkReturns++;
    });

    @Actor
    public void starter() {
        t.start();
    }

    @Actor
    public void unparker(IIII_Result r) {
        r.r3 = t.rawState();
        t.unpark();
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r1 = StressRuntime.finished(t) ? 1 : 0;
        r.r2 = parkReturns;
        r.r4 = StressRuntime.errors() == 0 ? 0 : 1;
    }
}
