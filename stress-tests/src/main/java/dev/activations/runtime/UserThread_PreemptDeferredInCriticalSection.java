package dev.activations.runtime;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.activations.kernel.VirtualProcessor;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIII_Result;

/**
 * Critical-section recovery: a preemption request racing the exit of the outermost critical
 * section is never acted on inside it and never lost.
 *
 * <p>A user thread runs a nested critical section of ~10 us full of safepoints
 * ({@code checkpoint()}), then one more safepoint after it. A platform thread waits until it is
 * inside and asks the kernel to preempt its processor ({@code AddressSpace.preempt}, the
 * priority policy's downcall), landing inside the section or just after it. "Stopped" is
 * detected from the thread itself: it was unmounted and remounted iff its worker or that
 * worker's dispatch count changed. Inside the section it must never be stopped (not even at
 * the inner section's exit); a request made while it was inside must have stopped it by the
 * safepoint after the section: at the outermost exit if a safepoint inside saw it, else at
 * that next safepoint.
 *
 * <p>Result: stopped inside (0), preempt requested while inside (1), or after (0), or the VP was
 * already given up (-1), where it stopped (0 not at all, 1 at the outermost exit, 2 at the
 * safepoint after), finished (1), scheduler errors (0).
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t UserThread_PreemptDeferredInCriticalSection}
 */
@JCStressTest
@Outcome(id = "0, 1, 1, 1, 0", expect = ACCEPTABLE, desc = "requested inside, deferred to the outermost exit")
@Outcome(id = "0, 1, 2, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "requested inside after its last safepoint there: honoured at the next one")
@Outcome(id = "0, 1, 0, .*", expect = FORBIDDEN, desc = "lost: requested inside the section, never honoured")
@Outcome(id = "0, 0, [012], 1, 0", expect = ACCEPTABLE, desc = "requested after the section (stopped at the next safepoint, or later)")
@Outcome(id = "0, -1, [012], 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "the thread left the VP (finished, or moved) and the VP was given up before the request")
@Outcome(id = "1, .*", expect = FORBIDDEN, desc = "stopped inside the critical section")
@Outcome(expect = FORBIDDEN, desc = "did not finish, or the scheduler failed")
@State
public class UserThread_PreemptDeferredInCriticalSection {
    static final long SECTION_NANOS = 10_000;

    volatile boolean entered;
    volatile boolean inside;
    volatile VirtualProcessor vp;
    int stoppedInside;
    int stoppedWhere;

    final UserThread t = StressRuntime.unstarted(() -> {
        UserThread self = UserThread.current();
        Worker[] w0 = new Worker[1];
        long[] d0 = new long[1];
        UserThread.critical(() -> {
            w0[0] = self.worker;
            d0[0] = w0[0].dispatches;
            vp = w0[0].vp;
            inside = true;
            entered = true;
            long until = System.nanoTime() + SECTION_NANOS;
            int i = 0;
            do {
                UserThread.checkpoint();
                if (moved(self, w0[0], d0[0])) {
                    stoppedInside = 1;
                }
                if (++i == 8) {
                    UserThread.critical(() -> {
                        for (int k = 0; k < 8; k++) {
                            UserThread.checkpoint();
                        }
                    });
                    if (moved(self, w0[0], d0[0])) {
                        stoppedInside = 1; // not even at the inner exit
                    }
                }
            } while (System.nanoTime() < until);
            inside = false;
        });
        if (moved(self, w0[0], d0[0])) {
            stoppedWhere = 1;
        } else {
            UserThread.checkpoint();
            stoppedWhere = moved(self, w0[0], d0[0]) ? 2 : 0;
        }
    });

    int requestedInside;

    static boolean moved(UserThread self, Worker w0, long d0) {
        return self.worker != w0 || w0.dispatches != d0;
    }

    @Actor
    public void starter() {
        t.start();
    }

    @Actor
    public void preempter() {
        int spins = 0;
        while (!entered) {
            if (++spins > 100) {
                Thread.yield();
            } else {
                Thread.onSpinWait();
            }
        }
        try {
            StressRuntime.SCHEDULER.space().preempt(vp);
            requestedInside = inside ? 1 : 0;
        } catch (IllegalArgumentException e) {
            requestedInside = -1; // the VP left the scheduler: nothing to preempt
        }
    }

    @Arbiter
    public void arbiter(IIIII_Result r) {
        r.r4 = StressRuntime.finished(t) ? 1 : 0;
        r.r1 = stoppedInside;
        r.r2 = requestedInside;
        r.r3 = stoppedWhere;
        r.r5 = StressRuntime.errors() == 0 ? 0 : 1;
    }
}
