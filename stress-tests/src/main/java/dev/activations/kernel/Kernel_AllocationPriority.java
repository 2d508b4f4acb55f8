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
 * Processor allocation between two spaces, LOW (priority 3) and HIGH (priority 7): HIGH's request preempts LOW's running VPs or takes its lingering ones.
 * Two platform threads queue one job each in their space and call {@code requestProcessors}
 * at the same time, while the spaces' carriers finish earlier jobs, report VPs idle, linger,
 * time out and get reallocated. No VP is ever given to two spaces or lost (the invariants of
 * {@link KernelInvariants} hold at every idle report and at the end), and every request is
 * eventually served: each job runs exactly once, on a VP owned by its own space.
 *
 * <p>Result: runs of the first job, runs of the second (1 = once; 0 = never within 10 s, a
 * lost request or VP; 11 = ran on a VP its space did not own), invariants/unexpected upcalls
 * (0 = fine). Rig: {@link AllocationRig}.
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t Kernel_AllocationPriority}
 */
@JCStressTest
@Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "both requests served, each job once, invariants held")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "the first space's request was lost: its job never ran")
@Outcome(id = ".*, 0, .*", expect = FORBIDDEN, desc = "the second space's request was lost: its job never ran")
@Outcome(id = ".*, 1", expect = FORBIDDEN, desc = "an allocation invariant broke (VP given twice, lost, counts off) or an impossible upcall came")
@Outcome(expect = FORBIDDEN, desc = "a job ran twice or on a VP of another space")
@State
public class Kernel_AllocationPriority {
    AllocationRig.Job first;
    AllocationRig.Job second;

    @Actor
    public void low() {
        first = AllocationRig.LOW.submit();
    }

    @Actor
    public void other() {
        second = AllocationRig.HIGH.submit();
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r1 = AllocationRig.awaitRuns(first);
        r.r2 = AllocationRig.awaitRuns(second);
        r.r3 = AllocationRig.health();
    }
}
