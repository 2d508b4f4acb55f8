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
 * Publication on the spawn deque: the owner pushes two threads onto an empty deque while a thief
 * steals twice. A thief that sees the raised {@code bottom} sees the thread written before it
 * (release/acquire), so it never takes a null or a stale slot, takes in push order, and nothing
 * is lost or taken twice.
 *
 * <p>Setup: an empty {@link SpawnDeque}. Result: accounting (0 = threads 0 and 1 exactly once;
 * else 100 * lost + duplicated), how many the thief got (0..2), whether it took them out of order
 * (1 = it got thread 1 before thread 0).
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t SpawnDeque_PushVsSteal}
 */
@JCStressTest
@Outcome(id = "0, [0-2], 0", expect = ACCEPTABLE, desc = "every thread exactly once (how many the thief got, in push order)")
@Outcome(expect = FORBIDDEN, desc = "a thread was lost, taken twice, or stolen newest first")
@State
public class SpawnDeque_PushVsSteal {
    final SpawnDeque deque = new SpawnDeque();
    Strand stolen1;
    Strand stolen2;

    @Actor
    public void owner() {
        deque.push(QueueRig.t(0));
        deque.push(QueueRig.t(1));
    }

    @Actor
    public void thief() {
        stolen1 = deque.steal();
        stolen2 = deque.steal();
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r2 = (stolen1 != null ? 1 : 0) + (stolen2 != null ? 1 : 0);
        r.r3 = stolen1 == QueueRig.t(1) ? 1 : 0;
        r.r1 = QueueRig.account(deque, 2, stolen1, stolen2);
    }
}
