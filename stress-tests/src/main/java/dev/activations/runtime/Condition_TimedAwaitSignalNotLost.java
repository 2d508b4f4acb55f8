package dev.activations.runtime;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * {@link Mutex} conditions: a signal is never lost to a timed waiter that reports a timeout.
 *
 * <p>{@code Condition}'s contract: an implementation may favour indicating that the waiting
 * time elapsed over returning normally in response to a signal, but then "the implementation
 * must ensure that the signal is redirected to another waiting thread, if there is one"
 * ({@code java.util.concurrent.locks.Condition}, Implementation Considerations). Here the head
 * waiter W1 awaits with a short random timeout (0-1 ms), W2 waits untimed behind it, and a
 * platform thread signals once when both are queued, racing W1's timeout. If W1 reports a
 * timeout ({@code await} returned false), W2 must be woken by that signal; if W1 reports
 * the signal, W2 keeps waiting (the arbiter then releases it).
 *
 * <p>Result: W1 reported a timeout (1) or the signal (0); W2 was woken by the signal (1/0);
 * both finished in the end (1); scheduler errors (0).
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t Condition_TimedAwaitSignalNotLost}
 */
@JCStressTest
@Outcome(id = "0, 0, 1, 0", expect = ACCEPTABLE, desc = "W1 took the signal before its timeout; W2 still waits")
@Outcome(id = "1, 1, 1, 0", expect = ACCEPTABLE_INTERESTING, desc = "W1 timed out; the signal went to W2")
@Outcome(id = "1, 0, .*", expect = FORBIDDEN, desc = "lost signal: W1 reported a timeout but consumed the signal; W2 was never woken")
@Outcome(id = "0, 1, .*", expect = FORBIDDEN, desc = "one signal woke two waiters")
@Outcome(expect = FORBIDDEN, desc = "a waiter never finished, or the scheduler failed")
@State
public class Condition_TimedAwaitSignalNotLost {
    final Mutex m = new Mutex();
    final Condition c = m.newCondition();
    final long timeout = ThreadLocalRandom.current().nextLong(1_000_000);
    volatile boolean w1Queued;
    volatile boolean w2Queued;
    volatile boolean signalled;
    int w1TimedOut;
    volatile int w2Woken;

    final UserThread w1 = StressRuntime.unstarted(() -> {
        m.lock();
        try {
            w1Queued = true; // under the mutex: await queues before it releases it
            w1TimedOut = c.await(timeout, TimeUnit.NANOSECONDS) ? 0 : 1;
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        } finally {
            m.unlock();
        }
    });
    final UserThread w2 = StressRuntime.unstarted(() -> {
        while (!w1Queued) {
            UserThread.yield();
        }
        m.lock();
        try {
            w2Queued = true;
            c.awaitUninterruptibly();
            w2Woken = signalled ? 1 : 0; // 0: woken by the arbiter's clean-up, not by the signal
        } finally {
            m.unlock();
        }
    });

    @Actor
    public void waiters() {
        w1.start();
        w2.start();
    }

    @Actor
    public void signaller() {
        int spins = 0;
        while (!(w1Queued && w2Queued)) {
            if (++spins > 100) {
                Thread.yield();
            }
        }
        m.lock();
        try {
            c.signal();
            signalled = true;
        } finally {
            m.unlock();
        }
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        boolean w1Done = StressRuntime.finished(w1);
        boolean w2Done = w1Done && w1TimedOut == 1 && StressRuntime.finished(w2);
        r.r1 = w1TimedOut;
        r.r2 = w2Woken;
        if (!w2Done) {
            signalled = false;
            m.lock();
            try {
                c.signalAll(); // clean-up: W2 legitimately still waits (or the signal was lost)
            } finally {
                m.unlock();
            }
            w2Done = StressRuntime.finished(w2);
        }
        r.r3 = w1Done && w2Done ? 1 : 0;
        r.r4 = StressRuntime.errors() == 0 ? 0 : 1;
    }
}
