package dev.activations.kernel;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIIII_Result;

/**
 * Standbys (kernel {@code Spares}): {@code enterKernel} arms a spare to stand by for the VP (a
 * pooled one woken, or a new one started, with a "watch" assignment), and a hand-off racing it
 * gives the VP to that standby with a second assignment, perhaps while the spare is still taking
 * its first. Neither assignment may be lost: whenever the VP was handed off, its new holder runs
 * {@code activationBlocked} (and the carrier gets {@code activationUnblocked}); a lost hand-off
 * assignment would leave the VP held by a spare asleep in its pool, for good.
 *
 * <p>Result: enterKernel, exitKernel (1/0), VP holder (1 the carrier, 2 another, 0 broken),
 * carrier state (1 RUNNING, 3 BLOCKED), upcalls (10 * activationBlocked + activationUnblocked,
 * within 10 s), invariants and unexpected upcalls (0 = fine). Rig: {@link HandOffRig#withStandby()}.
 *
 * <p>The bug this guards against (taking an assignment with a read and a separate write of null
 * instead of the atomic swap in {@code Activation.takeAssignment}) was found as a hang of the
 * Promises benchmark after minutes of hand-offs; its window is a few nanoseconds, and 15 quick runs
 * of this test on the mutated code (all configurations) did not hit it. The test checks the
 * protocol's outcome on every sample; it is not a reliable detector of that one mutation.
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t Kernel_StandbyHandOffVsWatchStart}
 */
@JCStressTest
@Outcome(id = "1, 1, 1, 1, 0, 0", expect = ACCEPTABLE, desc = "no hand-off: the monitor came before or after the bracket")
@Outcome(id = "1, 0, 2, 3, 11, 0", expect = ACCEPTABLE_INTERESTING, desc = "handed off inside the bracket, to the standby: both upcalls came")
@Outcome(expect = FORBIDDEN, desc = "anything else (a hand-off lost, two holders, none, a broken invariant)")
@State
public class Kernel_StandbyHandOffVsWatchStart {
    final HandOffRig.Trial trial = new HandOffRig.Trial(HandOffRig.withStandby(), false);
    int entered;
    int exited;

    @Actor
    public void carrierBracket() {
        trial.submitAndAwaitCarrier();
        entered = trial.enterKernel() ? 1 : 0; // arms the standby: a spare starts to watch
        exited = trial.exitKernel() ? 1 : 0;
        trial.actor1Done();
    }

    @Actor
    public void monitor() {
        trial.awaitCarrier();
        trial.monitorHandOff(true); // to the standby, if the carrier is in its bracket now
        trial.actor2Done();
    }

    @Arbiter
    public void arbiter(IIIIII_Result r) {
        trial.awaitRecorded();
        r.r1 = entered;
        r.r2 = exited;
        r.r3 = trial.holder();
        r.r4 = trial.carrierState();
        r.r5 = trial.upcalls(trial.carrierBlocked());
        r.r6 = trial.violation() == null && HandOffRig.unexpectedUpcalls() == 0 ? 0 : 1;
        if (trial.violation() != null) {
            System.err.println("invariant broken: " + trial.violation());
        }
    }
}
