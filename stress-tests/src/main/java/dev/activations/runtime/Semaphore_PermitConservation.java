package dev.activations.runtime;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * {@link Semaphore}: permits are conserved. With 2 permits, one user thread repeatedly takes
 * both at once ({@code acquire(2)}) while another takes one at a time; each holds them across
 * a yield. At no time are more than 2 permits in use, nobody waits for ever (the FIFO queue
 * grants a waiting head as soon as releases cover it), and all 2 are back at the end.
 *
 * <p>Result: both finished (1), most permits ever in use (2 or 1), permits at the end (2),
 * scheduler errors (0).
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t Semaphore_PermitConservation}
 */
@JCStressTest
@Outcome(id = "1, [12], 2, 0", expect = ACCEPTABLE, desc = "never more than 2 in use, all returned")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "lost wake-up: a waiter never got its permits")
@Outcome(id = "1, [3-9], .*", expect = FORBIDDEN, desc = "more permits in use than exist")
@Outcome(expect = FORBIDDEN, desc = "permits created or destroyed, or the scheduler failed")
@State
public class Semaphore_PermitConservation {
    static final int ROUNDS = 3;
    final Semaphore sem = new Semaphore(2);
    final AtomicInteger inUse = new AtomicInteger();
    final AtomicInteger maxInUse = new AtomicInteger();

    final UserThread both = StressRuntime.unstarted(() -> rounds(2));
    final UserThread one = StressRuntime.unstarted(() -> rounds(1));

    void rounds(int n) {
        for (int i = 0; i < ROUNDS; i++) {
            sem.acquireUninterruptibly(n);
            maxInUse.accumulateAndGet(inUse.addAndGet(n), Math::max);
            UserThread.yield();
            inUse.addAndGet(-n);
            sem.release(n);
        }
    }

    @Actor
    public void first() {
        both.start();
    }

    @Actor
    public void second() {
        one.start();
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r1 = StressRuntime.finished(both) & StressRuntime.finished(one) ? 1 : 0;
        r.r2 = maxInUse.get();
        r.r3 = sem.availablePermits();
        r.r4 = StressRuntime.errors() == 0 ? 0 : 1;
    }
}
