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
 * Displacement racing the end of the holder's bracketed call ({@code exitKernel}
 * IN_KERNEL -> RUNNING). Either the call's exit wins, and the carrier is displaced while running
 * (DISPLACED, {@code processorPreempted}), or the displacement takes the carrier in the kernel
 * (BLOCKED), and then {@code exitKernel} fails, so the carrier stops and the space gets
 * {@code activationUnblocked}. Never both: an exit that succeeded on a carrier left BLOCKED would
 * run user code on a VP it no longer holds without ever being told.
 *
 * <p>Result: exitKernel (1/0), VP holder (2 the high carrier), low carrier state (3 BLOCKED,
 * 7 DISPLACED), upcalls (as in {@link Kernel_DisplaceVsEnterKernel}), invariants and unexpected
 * upcalls (0 = fine). Rig: {@link DisplaceRig}.
 *
 * <p>Mutation that fails it: displacing an IN_KERNEL holder with a plain write of BLOCKED
 * (then "1, 2, 3" shows up).
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t Kernel_DisplaceVsExitKernel}
 */
@JCStressTest
@Outcome(id = "1, 2, 7, 110, 0", expect = ACCEPTABLE, desc = "the exit won: displaced while running, processorPreempted")
@Outcome(id = "0, 2, 3, 101, 0", expect = ACCEPTABLE_INTERESTING, desc = "displaced in the kernel: the exit fails, activationUnblocked")
@Outcome(expect = FORBIDDEN, desc = "anything else (both won, VP kept or lost, wrong upcalls, broken invariant)")
@State
public class Kernel_DisplaceVsExitKernel {
    final DisplaceRig.Trial trial = new DisplaceRig.Trial(true);
    int exited;

    @Actor
    public void carrierExits() {
        trial.submitAndAwaitCarrier();
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
    public void arbiter(IIIII_Result r) {
        trial.awaitRecorded();
        r.r1 = exited;
        r.r2 = trial.holder();
        r.r3 = trial.carrierState();
        r.r4 = trial.upcalls();
        r.r5 = trial.violation() == null && DisplaceRig.unexpectedUpcalls() == 0 ? 0 : 1;
        if (trial.violation() != null) {
            System.err.println("invariant broken: " + trial.violation());
        }
    }
}
