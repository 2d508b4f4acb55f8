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
 * The global injection queue: two workers take from it at once, each moving a batch into its
 * own ring, and each then steals from the other's ring. Threads readied from outside (here 40
 * of them, queued by {@code pushExternal}) are each taken exactly once.
 *
 * <p>Result: accounting (0 = threads 0..39 each exactly once; else 100 * lost + duplicated),
 * how many the two workers took between them (4 expected). Rig: {@link QueueRig}.
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t WorkStealingQueues_GlobalBatch}
 */
@JCStressTest
@Outcome(id = "0, 4", expect = ACCEPTABLE, desc = "every thread exactly once")
@Outcome(expect = FORBIDDEN, desc = "a thread was lost or taken twice, or a worker found nothing with 40 queued")
@State
public class WorkStealingQueues_GlobalBatch {
    static final int N = 40;
    final QueueRig rig = new QueueRig(true);
    Strand a1;
    Strand a2;
    Strand b1;
    Strand b2;

    {
        for (int i = 0; i < N; i++) {
            rig.queues.pushExternal(QueueRig.t(i));
        }
    }

    @Actor
    public void first() {
        a1 = rig.queues.next(rig.owner, false);
        a2 = rig.queues.next(rig.owner, false);
    }

    @Actor
    public void second() {
        b1 = rig.queues.next(rig.thief, false);
        b2 = rig.queues.next(rig.thief, false);
    }

    @Arbiter
    public void arbiter(II_Result r) {
        r.r2 = (a1 != null ? 1 : 0) + (a2 != null ? 1 : 0) + (b1 != null ? 1 : 0) + (b2 != null ? 1 : 0);
        r.r1 = rig.account(N, a1, a2, b1, b2);
    }
}
