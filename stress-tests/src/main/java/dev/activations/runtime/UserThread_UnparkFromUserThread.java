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
 * Park/unpark never loses a wake-up when the unparker is another user thread of the same
 * scheduler: its unpark of a PARKED thread goes to its own worker's hand-off slot
 * ({@code pushWoken}), otherwise it only leaves the permit.
 *
 * <p>Two user threads are started at the same time by two actors: {@code parker} parks once,
 * {@code unparker} unparks it once. Park must return exactly once and both must finish. r3 is
 * the state the unparker saw just before its unpark (0 NEW, 1 RUNNABLE, 2 RUNNING, 3 PARKING,
 * 4 PARKED).
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t UserThread_UnparkFromUserThread}
 */
@JCStressTest
@Outcome(id = "1, 1, [01], 0", expect = ACCEPTABLE, desc = "unpark before the parker ran: park returned at once")
@Outcome(id = "1, 1, [23], 0", expect = ACCEPTABLE_INTERESTING, desc = "unpark while the parker was running or parking: the permit cut the park short")
@Outcome(id = "1, 1, 4, 0", expect = ACCEPTABLE, desc = "unpark after the parker parked: handed off and resumed")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "lost wake-up: the parker or the unparker did not finish within 5 s")
@Outcome(id = "1, 1, 5, 0", expect = FORBIDDEN, desc = "the parker finished before it was unparked")
@Outcome(id = ".*, [^0]", expect = FORBIDDEN, desc = "the scheduler failed (a user thread or an upcall threw)")
@Outcome(expect = FORBIDDEN, desc = "park returned a number of times other than once")
@State
public class UserThread_UnparkFromUserThread {
    int parkReturns;
    int seen;
    final UserThread parker = StressRuntime.unstarted(() -> {
        UserThread.park();
        parkReturns++;
    });
    final UserThread unparker = StressRuntime.unstarted(() -> {
        seen = parker.rawState();
        parker.unpark();
    });

    @Actor
    public void startParker() {
        parker.start();
    }

    @Actor
    public void startUnparker() {
        unparker.start();
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r1 = StressRuntime.finished(parker) & StressRuntime.finished(unparker) ? 1 : 0;
        r.r2 = parkReturns;
        r.r3 = seen;
        r.r4 = StressRuntime.errors() == 0 ? 0 : 1;
    }
}
