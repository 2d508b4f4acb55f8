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
 * Park/unpark never loses a wake-up across address spaces: the unparker is a user thread of
 * another scheduler on the same kernel, so the woken thread goes to its own scheduler's
 * global queue ({@code pushExternal}) and that scheduler must find a processor for it (it may
 * have none at that moment: the two spaces share two VPs).
 *
 * <p>Result: both finished (1/0), park returns (1), state seen by the unparker before its
 * unpark (0 NEW .. 4 PARKED), scheduler errors (0).
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t UserThread_UnparkFromOtherScheduler}
 */
@JCStressTest
@Outcome(id = "1, 1, [01], 0", expect = ACCEPTABLE, desc = "unpark before the parker ran: park returned at once")
@Outcome(id = "1, 1, [23], 0", expect = ACCEPTABLE_INTERESTING, desc = "unpark while the parker was running or parking")
@Outcome(id = "1, 1, 4, 0", expect = ACCEPTABLE, desc = "unpark after the parker parked: queued in its own scheduler and resumed")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "lost wake-up: a thread did not finish within 5 s")
@Outcome(id = ".*, [^0]", expect = FORBIDDEN, desc = "a scheduler failed (a user thread or an upcall threw)")
@Outcome(expect = FORBIDDEN, desc = "park returned a number of times other than once, or before the unpark")
@State
public class UserThread_UnparkFromOtherScheduler {
    int parkReturns;
    int seen;
    final UserThread parker = StressRuntime.unstarted(() -> {
        UserThread.park();
        parkReturns++;
    });
    final UserThread unparker = StressRuntime.OTHER.thread().unstarted(() -> {
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
