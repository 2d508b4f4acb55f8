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
 * Slot reuse on the spawn deque: the deque has gone once round its array, so the owner's next
 * push reuses slot 0 while a thief takes what is left. A push may rewrite a slot only after
 * {@code top} has passed it, and a taker clears a slot only if it still holds the thread it
 * took, so the new thread is never erased by a late clear and never taken twice.
 *
 * <p>Setup: a {@link SpawnDeque} filled to capacity with threads 0..C-1 and all but the newest
 * stolen, so {@code top = C-1}, {@code bottom = C}. The owner pushes thread C (slot 0 again),
 * then pops; the thief steals twice. Result: accounting (0 = threads C-1 and C exactly
 * once; else 100 * lost + duplicated), what the owner popped (-1 nothing, 0 thread C-1, 1
 * thread C: it pops after its push, so never the old one), how many the thief got.
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t SpawnDeque_WrapAroundVsSteal}
 */
@JCStressTest
@Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "the owner popped its new thread back; the thief took the old one")
@Outcome(id = "0, -1, 2", expect = ACCEPTABLE, desc = "the thief took both (it won the new one from the owner)")
@Outcome(expect = FORBIDDEN, desc = "a thread was lost or taken twice")
@State
public class SpawnDeque_WrapAroundVsSteal {
    static final int C = SpawnDeque.CAPACITY;
    final SpawnDeque deque = new SpawnDeque();
    Strand popped;
    Strand stolen1;
    Strand stolen2;

    {
        for (int i = 0; i < C; i++) {
            deque.push(QueueRig.t(i));
        }
        for (int i = 0; i < C - 1; i++) {
            deque.steal();
        }
    }

    @Actor
    public void owner() {
        deque.push(QueueRig.t(C));
        popped = deque.pop();
    }

    @Actor
    public void thief() {
        stolen1 = deque.steal();
        stolen2 = deque.steal();
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r2 = popped == null ? -1 : QueueRig.index(popped) - (C - 1);
        r.r3 = (stolen1 != null ? 1 : 0) + (stolen2 != null ? 1 : 0);
        // threads 0..C-2 were taken in setup: count them as taken so only C-1 and C are in question
        Strand[] taken = new Strand[C + 2];
        for (int i = 0; i < C - 1; i++) {
            taken[i] = QueueRig.t(i);
        }
        taken[C - 1] = popped;
        taken[C] = stolen1;
        taken[C + 1] = stolen2;
        r.r1 = QueueRig.account(deque, C + 1, taken);
    }
}
