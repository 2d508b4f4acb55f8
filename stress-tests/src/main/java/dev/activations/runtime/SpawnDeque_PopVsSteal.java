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
 * The spawn deque's last element: the owner pops it (lowering {@code bottom}, then reading
 * {@code top}) while a thief steals it (reading {@code top}, then {@code bottom}, then CASing
 * {@code top}). The Dekker ordering sends at least one of them to the CAS: exactly one gets the
 * thread, and it is never lost.
 *
 * <p>Setup: a {@link SpawnDeque} holding thread 0. Result: accounting (0 = thread 0 exactly
 * once; else 100 * lost + duplicated), whether the owner got it (1/0), whether the thief got it
 * (1/0).
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t SpawnDeque_PopVsSteal}
 */
@JCStressTest
@Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "the owner popped it")
@Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "the thief stole it")
@Outcome(expect = FORBIDDEN, desc = "the thread was lost, taken twice, or taken by neither")
@State
public class SpawnDeque_PopVsSteal {
    final SpawnDeque deque = new SpawnDeque();
    Strand popped;
    Strand stolen;

    {
        deque.push(QueueRig.t(0));
    }

    @Actor
    public void owner() {
        popped = deque.pop();
    }

    @Actor
    public void thief() {
        stolen = deque.steal();
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r2 = popped != null ? 1 : 0;
        r.r3 = stolen != null ? 1 : 0;
        r.r1 = QueueRig.account(deque, 1, popped, stolen);
    }
}
