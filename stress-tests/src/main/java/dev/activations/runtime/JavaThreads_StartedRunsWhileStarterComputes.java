package dev.activations.runtime;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * New parallelism is never left waiting behind a running thread while a processor is free:
 * a Java thread A starts Java thread B and keeps its processor (it spins, as a compute loop or
 * a busy-wait does, up to {@link #STARVED_AFTER}) until B has run. The kernel of
 * {@link StressRuntime} has two processors and nothing else runs, so B must run on the other
 * one while A spins, as it does with the JDK's own scheduler (and as DESIGN.md §4 and the
 * {@code Scheduler} overview promise: "a thread started by a user thread signals at once").
 *
 * <p>How it went wrong (the bug this test found, now fixed): the JDK calls our executor with A
 * mounted, {@code JavaThreads.submit} put B in A's worker's hand-off slot and woke another
 * processor only when that displaced a thread; the other processor, idle in the kernel, was
 * never woken, and thieves take a running carrier's slot only on their last chance before going
 * idle. B ran when A unmounted, i.e. after A's spin gave up (quick mode, all configurations:
 * 165 of 173 samples starved). A fork-then-compute pattern ({@code Thread.ofVirtual().start(left);
 * right.run(); join}) met this on every level: the halves ran one after the other. Mutation that
 * fails it: in {@code JavaThreads.submit}'s mounted branch, call {@code signalWork()} only when
 * {@code pushHandOff} returns true (it displaced a thread).
 *
 * <p>Result: B ran while A was still spinning (1) or only after A gave up (0); A and B
 * finished within 5 s of that (1); scheduler errors (0).
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t JavaThreads_StartedRunsWhileStarterComputes}
 */
@JCStressTest
@Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "B ran on the free processor while A kept its own")
@Outcome(id = "0, 1, 0", expect = FORBIDDEN, desc = "starved: B waited in A's hand-off slot for the whole spin while the other processor stayed idle")
@Outcome(id = ".*, 0, .*", expect = FORBIDDEN, desc = "lost thread: A or B did not finish")
@Outcome(expect = FORBIDDEN, desc = "a scheduler failed (a Java thread or an upcall threw)")
@State
public class JavaThreads_StartedRunsWhileStarterComputes {
    /** Far beyond any wake-up latency, even on a loaded machine; short enough for jcstress. */
    static final Duration STARVED_AFTER = Duration.ofMillis(200);

    volatile boolean bRan;
    int ranWhileSpinning;
    int aFinished;
    final Thread b = StressRuntime.SCHEDULER.ofVirtual().unstarted(() -> bRan = true);
    final Thread a = StressRuntime.SCHEDULER.ofVirtual().unstarted(() -> {
        b.start();
        long until = System.nanoTime() + STARVED_AFTER.toNanos();
        while (!bRan && System.nanoTime() - until < 0) {
            Thread.onSpinWait();
        }
        ranWhileSpinning = bRan ? 1 : 0;
    });

    /**
     * Starts A and waits for it: jcstress calls an actor for many states in a row, and without
     * the join several A's would spin at once and leave no processor free.
     */
    @Actor
    public void startAndJoinA() {
        a.start();
        aFinished = StressRuntime.finished(a) ? 1 : 0;
    }

    /**
     * Does nothing: a second actor makes jcstress give one instance of this test both CPUs (with
     * one actor it runs two instances at once, and then neither processor is free).
     */
    @Actor
    public void leaveTheOtherProcessorFree() {
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r2 = aFinished == 1 & StressRuntime.finished(b) ? 1 : 0;
        r.r1 = ranWhileSpinning;
        r.r3 = StressRuntime.errors() == 0 ? 0 : 1;
    }
}
