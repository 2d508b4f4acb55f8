package dev.activations.runtime;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Critical-section recovery after a blocking call: a user thread inside a critical section
 * makes a bracketed blocking call ({@code UserThread.blocking}, 3 ms) long enough for the
 * monitor to hand its processor to another activation (blockedAfter is 200 us by default). When the call
 * returns, {@code exitKernel} fails; the thread must not stop inside the section but continue
 * on its carrier until the outermost exit, and stop there (the kernel then delivers
 * {@code activationUnblocked} and it is re-queued). Two such threads run at once.
 *
 * <p>"Revoked" is read from the carrier's state right after the call returned (BLOCKED: the
 * monitor won, {@code exitKernel} failed) and again as the section's last action; "stopped" from
 * the thread's worker and its dispatch count (unmounted and remounted). Result, for each of the
 * two threads: 0 = the VP was not revoked and the thread never stopped; 1 = revoked, ran on to
 * the end of the section, stopped exactly at its exit; 2 = stopped inside the section; 3 =
 * revoked but not stopped at the exit (the deferred stop was lost); 4 = stopped at the exit
 * although its carrier still held the VP at the section's end; 5 = the call returned in time
 * but the running carrier's VP was revoked later in the section (the monitor took a wait inside
 * it for a block: a hand-off the protocol allows), and it stopped at the exit. Then finished
 * (1), scheduler errors (0).
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t UserThread_RevokedInCriticalSection}
 */
@JCStressTest
@Outcome(id = "1, 1, 1, 0", expect = ACCEPTABLE, desc = "both revoked; each ran on to its section's end and stopped there")
@Outcome(id = "[01], [01], 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "a call returned before the monitor revoked its VP")
@Outcome(id = "[015], [015], 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "a VP revoked later in the section, after its call returned; stopped at the exit")
@Outcome(id = "2, .*", expect = FORBIDDEN, desc = "the first thread stopped inside its critical section")
@Outcome(id = ".*, 2, .*", expect = FORBIDDEN, desc = "the second thread stopped inside its critical section")
@Outcome(id = "3, .*", expect = FORBIDDEN, desc = "the first thread's revocation was lost at the section exit")
@Outcome(id = ".*, 3, .*", expect = FORBIDDEN, desc = "the second thread's revocation was lost at the section exit")
@Outcome(expect = FORBIDDEN, desc = "stopped at the exit without a revocation, did not finish, or the scheduler failed")
@State
public class UserThread_RevokedInCriticalSection {
    int verdict1;
    int verdict2;
    final UserThread t1 = StressRuntime.unstarted(() -> verdict1 = blockInCriticalSection());
    final UserThread t2 = StressRuntime.unstarted(() -> verdict2 = blockInCriticalSection());

    static int blockInCriticalSection() {
        UserThread self = UserThread.current();
        Worker[] w0 = new Worker[1];
        long[] d0 = new long[1];
        int[] revoked = new int[1];
        int[] revokedLater = new int[1];
        boolean[] stoppedInside = new boolean[1];
        UserThread.critical(() -> {
            w0[0] = self.worker;
            d0[0] = w0[0].dispatches;
            try {
                UserThread.blocking(() -> {
                    Thread.sleep(3);
                    return null;
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            // The carrier's state, not its signal word: the monitor CASes the state to BLOCKED
            // (which fails exitKernel) before it publishes REVOKED in the signal word.
            revoked[0] = self.worker.act.isRunningOnProcessor() ? 0 : 1;
            for (int k = 0; k < 16; k++) {
                UserThread.checkpoint();
                UserThread.critical(UserThread::checkpoint);
            }
            stoppedInside[0] = UserThread_PreemptDeferredInCriticalSection.moved(self, w0[0], d0[0]);
            revokedLater[0] = self.worker.act.isRunningOnProcessor() ? 0 : 1;
        });
        boolean stoppedAtExit = UserThread_PreemptDeferredInCriticalSection.moved(self, w0[0], d0[0]);
        if (stoppedInside[0]) {
            return 2;
        }
        if (revoked[0] == 1) {
            return stoppedAtExit ? 1 : 3;
        }
        if (revokedLater[0] == 1) {
            return stoppedAtExit ? 5 : 3;
        }
        return stoppedAtExit ? 4 : 0;
    }

    @Actor
    public void first() {
        t1.start();
    }

    @Actor
    public void second() {
        t2.start();
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r3 = StressRuntime.finished(t1) & StressRuntime.finished(t2) ? 1 : 0;
        r.r1 = verdict1;
        r.r2 = verdict2;
        r.r4 = StressRuntime.errors() == 0 ? 0 : 1;
    }
}
