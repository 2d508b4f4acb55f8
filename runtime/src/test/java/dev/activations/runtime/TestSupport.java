package dev.activations.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Helpers shared by the runtime tests.
 *
 * <h2>Hang guards, not timings</h2>
 * No test asserts how long anything took. Every wait has a generous bound ({@link #HANG})
 * only so that a lost wake-up or a deadlock fails with a message that says what hung,
 * instead of stalling the build. Polls ({@link #awaitCondition}) sleep briefly between
 * checks and never assert on elapsed time.
 *
 * <h2>Policy and seed</h2>
 * Tests build their schedulers with {@link #policy()}: the system property
 * {@code activations.test.policy} (a {@link Policy} name, default {@code WORK_STEALING}), so
 * the whole suite can be rerun under another policy with
 * {@code -Dactivations.test.policy=RANDOMIZED}. {@link RandomizedPolicyTest} also runs the
 * primitive and executor tests under {@link Policy#RANDOMIZED} in every build. The seed of
 * randomised schedulers comes from {@code activations.test.seed} (default fixed, printed on
 * failure by the tests that use it) so that a failing order can be replayed.
 */
final class TestSupport {
    /** Bound for any single wait in a test; only reached when something hangs. */
    static final Duration HANG = Duration.ofSeconds(60);

    /**
     * The growth of {@code a} over that of {@code b} in a window from now: 2 s, widened by half a
     * second at a time up to 8 s while outside [{@code low}, {@code high}]; every window's figures
     * for the message ({@link Ratio}). For the kernel's processor-time accounts: on a loaded machine a carrier
     * reaches its safepoint late and its space holds a VP past its slice, a debt the kernel repays
     * (up to 200 ms) over the next slices, which a longer window shows. The same as the kernel
     * tests' {@code Await.ratio} (another module's test code).
     */
    static Ratio ratio(LongSupplier a, LongSupplier b, double low, double high) throws InterruptedException {
        long a0 = a.getAsLong();
        long b0 = b.getAsLong();
        long t0 = System.nanoTime();
        Thread.sleep(2_000);
        StringBuilder windows = new StringBuilder();
        while (true) {
            long da = a.getAsLong() - a0;
            long db = b.getAsLong() - b0;
            long ms = (System.nanoTime() - t0) / 1_000_000;
            double r = (double) da / db;
            windows.append(String.format("%n  %d ms: %d : %d ms, ratio %.3f", ms, da / 1_000_000, db / 1_000_000, r));
            if ((r >= low && r <= high) || ms >= 8_000) {
                return new Ratio(r, windows.toString());
            }
            Thread.sleep(500);
        }
    }

    /** {@link #ratio}'s result: the last window's ratio, and every window's figures for a message. */
    record Ratio(double value, String windows) {
    }

    /**
     * Called on a thread that holds a processor taken from {@code low}'s displaced carrier: spins,
     * holding it, until {@code low} has had a processor preempted (the displaced carrier stopped at
     * its safepoint), or {@link #HANG} passed. {@code low.stats()} takes locks, so a platform watcher
     * polls it: were the spinning thread to block on one of them, a Java thread would unmount and a
     * user thread's carrier could be handed off, its space would give the processor up, and the
     * displaced carrier would get it back unstopped (reinstated), so no preemption would ever come.
     */
    static void holdProcessorUntilPreempted(Scheduler low) {
        AtomicBoolean preempted = new AtomicBoolean();
        long deadline = System.nanoTime() + HANG.toNanos();
        // polls every 100 µs, not in a tight loop: the displaced carrier needs the same locks and a CPU
        Thread.ofPlatform().daemon().name("preemption-watcher").start(() -> {
            while (low.stats().preemptions() == 0 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(100_000);
            }
            preempted.set(true);
        });
        while (!preempted.get() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    private TestSupport() {
    }

    /** The policy tests use unless they pick one: {@code -Dactivations.test.policy}, default WORK_STEALING. */
    static Policy policy() {
        String p = System.getProperty("activations.test.policy");
        return p == null || p.isBlank() ? Policy.WORK_STEALING : Policy.valueOf(p.trim().toUpperCase());
    }

    /** Seed for randomised schedulers: {@code -Dactivations.test.seed}, default 42. */
    static long seed() {
        return Long.getLong("activations.test.seed", 42L);
    }

    /** Something a test runs that may throw anything. */
    @FunctionalInterface
    interface Body {
        void run() throws Throwable;
    }

    /**
     * Runs {@code body} in a new user thread of {@code s}, waits for it (hang guard) and
     * rethrows whatever it threw, so assertions inside user threads fail the test.
     */
    static void inUserThread(Scheduler s, Body body) {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        UserThread t = s.thread().name("test-body").start(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        join(t);
        rethrow(failure.get());
    }

    /** Starts a user thread in {@code s} that records what it throws in {@code failures}. */
    static UserThread startChecked(Scheduler s, String name, List<Throwable> failures, Body body) {
        return s.thread().name(name).start(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                synchronized (failures) {
                    failures.add(e);
                }
            }
        });
    }

    /** Fails with the first recorded failure (others attached as suppressed), if any. */
    static void assertNoFailures(List<Throwable> failures) {
        synchronized (failures) {
            if (!failures.isEmpty()) {
                Throwable first = failures.get(0);
                for (int i = 1; i < Math.min(failures.size(), 5); i++) {
                    first.addSuppressed(failures.get(i));
                }
                rethrow(first);
            }
        }
    }

    static void rethrow(Throwable e) {
        if (e == null) {
            return;
        }
        if (e instanceof Error err) {
            throw err;
        }
        if (e instanceof RuntimeException re) {
            throw re;
        }
        throw new AssertionError(e);
    }

    /** Joins {@code t} from a platform or user thread; fails (with its stack) if it hangs. */
    static void join(UserThread t) {
        try {
            if (!t.join(HANG)) {
                fail("user thread " + t + " did not finish within " + HANG + " (hang); it is parked at "
                        + Arrays.toString(t.stackTrace()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while joining " + t, e);
        }
    }

    static void joinAll(Collection<UserThread> threads) {
        for (UserThread t : threads) {
            join(t);
        }
    }

    /** Joins a platform or Java (virtual) thread with the hang guard. */
    static void join(Thread t) {
        try {
            t.join(HANG);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while joining " + t, e);
        }
        if (t.isAlive()) {
            fail("thread " + t + " did not finish within " + HANG + " (hang): "
                    + Arrays.toString(t.getStackTrace()));
        }
    }

    /**
     * Waits until {@code condition} holds, checking every millisecond or so; fails with
     * {@code what} if it does not hold within {@link #HANG}. Works on platform and user
     * threads (a user thread sleeps with {@link UserThread#sleep}).
     */
    static void awaitCondition(String what, BooleanSupplier condition) {
        awaitCondition(() -> what, condition);
    }

    static void awaitCondition(Supplier<String> what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + HANG.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("gave up waiting (hang guard, " + HANG + "): " + what.get());
            }
            try {
                UserThread.sleep(Duration.ofMillis(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for: " + what.get(), e);
            }
        }
    }

    /** Waits until {@code t} is parked (it reached a wait and unmounted). */
    static void awaitParked(UserThread t) {
        awaitCondition(() -> t + " to park", () -> t.state() == UserThread.State.PARKED);
    }

    // ------------------------------------------------------------------ Java threads

    /**
     * The scheduler whose carrier the caller runs on now, or null (a platform thread, a JDK
     * virtual thread on the JDK's own scheduler, a Java thread of a closed scheduler finishing
     * on orphan carriers). Inside a Java thread of {@code s}: {@code s}. This is how a test
     * proves that a task ran on one of our carriers, and on which scheduler's.
     */
    static Scheduler schedulerHere() {
        Worker w = Carrier.worker();
        return w != null ? w.scheduler : null;
    }

    /** Starts a Java thread of {@code s} that records what it throws in {@code failures}. */
    static Thread startJava(Scheduler s, String name, List<Throwable> failures, Body body) {
        return s.ofVirtual().name(name).start(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                synchronized (failures) {
                    failures.add(e);
                }
            }
        });
    }

    /**
     * Runs {@code body} in a new Java thread of {@code s}, waits for it (hang guard) and
     * rethrows whatever it threw.
     */
    static void inJavaThread(Scheduler s, Body body) {
        List<Throwable> failures = new ArrayList<>();
        join(startJava(s, "test-body", failures, body));
        assertNoFailures(failures);
    }

    /**
     * Waits until {@code t} waits (WAITING or TIMED_WAITING: a Java thread parked, sleeping, or
     * in a JUC wait).
     */
    static void awaitWaiting(Thread t) {
        awaitCondition(() -> t + " to wait, is " + t.getState(),
                () -> t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING);
    }

    /** Carrier threads of the kernel named {@code kernelName} that are still alive. */
    static List<Thread> carriersAlive(String kernelName) {
        List<Thread> alive = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(kernelName + "-activation-") && t.isAlive()) {
                alive.add(t);
            }
        }
        return alive;
    }

    static void assertNoCarriersAlive(String kernelName) {
        List<Thread> alive = carriersAlive(kernelName);
        assertTrue(alive.isEmpty(), () -> "carriers of kernel " + kernelName + " still alive after close: " + alive);
    }

    /** A short follow-up workload: after bad input, the scheduler must still run threads correctly. */
    static void assertStillWorks(Scheduler s) {
        int n = 200;
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        Mutex m = new Mutex();
        int[] plain = new int[1];
        List<UserThread> ts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ts.add(s.start(() -> {
                for (int k = 0; k < 10; k++) {
                    m.lock();
                    try {
                        plain[0]++;
                    } finally {
                        m.unlock();
                    }
                    UserThread.yield();
                }
                done.incrementAndGet();
            }));
        }
        joinAll(ts);
        assertEquals(n, done.get(), "follow-up workload: every thread ran");
        m.lock();
        try {
            assertEquals(n * 10, plain[0], "follow-up workload: mutex kept every increment");
        } finally {
            m.unlock();
        }
    }
}
