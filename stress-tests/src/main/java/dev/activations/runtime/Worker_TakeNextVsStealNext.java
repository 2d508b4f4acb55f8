package dev.activations.runtime;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * The LIFO hand-off slot: its owner takes the thread in it ({@code takeNext}, getAndSet) while
 * a thief steals it ({@code stealNext}, CAS), as happens when the owner's carrier is off its
 * processor (blocked in the kernel). Exactly one of them gets the thread.
 *
 * <p>Setup: the owner's slot holds thread 0, its carrier is not running on its VP, every queue
 * is otherwise empty. Result: the owner got it (1/0), the thief got it (1/0), accounting after
 * both (0 = exactly once; else 100 * lost + duplicated). Rig: {@link QueueRig}.
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t Worker_TakeNextVsStealNext}
 */
@JCStressTest
@Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "the owner took its hand-off thread")
@Outcome(id = "0, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "the thief stole the hand-off thread first")
@Outcome(id = "1, 1, .*", expect = FORBIDDEN, desc = "both took the same thread: it would run twice")
@Outcome(id = "0, 0, .*", expect = FORBIDDEN, desc = "neither took it")
@Outcome(expect = FORBIDDEN, desc = "a thread was lost or duplicated")
@State
public class Worker_TakeNextVsStealNext {
    final QueueRig rig = new QueueRig(false);
    Strand ownerHas;
    Strand thiefHas;

    {
        rig.queues.pushWoken(rig.owner, QueueRig.t(0));
    }

    @Actor
    public void owner() {
        ownerHas = rig.queues.next(rig.owner, false);
    }

    @Actor
    public void thief() {
        thiefHas = rig.queues.next(rig.thief, false);
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r1 = ownerHas != null ? 1 : 0;
        r.r2 = thiefHas != null ? 1 : 0;
        r.r3 = rig.account(1, ownerHas, thiefHas);
    }
}
