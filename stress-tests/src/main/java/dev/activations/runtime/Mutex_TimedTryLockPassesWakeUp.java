package dev.activations.runtime;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * {@link Mutex}: a timed {@code tryLock} that gives up never swallows the release's wake-up.
 * An owner holds the mutex while W1 ({@code tryLock} with a random 0-300 us timeout) and then
 * W2 ({@code lock}, untimed) queue behind it; the owner releases, waking one waiter. If that
 * is W1 and W1 is just timing out, W1 must pass the wake-up on ("a waiter that gives up after
 * being chosen passes the wake-up on"), or W2 waits for ever.
 *
 * <p>Result: all three finished (1), W1 got the mutex (1) or timed out (0), mutex free at the
 * end (0), scheduler errors (0).
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t Mutex_TimedTryLockPassesWakeUp}
 */
@JCStressTest
@Outcome(id = "1, 1, 0, 0", expect = ACCEPTABLE, desc = "W1 got the mutex before its timeout, then W2")
@Outcome(id = "1, 0, 0, 0", expect = ACCEPTABLE_INTERESTING, desc = "W1 timed out; W2 got the mutex")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "lost wake-up: W2 (or W1) never got the mutex")
@Outcome(expect = FORBIDDEN, desc = "the mutex stayed locked, or the scheduler failed")
@State
public class Mutex_TimedTryLockPassesWakeUp {
    final Mutex m = new Mutex();
    final long timeout = ThreadLocalRandom.current().nextLong(300_000);
    volatile boolean held;
    volatile boolean w1Trying;
    volatile boolean w2Trying;
    int w1Got;

    final UserThread owner = StressRuntime.unstarted(() -> {
        m.lock();
        held = true;
        long until = System.nanoTime() + 1_000_000;
        while (!(w1Trying && w2Trying) && System.nanoTime() < until) {
            UserThread.yield();
        }
        m.unlock();
    });
    final UserThread w1 = StressRuntime.unstarted(() -> {
        while (!held) {
            UserThread.yield();
        }
        w1Trying = true;
        try {
            if (m.tryLock(timeout, TimeUnit.NANOSECONDS)) {
                w1Got = 1;
                m.unlock();
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    });
    final UserThread w2 = StressRuntime.unstarted(() -> {
        while (!w1Trying) {
            UserThread.yield();
        }
        w2Trying = true;
        m.lock();
        m.unlock();
    });

    @Actor
    public void ownerAndFirst() {
        owner.start();
        w1.start();
    }

    @Actor
    public void second() {
        w2.start();
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r1 = StressRuntime.finished(owner) & StressRuntime.finished(w1) & StressRuntime.finished(w2) ? 1 : 0;
        r.r2 = w1Got;
        r.r3 = m.isLocked() ? 1 : 0;
        r.r4 = StressRuntime.errors() == 0 ? 0 : 1;
    }
}
