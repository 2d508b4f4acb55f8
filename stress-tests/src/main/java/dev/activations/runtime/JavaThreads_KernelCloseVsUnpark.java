package dev.activations.runtime;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.activations.kernel.Kernel;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Closing a kernel never loses a Java thread of a scheduler on it: a platform thread starts a
 * Java thread, lets it park ({@code LockSupport.park} in a loop until a flag is set; it waits up
 * to 100 µs for that), sets the flag and unparks it, while another platform thread closes the
 * scheduler's kernel. {@code Kernel.close} preempts every carrier, waits for them to leave and
 * only then delivers {@code kernelClosed}, which closes the scheduler ({@code shutdown}:
 * write {@code closing}, then drain the shared queues into {@code Scheduler.orphan}). In
 * between, the scheduler is still open but has no processor and gets none: a submission then
 * waits in the global queue until that drain. Property: the thread always finishes, on our
 * processors or orphaned to the JDK's common pool; its {@code join} returns.
 *
 * <p>Each state has its own two-processor kernel (no blocking detection: nothing here blocks,
 * and it spares a monitor thread per state) and scheduler. Result: the thread finished
 * within 5 s (1); where its last run ended (1 a carrier of ours, 2 off our carriers: orphaned);
 * the unparker saw it parked (1) or not yet (0); errors (0: no thread or upcall threw, the
 * kernel's {@code close} did not throw).
 *
 * <p>Fails if: {@code Scheduler.kernelClosed} does not close the scheduler (a submission made
 * after the carriers left waits in the global queue for ever, "0, 0, 0, 0"), or
 * {@code Scheduler.shutdown} does not drain ({@code drainOrphans()} removed).
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t JavaThreads_KernelCloseVsUnpark}
 */
@JCStressTest
@Outcome(id = "1, 1, [01], 0", expect = ACCEPTABLE, desc = "finished on our processors (woken before the close took them)")
@Outcome(id = "1, 2, [01], 0", expect = ACCEPTABLE_INTERESTING, desc = "finished orphaned: a submission after (or drained by) the close ran in the common pool")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "lost thread: it did not finish within 5 s of the close")
@Outcome(id = ".*, [^0]", expect = FORBIDDEN, desc = "a thread, an upcall or the kernel's close failed")
@Outcome(expect = FORBIDDEN, desc = "impossible result")
@State
public class JavaThreads_KernelCloseVsUnpark {
    private static final long PARK_WAIT_NANOS = 100_000;

    final Kernel kernel = Kernel.builder().processors(2).blockingDetection(false).name("closing").build(); // no monitor thread per state
    final Scheduler scheduler = Scheduler.builder()
            .kernel(kernel)
            .name("closing")
            .uncaughtExceptionHandler(StressRuntime::uncaught)
            .build();
    volatile boolean go;
    volatile int endedOn;
    int sawParked;
    int closeFailed;
    final Thread t = scheduler.ofVirtual().unstarted(() -> {
        while (!go) {
            LockSupport.park();
        }
        endedOn = Carrier.worker() != null ? 1 : 2;
    });

    @Actor
    public void startThenUnpark() {
        t.start();
        long until = System.nanoTime() + PARK_WAIT_NANOS;
        while (t.getState() != Thread.State.WAITING && System.nanoTime() - until < 0) {
            Thread.onSpinWait();
        }
        sawParked = t.getState() == Thread.State.WAITING ? 1 : 0;
        go = true;
        LockSupport.unpark(t);
    }

    @Actor
    public void close() {
        try {
            kernel.close();
        } catch (RuntimeException e) {
            closeFailed = 1;
            StressRuntime.uncaught(Thread.currentThread(), e);
        }
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r1 = StressRuntime.finished(t) ? 1 : 0;
        r.r2 = endedOn;
        r.r3 = sawParked;
        r.r4 = closeFailed + StressRuntime.errors() + scheduler.space().stats().upcallFailures() == 0 ? 0 : 1;
    }
}
