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
 * The spawn deque's Dekker pair: the owner pops the newest of two threads, taking it without a
 * CAS when {@code top} is below it, while a thief steals twice, reaching that same thread once
 * the first is gone. The owner's volatile store of the lowered {@code bottom} before its read
 * of {@code top}, and the thief's read of {@code top} before {@code bottom}, keep them from both
 * taking it: if the owner reads the old {@code top}, the thief's second steal sees the lowered
 * {@code bottom} and finds the deque empty.
 *
 * <p>Setup: a {@link SpawnDeque} holding threads 0 and 1 (1 newest). Result: accounting (0 =
 * both exactly once; else 100 * lost + duplicated), what the owner got (-1 nothing, else the
 * thread's number: never 0, it pops from the other end), how many the thief got (at least the
 * oldest: nobody else takes from its end).
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t SpawnDeque_PopVsStealTwice}
 */
@JCStressTest
@Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "the owner popped the newest; the thief got the oldest (its second steal found nothing)")
@Outcome(id = "0, -1, 2", expect = ACCEPTABLE, desc = "the thief took both, the newest by winning the last-element CAS")
@Outcome(expect = FORBIDDEN, desc = "a thread was lost or taken twice")
@State
public class SpawnDeque_PopVsStealTwice {
    final SpawnDeque deque = new SpawnDeque();
    Strand popped;
    Strand stolen1;
    Strand stolen2;

    {
        deque.push(QueueRig.t(0));
        deque.push(QueueRig.t(1));
    }

    @Actor
    public void owner() {
        popped = deque.pop();
    }

    @Actor
    public void thief() {
        stolen1 = deque.steal();
        stolen2 = deque.steal();
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r2 = popped == null ? -1 : QueueRig.index(popped);
        r.r3 = (stolen1 != null ? 1 : 0) + (stolen2 != null ? 1 : 0);
        r.r1 = QueueRig.account(deque, 2, popped, stolen1, stolen2);
    }
}
