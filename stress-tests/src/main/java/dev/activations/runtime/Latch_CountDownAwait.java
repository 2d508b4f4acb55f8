package dev.activations.runtime;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * {@link Latch}: a platform thread and a user thread each count down a latch of 2 and then
 * wait on it. Whichever counts down last opens it; both waiters (one parked user thread, one
 * blocked platform thread) pass, none before the count reaches zero.
 *
 * <p>Result: the platform thread passed (1), the user thread passed (1), count seen by each
 * waiter after passing, summed (0), final count + scheduler errors (0).
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t Latch_CountDownAwait}
 */
@JCStressTest
@Outcome(id = "1, 1, 0, 0", expect = ACCEPTABLE, desc = "both passed once the count reached zero")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "lost wake-up: the platform waiter did not pass within 5 s")
@Outcome(id = "1, 0, .*", expect = FORBIDDEN, desc = "lost wake-up: the user-thread waiter did not pass within 5 s")
@Outcome(expect = FORBIDDEN, desc = "a waiter passed before the count reached zero, or the scheduler failed")
@State
public class Latch_CountDownAwait {
    final Latch latch = new Latch(2);
    int platformPassed;
    int countSeenByPlatform;
    int countSeenByUser;
    int userPassed;
    final UserThread user = StressRuntime.unstarted(() -> {
        latch.countDown();
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        countSeenByUser = latch.getCount();
        userPassed = 1;
    });

    @Actor
    public void platform() {
        latch.countDown();
        try {
            platformPassed = latch.await(StressRuntime.LOST_AFTER) ? 1 : 0;
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        countSeenByPlatform = latch.getCount();
    }

    @Actor
    public void userThread() {
        user.start();
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        boolean done = StressRuntime.finished(user);
        r.r1 = platformPassed;
        r.r2 = done ? userPassed : 0;
        r.r3 = countSeenByPlatform + countSeenByUser;
        r.r4 = latch.getCount() + (StressRuntime.errors() == 0 ? 0 : 1);
    }
}
