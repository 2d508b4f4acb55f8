package dev.activations.runtime;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * End to end, on the two-processor kernel of {@link StressRuntime}: a Java thread A, mounted on
 * one of our carriers, starts Java thread B. The JDK calls our executor with A pinned;
 * {@code JavaThreads.submit} sees a Java thread of this scheduler mounted and puts B in that
 * worker's hand-off slot. A then spins (up to 200 µs, until B has run), so its carrier stays on
 * its processor while the other processor, woken by a second actor's Java thread C, spins and,
 * on its last chance before going idle, steals B out of the slot; otherwise A's worker takes B
 * itself once A ends. Property: B runs exactly once and finishes, whoever takes it; nothing in
 * either scheduler throws (a submission run twice while B was already running or done would
 * be ignored by the JDK's own state CAS, so {@link JavaThreads_HandOffVsSteal} checks "never
 * twice" on the queues themselves).
 *
 * <p>Result: A, B and C finished within 5 s (1), times B's body ran (1), B ran on another
 * carrier than the one A started it on (1: stolen) or on A's (0), scheduler errors (0).
 *
 * <p>Fails if: {@code Worker.takeNext} returns null (the owner never takes its own hand-off
 * slot, and a worker leaving its processor leaves it there too): B is found only when the
 * other processor takes its last chance at the right moment, and otherwise never runs
 * ("0, 0, -1, 0"). Removing only the {@code takeNext()} call from {@code WorkStealingQueues.next}
 * does not fail it: the leaving worker's {@code drain} moves B to the global queue (a delay, not
 * a loss).
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t JavaThreads_StartFromJavaThreadVsSteal}
 */
@JCStressTest
@Outcome(id = "1, 1, 0, 0", expect = ACCEPTABLE, desc = "B ran once, on A's carrier (taken from the hand-off slot by its owner)")
@Outcome(id = "1, 1, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "B ran once, on the other carrier (stolen from A's hand-off slot)")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "lost submission: a thread did not finish within 5 s")
@Outcome(id = ".*, [^0]", expect = FORBIDDEN, desc = "a scheduler failed (a Java thread or an upcall threw)")
@Outcome(expect = FORBIDDEN, desc = "B's body ran a number of times other than once")
@State
public class JavaThreads_StartFromJavaThreadVsSteal {
    private static final long SPIN_NANOS = 200_000;

    final AtomicInteger bRuns = new AtomicInteger();
    volatile Thread startedOn; // A's carrier when it started B
    volatile Thread ranOn; // B's carrier
    final Thread b = StressRuntime.SCHEDULER.ofVirtual().unstarted(() -> {
        ranOn = VirtualThreads.currentCarrier();
        bRuns.incrementAndGet();
    });
    final Thread a = StressRuntime.SCHEDULER.ofVirtual().unstarted(() -> {
        b.start(); // A is mounted on our carrier: B goes to that worker's hand-off slot
        startedOn = VirtualThreads.currentCarrier();
        long until = System.nanoTime() + SPIN_NANOS;
        while (bRuns.get() == 0 && System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    });
    final Thread c = StressRuntime.SCHEDULER.ofVirtual().unstarted(() -> { });

    @Actor
    public void startA() {
        a.start();
    }

    @Actor
    public void startC() {
        c.start();
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r1 = StressRuntime.finished(a) & StressRuntime.finished(b) & StressRuntime.finished(c) ? 1 : 0;
        r.r2 = bRuns.get();
        r.r3 = ranOn == null || startedOn == null ? -1 : ranOn == startedOn ? 0 : 1;
        r.r4 = StressRuntime.errors() == 0 ? 0 : 1;
    }
}
