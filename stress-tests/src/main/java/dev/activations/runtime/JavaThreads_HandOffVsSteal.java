package dev.activations.runtime;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * The queue half of a Java-thread hand-off: a Java thread mounted on the owner's carrier starts
 * (or unparks) two Java threads in a row; {@code JavaThreads.submit} puts each submission in
 * the owner's hand-off slot ({@code ReadyQueues.pushHandOff}), the second displacing the first
 * into the ring and returning true (wake another processor). Meanwhile an idle thief, on its
 * last chance before giving its processor up, steals twice (the ring, or the slot itself).
 * Property: every submission is taken exactly once (never lost, never run twice), and
 * {@code pushHandOff} says "displaced" exactly when it left the previous occupant in the ring,
 * so a submission that needs another processor is never left without a wake-up.
 *
 * <p>Setup: empty queues; the owner pushes Java-thread submissions 0, then 1. Result:
 * accounting (0 = both exactly once; else 100 * lost + duplicated), the first push's return
 * (0: the slot was empty), the second push's return (1 displaced / 0 not), what the thief took
 * (bit 0: submission 0, bit 1: submission 1). Rig: {@link QueueRig}, {@link QueueRig#JAVA_POOL}.
 *
 * <p>Fails if: {@code WorkStealingQueues.pushHandOff} reads the old occupant and then writes
 * the slot non-atomically (e.g. {@code Strand old = w.peekNext(); w.swapNext(t);} using
 * {@code old}): a thief's CAS between the two takes submission 0, which the owner also moves to
 * the ring (accounting 1, "taken twice"); or if it drops the displaced occupant instead of
 * offering it to the ring (accounting 100, "lost").
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t JavaThreads_HandOffVsSteal}
 */
@JCStressTest
@Outcome(id = "0, 0, 1, [0-3]", expect = ACCEPTABLE, desc = "the second start displaced the first into the ring and asked for a wake-up; each taken once")
@Outcome(id = "0, 0, 0, [13]", expect = ACCEPTABLE_INTERESTING, desc = "the thief stole the first out of the slot before the second start, which then displaced nothing; each taken once")
@Outcome(id = "0, 0, 0, [02]", expect = FORBIDDEN, desc = "the second start reported nothing displaced, yet the thief never took the first: a wake-up is missing")
@Outcome(id = "0, 1, .*", expect = FORBIDDEN, desc = "the first start into an empty slot reported a displaced submission")
@Outcome(expect = FORBIDDEN, desc = "a submission was lost or taken twice")
@State
public class JavaThreads_HandOffVsSteal {
    final QueueRig rig = new QueueRig(true);
    boolean displaced1;
    boolean displaced2;
    Strand stolen1;
    Strand stolen2;

    @Actor
    public void owner() {
        displaced1 = rig.queues.pushHandOff(rig.owner, QueueRig.j(0));
        displaced2 = rig.queues.pushHandOff(rig.owner, QueueRig.j(1));
    }

    @Actor
    public void thief() {
        stolen1 = rig.queues.next(rig.thief, true);
        stolen2 = rig.queues.next(rig.thief, true);
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r2 = displaced1 ? 1 : 0;
        r.r3 = displaced2 ? 1 : 0;
        r.r4 = bit(stolen1) | bit(stolen2);
        r.r1 = rig.accountJava(2, stolen1, stolen2);
    }

    private static int bit(Strand t) {
        return t == QueueRig.j(0) ? 1 : t == QueueRig.j(1) ? 2 : t == null ? 0 : 4;
    }
}
