package dev.activations.runtime;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Two thieves on one spawn deque: both read {@code top}, read the slot, and CAS {@code top}
 * forward; the loser of a CAS comes away empty-handed (it looks elsewhere) and never takes the
 * winner's thread. Each steals twice from a deque of two: every thread is taken exactly once, or
 * is still in the deque.
 *
 * <p>Setup: a {@link SpawnDeque} holding threads 0 and 1. Result: accounting (0 = both exactly
 * once; else 100 * lost + duplicated), how many thief 1 got, how many thief 2 got.
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t SpawnDeque_StealVsSteal}
 */
@JCStressTest
@Outcome(id = "0, [0-2], [0-2]", expect = ACCEPTABLE, desc = "every thread exactly once (how many each thief got; a lost CAS returns nothing)")
@Outcome(expect = FORBIDDEN, desc = "a thread was lost or taken twice")
@State
public class SpawnDeque_StealVsSteal {
    final SpawnDeque deque = new SpawnDeque();
    Strand a1;
    Strand a2;
    Strand b1;
    Strand b2;

    {
        deque.push(QueueRig.t(0));
        deque.push(QueueRig.t(1));
    }

    @Actor
    public void thief1() {
        a1 = deque.steal();
        a2 = deque.steal();
    }

    @Actor
    public void thief2() {
        b1 = deque.steal();
        b2 = deque.steal();
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r2 = (a1 != null ? 1 : 0) + (a2 != null ? 1 : 0);
        r.r3 = (b1 != null ? 1 : 0) + (b2 != null ? 1 : 0);
        r.r1 = QueueRig.account(deque, 2, a1, a2, b1, b2);
    }
}
