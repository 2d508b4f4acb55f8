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
 * Displacement (the kernel gives a lower space's VP to a higher space's carrier at once) racing
 * the holder's own bracketed call ({@code enterKernel} RUNNING -> IN_KERNEL, then
 * {@code exitKernel}). Whatever the order the VP ends with the high space's carrier, the low
 * carrier holds nothing, is DISPLACED (it was running: {@code processorPreempted} follows) or
 * BLOCKED (it was in the kernel: {@code activationUnblocked} follows), never both, and the
 * carrier's CASes tell it the truth: a failed {@code enterKernel} is never followed by a
 * successful {@code exitKernel}, and a carrier whose bracket succeeded both ways was displaced
 * after it.
 *
 * <p>Result: enterKernel, exitKernel (1/0), VP holder (2 the high carrier; 1 still the low one,
 * 0 broken), low carrier state (3 BLOCKED, 7 DISPLACED), upcalls (10 * processorPreempted +
 * activationUnblocked, + 100 if the high space ran on another carrier), invariants and unexpected
 * upcalls (0 = fine). Rig: {@link DisplaceRig}.
 *
 * <p>Mutation that fails it: displacing with a plain write of DISPLACED instead of the CAS
 * (then "1, 0, 2, 7" shows up: the bracket's exit failed on a carrier the kernel thought running).
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t Kernel_DisplaceVsEnterKernel}
 */
@JCStressTest
@Outcome(id = "0, 0, 2, 7, 110, 0", expect = ACCEPTABLE, desc = "displaced first: the bracket fails both ways, processorPreempted")
@Outcome(id = "1, 0, 2, 3, 101, 0", expect = ACCEPTABLE_INTERESTING, desc = "displaced inside the bracket: BLOCKED, activationUnblocked")
@Outcome(id = "1, 1, 2, 7, 110, 0", expect = ACCEPTABLE_INTERESTING, desc = "displaced after the bracket: processorPreempted")
@Outcome(expect = FORBIDDEN, desc = "anything else (both CASes won, VP kept or lost, wrong upcalls, broken invariant)")
@State
public class Kernel_DisplaceVsEnterKernel {
    final DisplaceRig.Trial trial = new DisplaceRig.Trial(false);
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
    public void higherSpace() {
        trial.awaitCarrier();
        trial.highRequests();
        trial.actor2Done();
    }

    @Arbiter
    public void arbiter(IIIIII_Result r) {
        trial.awaitRecorded();
        r.r1 = entered;
        r.r2 = exited;
        r.r3 = trial.holder();
        r.r4 = trial.carrierState();
        r.r5 = trial.upcalls();
        r.r6 = trial.violation() == null && DisplaceRig.unexpectedUpcalls() == 0 ? 0 : 1;
        if (trial.violation() != null) {
            System.err.println("invariant broken: " + trial.violation());
        }
    }
}
