package dev.activations.kernel;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIII_Result;

/**
 * VP ownership when a bracketed blocking call returns just as the monitor decides it blocked:
 * {@code exitKernel} (IN_KERNEL -> RUNNING, the carrier's CAS) races {@code Kernel.handOff}
 * (IN_KERNEL -> BLOCKED under the kernel lock). Exactly one wins: either the carrier keeps its
 * VP, or the VP is held by exactly one other activation, the carrier holds none, and the pair of
 * upcalls (activationBlocked on the new carrier, activationUnblocked on the old) is delivered
 * once each. The kernel's allocation invariants hold afterwards.
 *
 * <p>Result: exitKernel returned (1/0), VP holder (1 the carrier, 2 another, 0 broken), carrier
 * state (1 RUNNING, 3 BLOCKED), upcalls (10 * activationBlocked + activationUnblocked),
 * invariants/unexpected upcalls (0 = fine). Rig: {@link HandOffRig}.
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t Activation_ExitKernelVsHandOff}
 */
@JCStressTest
@Outcome(id = "1, 1, 1, 0, 0", expect = ACCEPTABLE, desc = "exitKernel won: the carrier kept its VP, no upcall")
@Outcome(id = "0, 2, 3, 11, 0", expect = ACCEPTABLE_INTERESTING, desc = "the monitor won: VP on a new activation, carrier BLOCKED, one activationBlocked + one activationUnblocked")
@Outcome(id = "1, .*", expect = FORBIDDEN, desc = "exitKernel succeeded but the VP moved, or upcalls were delivered: both won")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "exitKernel failed but the VP was not handed off exactly once")
@Outcome(expect = FORBIDDEN, desc = "anything else (broken invariant or unexpected upcall)")
@State
public class Activation_ExitKernelVsHandOff {
    final HandOffRig.Trial trial = new HandOffRig.Trial(true);
    int exited;

    @Actor
    public void carrierReturns() {
        trial.submitAndAwaitCarrier();
        exited = trial.exitKernel() ? 1 : 0;
        trial.actor1Done();
    }

    @Actor
    public void monitor() {
        trial.awaitCarrier();
        trial.monitorHandOff(true);
        trial.actor2Done();
    }

    @Arbiter
    public void arbiter(IIIII_Result r) {
        trial.awaitRecorded();
        r.r1 = exited;
        r.r2 = trial.holder();
        r.r3 = trial.carrierState();
        r.r4 = trial.upcalls(trial.carrierBlocked());
        r.r5 = trial.violation() == null && HandOffRig.unexpectedUpcalls() == 0 ? 0 : 1;
        if (trial.violation() != null) {
            System.err.println("invariant broken: " + trial.violation());
        }
    }
}
