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
 * A join run inline racing a thief: the owner started a thread (it waits, never run, in the
 * owner's hand-off slot) and joins it at once, taking it back out of the slot to run it inline
 * ({@code unpush}); a thief looking for work may take a slot occupant that never ran even while
 * the owner runs on its processor. Exactly one of them gets the thread; it is never lost and
 * never run twice.
 *
 * <p>Setup: the owner's slot holds new thread 0. Result: accounting (0 = thread 0 exactly once;
 * else 100 * lost + duplicated), whether the owner took it back (1/0), whether the thief got it
 * (1/0). Rig: {@link QueueRig}.
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t WorkStealingQueues_JoinUnpushVsFreshSteal}
 */
@JCStressTest
@Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "the join took its child back and runs it inline")
@Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "the thief took the new thread first; the join will park")
@Outcome(expect = FORBIDDEN, desc = "the thread was lost, taken twice, or left behind by both")
@State
public class WorkStealingQueues_JoinUnpushVsFreshSteal {
    final QueueRig rig = new QueueRig(true);
    boolean ownerTook;
    UserThread thiefHas;

    {
        rig.queues.pushNew(rig.owner, QueueRig.t(0));
    }

    @Actor
    public void owner() {
        ownerTook = rig.queues.unpush(rig.owner, QueueRig.t(0));
    }

    @Actor
    public void thief() {
        thiefHas = rig.queues.next(rig.thief, false);
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r2 = ownerTook ? 1 : 0;
        r.r3 = thiefHas != null ? 1 : 0;
        r.r1 = rig.account(1, ownerTook ? QueueRig.t(0) : null, thiefHas);
    }
}
