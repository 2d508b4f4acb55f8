package dev.activations.runtime;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.ThreadLocalRandom;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Timers are never lost and never early: two user threads, started at the same time, each
 * make one timed park (1-500 us, random) that nobody unparks. Their requests race into the
 * timer thread's queue while it may be going idle (it publishes {@code idle}, then re-checks
 * the queue; a requester queues, then reads {@code idle}). Each park must end by its timer,
 * and not before its deadline.
 *
 * <p>Result: both finished (1/0), first park ended no earlier than its deadline (1/0), second
 * likewise, scheduler errors (0).
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t TimerService_TimedParksExpire}
 */
@JCStressTest
@Outcome(id = "1, 1, 1, 0", expect = ACCEPTABLE, desc = "both timers fired, none early")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "a timer was lost: a timed park did not return within 5 s")
@Outcome(id = "1, 0, .*", expect = FORBIDDEN, desc = "the first park returned before its deadline with no unpark")
@Outcome(id = "1, 1, 0, .*", expect = FORBIDDEN, desc = "the second park returned before its deadline with no unpark")
@Outcome(expect = FORBIDDEN, desc = "the scheduler failed (a user thread or an upcall threw)")
@State
public class TimerService_TimedParksExpire {
    final long d1 = 1_000 + ThreadLocalRandom.current().nextLong(500_000);
    final long d2 = 1_000 + ThreadLocalRandom.current().nextLong(500_000);
    int onTime1;
    int onTime2;
    final UserThread t1 = StressRuntime.unstarted(() -> {
        long t0 = System.nanoTime();
        UserThread.parkNanos(d1);
        onTime1 = System.nanoTime() - t0 >= d1 ? 1 : 0;
    });
    final UserThread t2 = StressRuntime.unstarted(() -> {
        long t0 = System.nanoTime();
        UserThread.parkNanos(d2);
        onTime2 = System.nanoTime() - t0 >= d2 ? 1 : 0;
    });

    @Actor
    public void first() {
        t1.start();
    }

    @Actor
    public void second() {
        t2.start();
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r1 = StressRuntime.finished(t1) & StressRuntime.finished(t2) ? 1 : 0;
        r.r2 = onTime1;
        r.r3 = onTime2;
        r.r4 = StressRuntime.errors() == 0 ? 0 : 1;
    }
}
