package dev.activations.runtime;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Work stealing: the owner of a ring takes a thread, re-queues it (a yield) and takes again,
 * while a thief steals from the same ring in a batch (one thread to run plus half of the rest
 * moved into its own ring). No thread is lost, none is taken twice.
 *
 * <p>Setup: the owner's ring holds threads 0..3. Result: accounting (0 = each of the four is
 * exactly once in the owner's hand, the thief's hand or a queue; else 100 * lost + duplicated),
 * size of the thief's ring after its steal (the batch it moved). Rig: {@link QueueRig}.
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t WorkStealingQueues_PollVsBatchSteal}
 */
@JCStressTest
@Outcome(id = "0, 0", expect = ACCEPTABLE_INTERESTING, desc = "no thread lost or duplicated; the thief moved nothing besides the one it runs")
@Outcome(id = "0, [1-9]", expect = ACCEPTABLE, desc = "no thread lost or duplicated; the thief moved a batch into its ring")
@Outcome(expect = FORBIDDEN, desc = "a thread was lost or taken twice")
@State
public class WorkStealingQueues_PollVsBatchSteal {
    final QueueRig rig = new QueueRig(true);
    Strand ownerHas;
    Strand thiefHas;
    int thiefBatch;

    {
        for (int i = 0; i < 4; i++) {
            rig.queues.pushYielded(rig.owner, QueueRig.t(i)); // into the ring (pushNew would use the hand-off slot)
        }
    }

    @Actor
    public void owner() {
        Strand a = rig.queues.next(rig.owner, false);
        if (a != null) {
            rig.queues.pushYielded(rig.owner, a);
        }
        ownerHas = rig.queues.next(rig.owner, false);
    }

    @Actor
    public void thief() {
        thiefHas = rig.queues.next(rig.thief, false);
        thiefBatch = rig.thief.ring.size();
    }

    @Arbiter
    public void arbiter(II_Result r) {
        r.r1 = rig.account(4, ownerHas, thiefHas);
        r.r2 = thiefBatch;
    }
}
