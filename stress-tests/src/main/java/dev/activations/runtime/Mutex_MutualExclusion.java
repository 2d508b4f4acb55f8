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
 * {@link Mutex}: mutual exclusion and reentrancy between two user threads.
 *
 * <p>Each thread takes the mutex twice (reentrant), checks it is the only one inside, does a
 * non-atomic read-yield-write increment (the yield unmounts it while it holds the mutex, so the
 * other one spins only while the owner runs and otherwise parks), checks its hold count is 2,
 * and unlocks twice; three rounds each. A lost wake-up shows as a thread that never finishes.
 *
 * <p>Result: both finished (1), counter (6), violations of exclusion or hold counts (0),
 * mutex still locked at the end or scheduler errors (0).
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t Mutex_MutualExclusion}
 */
@JCStressTest
@Outcome(id = "1, 6, 0, 0", expect = ACCEPTABLE, desc = "every increment inside the mutex, one holder at a time")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "lost wake-up: a waiter never got the mutex")
@Outcome(id = "1, [0-5], .*", expect = FORBIDDEN, desc = "lost increment: two threads were inside at once")
@Outcome(id = ".*, [^0], .*", expect = FORBIDDEN, desc = "exclusion or reentrancy broken (two inside, wrong hold count)")
@Outcome(expect = FORBIDDEN, desc = "the mutex stayed locked, or the scheduler failed")
@State
public class Mutex_MutualExclusion {
    static final int ROUNDS = 3;
    final Mutex m = new Mutex();
    int counter;
    int inside;
    volatile int violations;

    final UserThread t1 = StressRuntime.unstarted(this::work);
    final UserThread t2 = StressRuntime.unstarted(this::work);

    void work() {
        for (int i = 0; i < ROUNDS; i++) {
            m.lock();
            m.lock();
            try {
                if (++inside != 1 || m.getHoldCount() != 2 || !m.isHeldByCurrentThread()) {
                    violations++;
                }
                int c = counter;
                UserThread.yield();
                counter = c + 1;
                inside--;
            } finally {
                m.unlock();
                if (m.getHoldCount() != 1) {
                    violations++;
                }
                m.unlock();
            }
        }
    }

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
        r.r2 = counter;
        r.r3 = violations;
        r.r4 = m.isLocked() || StressRuntime.errors() != 0 ? 1 : 0;
    }
}
