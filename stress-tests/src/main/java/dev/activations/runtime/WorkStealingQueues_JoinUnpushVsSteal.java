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
 * A join run inline racing a thief: the owner started two threads (they wait, never run, on its
 * spawn deque) and joins the newer one at once, taking it back off the top to run it inline
 * ({@code unpush}), while a thief looking for work takes from the bottom twice: the older
 * thread, then the newer one if it is still there. Exactly one of them gets each thread; the
 * join fails to take its child back only if the thief already has it.
 *
 * <p>Setup: the owner's spawn deque holds threads 0 and 1 (1 newest). Result: accounting (0 =
 * both exactly once; else 100 * lost + duplicated), whether the owner took thread 1 back (1/0),
 * whether the thief got thread 1 (1/0). Rig: {@link QueueRig}.
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t WorkStealingQueues_JoinUnpushVsSteal}
 */
@JCStressTest
@Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "the join took its child back and runs it inline")
@Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "the thief emptied the deque first; the join will park")
@Outcome(expect = FORBIDDEN, desc = "a thread was lost or taken twice, or the join missed a child still on top")
@State
public class WorkStealingQueues_JoinUnpushVsSteal {
    final QueueRig rig = new QueueRig(true);
    boolean ownerTook;
    Strand stolen1;
    Strand stolen2;

    {
        rig.queues.pushNew(rig.owner, QueueRig.t(0));
        rig.queues.pushNew(rig.owner, QueueRig.t(1));
    }

    @Actor
    public void owner() {
        ownerTook = rig.queues.unpush(rig.owner, QueueRig.t(1));
    }

    @Actor
    public void thief() {
        stolen1 = rig.queues.next(rig.thief, false);
        stolen2 = rig.queues.next(rig.thief, false);
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r2 = ownerTook ? 1 : 0;
        r.r3 = stolen1 == QueueRig.t(1) || stolen2 == QueueRig.t(1) ? 1 : 0;
        r.r1 = rig.account(2, ownerTook ? QueueRig.t(1) : null, stolen1, stolen2);
    }
}
