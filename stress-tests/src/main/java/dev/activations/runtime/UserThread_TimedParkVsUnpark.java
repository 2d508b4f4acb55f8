package dev.activations.runtime;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.ThreadLocalRandom;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Timers: an {@code unpark} races the expiry of a timed park. Both try to move the thread
 * PARKED -> RUNNABLE and queue it; exactly one may (a thread queued twice would be mounted
 * twice, which the scheduler reports as an error). Park returns once and the thread finishes.
 *
 * <p>The user thread parks for 300 us; a platform thread unparks it after a random delay of
 * 0-600 us, so the unpark lands before the park, during it, around its expiry (timer ticks are
 * ~262 us) or after it. Result: finished (1/0), park returns (1), whether the park ran to its
 * deadline (1, the timer woke it or the unpark came as late) or was cut short (0), scheduler
 * errors (0).
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t UserThread_TimedParkVsUnpark}
 */
@JCStressTest
@Outcome(id = "1, 1, 0, 0", expect = ACCEPTABLE, desc = "the unpark ended the park before its deadline")
@Outcome(id = "1, 1, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "the park reached its deadline (timer, or an unpark as late)")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "lost: neither the timer nor the unpark resumed the thread within 5 s")
@Outcome(id = ".*, [^0]", expect = FORBIDDEN, desc = "the scheduler failed: the thread was queued twice or an upcall threw")
@Outcome(expect = FORBIDDEN, desc = "park returned a number of times other than once")
@State
public class UserThread_TimedParkVsUnpark {
    static final long PARK_NANOS = 300_000;
    final long delay = ThreadLocalRandom.current().nextLong(600_000);
    int parkReturns;
    int reachedDeadline;
    final UserThread t = StressRuntime.unstarted(() -> {
        long t0 = System.nanoTime();
        UserThread.parkNanos(PARK_NANOS);
        reachedDeadline = System.nanoTime() - t0 >= PARK_NANOS ? 1 : 0;
        parkReturns++;
    });

    @Actor
    public void starter() {
        t.start();
    }

    @Actor
    public void unparker() {
        long until = System.nanoTime() + delay;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
        t.unpark();
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r1 = StressRuntime.finished(t) ? 1 : 0;
        r.r2 = parkReturns;
        r.r3 = reachedDeadline;
        r.r4 = StressRuntime.errors() == 0 ? 0 : 1;
    }
}
