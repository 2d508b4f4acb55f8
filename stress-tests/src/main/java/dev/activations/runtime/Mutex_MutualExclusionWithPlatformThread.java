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
 * {@link Mutex} shared by a platform thread (blocks its OS thread) and a user thread (parks):
 * mutual exclusion and reentrancy hold across the two kinds of waiter, and neither misses the
 * other's release.
 *
 * <p>The platform actor and a user thread each take the mutex twice, do a non-atomic
 * read-yield-write increment, and unlock twice; three rounds each. Result: the user thread
 * finished (1), counter (6), violations (0), mutex still locked at the end or scheduler errors
 * (0).
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t Mutex_MutualExclusionWithPlatformThread}
 */
@JCStressTest
@Outcome(id = "1, 6, 0, 0", expect = ACCEPTABLE, desc = "every increment inside the mutex, one holder at a time")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "lost wake-up: the user thread never got the mutex")
@Outcome(id = "1, [0-5], .*", expect = FORBIDDEN, desc = "lost increment: both were inside at once")
@Outcome(id = ".*, [^0], .*", expect = FORBIDDEN, desc = "exclusion or reentrancy broken")
@Outcome(expect = FORBIDDEN, desc = "the mutex stayed locked, or the scheduler failed")
@State
public class Mutex_MutualExclusionWithPlatformThread {
    final Mutex m = new Mutex();
    int counter;
    int inside;
    volatile int violations;
    final UserThread user = StressRuntime.unstarted(this::work);

    void work() {
        for (int i = 0; i < Mutex_MutualExclusion.ROUNDS; i++) {
            m.lock();
            m.lock();
            try {
                if (++inside != 1 || m.getHoldCount() != 2) {
                    violations++;
                }
                int c = counter;
                UserThread.yield(); // Thread.yield() on the platform thread
                counter = c + 1;
                inside--;
            } finally {
                m.unlock();
                m.unlock();
            }
        }
    }

    @Actor
    public void platform() {
        work();
    }

    @Actor
    public void userThread() {
        user.start();
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r1 = StressRuntime.finished(user) ? 1 : 0;
        r.r2 = counter;
        r.r3 = violations;
        r.r4 = m.isLocked() || StressRuntime.errors() != 0 ? 1 : 0;
    }
}
