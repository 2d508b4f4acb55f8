package dev.activations.runtime;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * A full ring: the owner re-queues two threads into a ring with one free slot (the second
 * overflows to the global queue, unless the thief made room) and then takes one, while a
 * thief steals a batch of half the ring into its own. Every one of the 257 threads is
 * accounted for exactly once.
 *
 * <p>Setup: the owner's ring holds threads 0..254 (capacity 256). Result: accounting (0 = all
 * exactly once; else 100 * lost + duplicated), whether the thief got a thread (1/0).
 * Rig: {@link QueueRig}.
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t WorkStealingQueues_OverflowVsSteal}
 */
@JCStressTest
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "every thread exactly once")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "the thief found nothing in a full ring")
@Outcome(expect = FORBIDDEN, desc = "a thread was lost or taken twice")
@State
public class WorkStealingQueues_OverflowVsSteal {
    static final int FILL = WorkStealingQueues.RING_CAPACITY - 1;
    final QueueRig rig = new QueueRig(true);
    Strand ownerHas;
    Strand thiefHas;

    {
        for (int i = 0; i < FILL; i++) {
            rig.queues.pushYielded(rig.owner, QueueRig.t(i));
        }
    }

    @Actor
    public void owner() {
        rig.queues.pushYielded(rig.owner, QueueRig.t(FILL));
        rig.queues.pushYielded(rig.owner, QueueRig.t(FILL + 1));
        ownerHas = rig.queues.next(rig.owner, false);
    }

    @Actor
    public void thief() {
        thiefHas = rig.queues.next(rig.thief, false);
    }

    @Arbiter
    public void arbiter(II_Result r) {
        r.r2 = thiefHas != null ? 1 : 0;
        r.r1 = rig.account(FILL + 2, ownerHas, thiefHas);
    }
}
