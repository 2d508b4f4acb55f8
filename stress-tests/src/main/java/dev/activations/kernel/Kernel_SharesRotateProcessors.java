package dev.activations.kernel;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Time slicing by share: a saturating space with share 3 holds both VPs, and only the kernel's
 * time-slicing ticker can move one to a space with share 1 that asks. Two platform threads
 * queue one job each in the two small spaces and call {@code requestProcessors} at the same
 * time, while the ticker may be going to sleep because the previous round's slicing just ended
 * (the kernel sets its {@code slicing} flag, then unparks the ticker; the ticker reads the
 * flag, then parks: a lost wake-up leaves both VPs with the big space forever). Every request
 * is eventually served by a rotated VP: each job runs exactly once, on a VP owned by its own
 * space, and the allocation invariants of {@link KernelInvariants} hold throughout.
 *
 * <p>Result: runs of the first job, runs of the second (1 = once; 0 = never within 10 s: no VP
 * rotated to its space; 11 = ran on a VP its space did not own), invariants/unexpected upcalls
 * (0 = fine). Rig: {@link ShareRig}.
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t Kernel_SharesRotateProcessors}
 */
@JCStressTest
@Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "both small-share spaces got a rotated VP; each job once; invariants held")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "the first small space never got a VP: the ticker missed the start of slicing, or a VP was lost")
@Outcome(id = ".*, 0, .*", expect = FORBIDDEN, desc = "the second small space never got a VP: the ticker missed the start of slicing, or a VP was lost")
@Outcome(id = ".*, 1", expect = FORBIDDEN, desc = "an allocation invariant broke (VP given twice, lost, counts off) or an impossible upcall came")
@Outcome(expect = FORBIDDEN, desc = "a job ran twice or on a VP of another space")
@State
public class Kernel_SharesRotateProcessors {
    AllocationRig.Job first;
    AllocationRig.Job second;

    @Actor
    public void small() {
        first = ShareRig.SMALL.submit();
    }

    @Actor
    public void other() {
        second = ShareRig.OTHER.submit();
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r1 = AllocationRig.awaitRuns(first);
        r.r2 = AllocationRig.awaitRuns(second);
        r.r3 = ShareRig.health();
    }
}
