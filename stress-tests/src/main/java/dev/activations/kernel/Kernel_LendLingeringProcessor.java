package dev.activations.kernel;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Lending idle processors (issue 17): on a kernel whose idle VPs linger for an hour, LENDER
 * (priority 7) queues two jobs and asks for two processors, so it can end up holding both VPs,
 * idle, while BORROWER (priority 3) queues one job and asks for one, at the same time. A lingering
 * VP is not part of its space's demand, so BORROWER must take one at once, whichever order the
 * requests, the lingering and the preemptions happen in; LENDER, when it asks again, gets it
 * back at BORROWER's next safepoint. Nothing waits for the hysteresis: a job not run within 10 s
 * means an idle VP was kept from a space that asked for it.
 *
 * <p>Result: runs of LENDER's two jobs, of BORROWER's job (1 = once; 0 = never within 10 s;
 * 11 = ran on a VP its space did not own), invariants/unexpected upcalls (0 = fine). Rig:
 * {@link AllocationRig}.
 *
 * <p>Mutation check: with {@code Kernel.targets} counting lingering VPs as demand again (the code
 * before lending), BORROWER's job is never run in the samples where LENDER lingers on both VPs.
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t Kernel_LendLingeringProcessor}
 */
@JCStressTest
@Outcome(id = "1, 1, 1, 0", expect = ACCEPTABLE, desc = "every request served at once, each job once, invariants held")
@Outcome(id = ".*, .*, 0, .*", expect = FORBIDDEN, desc = "BORROWER's job never ran: an idle VP lingered with a space that did not need it")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "LENDER's first job never ran: a lent VP was not given back")
@Outcome(id = ".*, 0, .*", expect = FORBIDDEN, desc = "LENDER's second job never ran: a lent VP was not given back")
@Outcome(id = ".*, 1", expect = FORBIDDEN, desc = "an allocation invariant broke or an impossible upcall came")
@Outcome(expect = FORBIDDEN, desc = "a job ran twice or on a VP of another space")
@State
public class Kernel_LendLingeringProcessor {
    AllocationRig.Job lent1;
    AllocationRig.Job lent2;
    AllocationRig.Job borrowed;

    @Actor
    public void lender() {
        lent1 = AllocationRig.LENDER.submit();
        lent2 = AllocationRig.LENDER.submit();
    }

    @Actor
    public void borrower() {
        borrowed = AllocationRig.BORROWER.submit();
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r1 = AllocationRig.awaitRuns(lent1);
        r.r2 = AllocationRig.awaitRuns(lent2);
        r.r3 = AllocationRig.awaitRuns(borrowed);
        r.r4 = AllocationRig.health();
    }
}
