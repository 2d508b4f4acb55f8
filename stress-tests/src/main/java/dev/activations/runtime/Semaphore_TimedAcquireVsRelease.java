package dev.activations.runtime;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * {@link Semaphore}: a timed acquire giving up races the release that would satisfy it. The
 * permit is granted to the waiter (under the guard) or stays in the semaphore, never both and
 * never neither: if {@code tryAcquire} says true, the waiter has it and the semaphore is at 0;
 * if false, the semaphore has it back.
 *
 * <p>Setup: 0 permits; a user thread calls {@code tryAcquire(1, 0-200 us)}, a platform thread
 * releases 1. Result: tryAcquire's answer (1/0), permits left (0/1), finished + no scheduler
 * error (1).
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t Semaphore_TimedAcquireVsRelease}
 */
@JCStressTest
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "the waiter got the permit")
@Outcome(id = "0, 1, 1", expect = ACCEPTABLE_INTERESTING, desc = "the waiter timed out; the permit stayed in the semaphore")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "permit duplicated: the waiter has it and so does the semaphore")
@Outcome(id = "0, 0, .*", expect = FORBIDDEN, desc = "permit lost: the waiter timed out and the semaphore is empty")
@Outcome(expect = FORBIDDEN, desc = "the waiter never returned, or the scheduler failed")
@State
public class Semaphore_TimedAcquireVsRelease {
    final Semaphore sem = new Semaphore(0);
    final long timeout = ThreadLocalRandom.current().nextLong(200_000);
    int got;
    final UserThread waiter = StressRuntime.unstarted(() -> {
        try {
            got = sem.tryAcquire(1, Duration.ofNanos(timeout)) ? 1 : 0;
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    });

    @Actor
    public void acquirer() {
        waiter.start();
    }

    @Actor
    public void releaser() {
        sem.release();
    }

    @Arbiter
    public void arbiter(III_Result r) {
        boolean done = StressRuntime.finished(waiter);
        r.r1 = got;
        r.r2 = sem.availablePermits();
        r.r3 = done && StressRuntime.errors() == 0 ? 1 : 0;
    }
}
