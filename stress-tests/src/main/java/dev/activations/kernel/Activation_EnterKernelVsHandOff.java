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
 * VP ownership when the monitor hands off a carrier it believes blocked in an unbracketed call
 * (RUNNING -> BLOCKED) while that carrier makes a bracketed call ({@code enterKernel}
 * RUNNING -> IN_KERNEL, then {@code exitKernel} IN_KERNEL -> RUNNING). The hand-off can win
 * before the bracket (both CASes of the carrier fail) or after it (both succeed, then the VP is
 * revoked), never in the middle (a hand-off expecting RUNNING cannot take an IN_KERNEL
 * carrier). Either way the VP ends with exactly one holder and the invariants hold.
 *
 * <p>Result: enterKernel, exitKernel (1/0), VP holder (1 the carrier, 2 another, 0 broken),
 * carrier state (1 RUNNING, 3 BLOCKED), upcalls (10 * activationBlocked + activationUnblocked),
 * invariants/unexpected upcalls (0 = fine). Rig: {@link HandOffRig}.
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t Activation_EnterKernelVsHandOff}
 */
@JCStressTest
@Outcome(id = "1, 1, 1, 1, 0, 0", expect = ACCEPTABLE, desc = "no hand-off: the monitor found the carrier IN_KERNEL (the bracket was open)")
@Outcome(id = "1, 1, 2, 3, 11, 0", expect = ACCEPTABLE_INTERESTING, desc = "hand-off after the bracket: the carrier is revoked at its next safepoint")
@Outcome(id = "0, 0, 2, 3, 11, 0", expect = ACCEPTABLE_INTERESTING, desc = "hand-off before the bracket: both CASes fail, the carrier knows it lost the VP")
@Outcome(id = "1, 0, .*", expect = FORBIDDEN, desc = "handed off while IN_KERNEL although the monitor expected RUNNING")
@Outcome(id = "0, 1, .*", expect = FORBIDDEN, desc = "exitKernel succeeded after a failed enterKernel")
@Outcome(expect = FORBIDDEN, desc = "anything else (two holders, none, lost upcalls, broken invariant)")
@State
public class Activation_EnterKernelVsHandOff {
    final HandOffRig.Trial trial = new HandOffRig.Trial(false);
    int entered;
    int exited;

    @Actor
    public void carrierBracket() {
        trial.submitAndAwaitCarrier();
        entered = trial.enterKernel() ? 1 : 0;
        exited = trial.exitKernel() ? 1 : 0;
        trial.actor1Done();
    }

    @Actor
    public void monitor() {
        trial.awaitCarrier();
        trial.monitorHandOff(false);
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
