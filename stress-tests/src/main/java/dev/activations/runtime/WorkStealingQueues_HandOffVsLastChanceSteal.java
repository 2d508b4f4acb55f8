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
 * The hand-off slot under churn: the owner hands off two woken threads in a row
 * ({@code pushWoken}: each displaces the slot's previous thread into the ring) while an idle
 * thief, on its last chance before giving its processor up, steals twice (the ring, or the slot
 * itself). No thread is lost, none is taken twice.
 *
 * <p>Setup: the owner's slot holds thread 0; the owner pushes 1, then 2. Result: accounting
 * (0 = threads 0..2 each exactly once; else 100 * lost + duplicated), how many the thief got
 * (0..2), whether the thief got thread 2, the newest (1/0). Rig: {@link QueueRig}.
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t WorkStealingQueues_HandOffVsLastChanceSteal}
 */
@JCStressTest
@Outcome(id = "0, [0-2], [01]", expect = ACCEPTABLE, desc = "every thread exactly once (thief's take count, whether it took the newest)")
@Outcome(expect = FORBIDDEN, desc = "a thread was lost or taken twice")
@State
public class WorkStealingQueues_HandOffVsLastChanceSteal {
    final QueueRig rig = new QueueRig(true);
    Strand stolen1;
    Strand stolen2;

    {
        rig.queues.pushWoken(rig.owner, QueueRig.t(0));
    }

    @Actor
    public void owner() {
        rig.queues.pushWoken(rig.owner, QueueRig.t(1));
        rig.queues.pushWoken(rig.owner, QueueRig.t(2));
    }

    @Actor
    public void thief() {
        stolen1 = rig.queues.next(rig.thief, true);
        stolen2 = rig.queues.next(rig.thief, true);
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r2 = (stolen1 != null ? 1 : 0) + (stolen2 != null ? 1 : 0);
        r.r3 = stolen1 == QueueRig.t(2) || stolen2 == QueueRig.t(2) ? 1 : 0;
        r.r1 = rig.account(3, stolen1, stolen2);
    }
}
