package dev.activations.runtime;

import static dev.activations.runtime.TestSupport.awaitParked;
import static dev.activations.runtime.TestSupport.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.activations.kernel.Kernel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The life of one {@link UserThread}: identity, start, join, sleep, yield, interrupts,
 * uncaught exceptions and {@link UserThreadLocal}s.
 *
 * <p>What it proves:
 * <ul>
 *   <li>{@code current()} is the running thread inside a user thread and null outside; a
 *       thread started from a user thread lands in the same scheduler; name, priority and
 *       state are reported as built;</li>
 *   <li>{@code join} waits for the end (from user and platform threads), {@code join(Duration)}
 *       answers false while the thread lives and true after;</li>
 *   <li>an exception, an {@link Error} or a {@link StackOverflowError} ends only its own
 *       thread: the handler (thread's, else the scheduler's) gets it, {@code failure()}
 *       returns it, the counters record it, and other threads, including later ones on the
 *       same carriers, run normally; a handler that throws harms nothing;</li>
 *   <li>interrupts: the flag, {@code interrupted()} clearing it, interrupted sleeps throwing
 *       {@link InterruptedException} with the flag cleared, an interrupt before a sleep;</li>
 *   <li>{@link UserThreadLocal}: one value per user thread even when threads share a carrier
 *       and move between carriers; initial values; remove; platform threads behave like a
 *       {@link ThreadLocal}.</li>
 * </ul>
 */
class UserThreadTest extends RuntimeTestBase {

    @Test
    void identityInsideAndOutside() {
        assertNull(UserThread.current(), "a platform thread has no current user thread");
        AtomicReference<UserThread> seen = new AtomicReference<>();
        AtomicReference<UserThread> child = new AtomicReference<>();
        UserThread t = scheduler.thread().name("named").priority(7).start(() -> {
            seen.set(UserThread.current());
            child.set(UserThread.start(() -> { }));
        });
        join(t);
        assertSame(t, seen.get(), "current() inside is the thread's own handle");
        assertEquals("named", t.name());
        assertEquals(7, t.priority());
        assertSame(scheduler, t.scheduler());
        assertSame(scheduler, child.get().scheduler(), "a thread started in a user thread joins its scheduler");
        join(child.get());
        assertEquals(UserThread.State.TERMINATED, t.state());
        assertFalse(t.isAlive());
        assertNull(t.failure());
        assertTrue(t.toString().contains("named"));
    }

    @Test
    void unstartedThreadIsNewAndStartsOnce() {
        AtomicBoolean ran = new AtomicBoolean();
        UserThread t = scheduler.thread().unstarted(() -> ran.set(true));
        assertEquals(UserThread.State.NEW, t.state());
        assertFalse(t.isAlive());
        assertEquals(UserThread.NORM_PRIORITY, t.priority(), "default priority");
        assertTrue(t.name().startsWith("user-"), "default name: " + t.name());
        t.start();
        assertThrows(IllegalStateException.class, t::start, "a thread starts once");
        join(t);
        assertTrue(ran.get());
    }

    @Test
    void joinWaitsForTheEndFromUserAndPlatformThreads() throws InterruptedException {
        Latch release = new Latch(1);
        AtomicBoolean finished = new AtomicBoolean();
        UserThread worker = scheduler.start(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            finished.set(true);
        });
        AtomicBoolean joinerSawEnd = new AtomicBoolean();
        UserThread joiner = scheduler.start(() -> {
            try {
                worker.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            joinerSawEnd.set(finished.get());
        });
        awaitParked(worker);
        assertFalse(worker.join(Duration.ofMillis(1)), "join(Duration) is false while the thread lives");
        assertFalse(worker.join(Duration.ZERO), "join(ZERO) only checks");
        release.countDown();
        assertTrue(worker.join(TestSupport.HANG), "join(Duration) is true once it ended");
        worker.join(); // returns at once now
        join(joiner);
        assertTrue(joinerSawEnd.get(), "a joining user thread resumes only after the end");
    }

    @Test
    void exceptionEndsOnlyItsThreadAndReachesTheHandler() {
        List<Throwable> handled = new CopyOnWriteArrayList<>();
        RuntimeException boom = new IllegalArgumentException("boom");
        UserThread failing = scheduler.thread().uncaughtExceptionHandler((c, e) -> handled.add(e)).start(() -> {
            throw boom;
        });
        UserThread healthy = scheduler.start(() -> {
            for (int i = 0; i < 100; i++) {
                UserThread.yield();
            }
        });
        join(failing);
        join(healthy);
        assertSame(boom, failing.failure());
        assertEquals(List.of(boom), handled);
        assertNull(healthy.failure());
        assertEquals(1, scheduler.stats().failed());
        TestSupport.assertStillWorks(scheduler);
    }

    @Test
    void schedulerHandlerIsTheDefaultAndAThrowingHandlerHarmsNothing() {
        List<Throwable> handled = new CopyOnWriteArrayList<>();
        Scheduler s = track(Scheduler.builder().kernel(kernel).name("handled").policy(policy())
                .uncaughtExceptionHandler((c, e) -> {
                    handled.add(e);
                    throw new IllegalStateException("handler fails too");
                }).build());
        List<UserThread> ts = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            int n = i;
            ts.add(s.start(() -> {
                UserThread.yield();
                throw new IllegalStateException("task " + n);
            }));
        }
        TestSupport.joinAll(ts);
        assertEquals(50, handled.size(), "the scheduler's handler saw every failure");
        assertEquals(50, s.stats().failed());
        TestSupport.assertStillWorks(s);
    }

    @Test
    void errorsAndStackOverflowEndOnlyTheirThread() {
        List<Throwable> handled = new CopyOnWriteArrayList<>();
        Scheduler s = track(Scheduler.builder().kernel(kernel).name("errors").policy(policy())
                .uncaughtExceptionHandler((c, e) -> handled.add(e)).build());
        UserThread overflow = s.start(() -> recurse(0));
        UserThread error = s.start(() -> {
            throw new AssertionError("an Error");
        });
        join(overflow);
        join(error);
        assertInstanceOf(StackOverflowError.class, overflow.failure());
        assertInstanceOf(AssertionError.class, error.failure());
        assertEquals(2, handled.size());
        // The carriers that ran them keep running threads, deep stacks included.
        UserThread deep = s.start(() -> assertEquals(2_000, depth(2_000)));
        join(deep);
        assertNull(deep.failure());
        TestSupport.assertStillWorks(s);
    }

    private static int recurse(int n) {
        return recurse(n + 1) + 1;
    }

    private static int depth(int n) {
        if (n == 0) {
            return 0;
        }
        UserThread.checkpoint();
        return depth(n - 1) + 1;
    }

    @Test
    void yieldLetsOthersRun() {
        // One processor: the setter can only run if the waiter, which never parks, yields it.
        try (Kernel k1 = Kernel.builder().processors(1).blockingDetection(false).name(kernel.name() + "-one").build()) {
            Scheduler s = track(Scheduler.builder().kernel(k1).name("yield").policy(policy()).seed(TestSupport.seed()).build());
            AtomicBoolean waiting = new AtomicBoolean();
            AtomicBoolean flag = new AtomicBoolean();
            AtomicInteger turns = new AtomicInteger();
            UserThread waiter = s.start(() -> {
                waiting.set(true);
                while (!flag.get()) {
                    UserThread.yield();
                    turns.incrementAndGet();
                }
            });
            TestSupport.awaitCondition("the waiter to spin", waiting::get);
            UserThread setter = s.start(() -> flag.set(true));
            join(setter);
            join(waiter);
            assertTrue(turns.get() > 0, "the waiter yielded at least once before the setter ran");
        }
    }

    @Test
    void sleepReturnsAndIgnoresNonPositiveDurations() {
        inUserThread(() -> {
            UserThread.sleep(Duration.ofMillis(2));
            UserThread.sleep(Duration.ZERO);
            UserThread.sleep(Duration.ofMillis(-5));
        });
    }

    @Test
    void interruptedSleepThrowsAndClearsTheFlag() {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean flagAfter = new AtomicBoolean(true);
        UserThread sleeper = scheduler.start(() -> {
            try {
                UserThread.sleep(Duration.ofHours(1));
            } catch (InterruptedException e) {
                thrown.set(e);
                flagAfter.set(UserThread.current().isInterrupted());
            }
        });
        awaitParked(sleeper);
        sleeper.interrupt();
        join(sleeper);
        assertInstanceOf(InterruptedException.class, thrown.get());
        assertFalse(flagAfter.get(), "InterruptedException clears the flag");
    }

    @Test
    void interruptBeforeSleepMakesItThrowAtOnce() {
        inUserThread(() -> {
            UserThread me = UserThread.current();
            me.interrupt();
            assertTrue(me.isInterrupted());
            assertThrows(InterruptedException.class, () -> UserThread.sleep(Duration.ofHours(1)));
            assertFalse(me.isInterrupted());
            me.interrupt();
            assertTrue(UserThread.interrupted(), "interrupted() reports the flag");
            assertFalse(UserThread.interrupted(), "and clears it");
        });
    }

    @Test
    void userThreadLocalsAreIsolatedPerThread() {
        AtomicInteger initialCalls = new AtomicInteger();
        UserThreadLocal<Integer> local = UserThreadLocal.withInitial(() -> {
            initialCalls.incrementAndGet();
            return -1;
        });
        UserThreadLocal<String> plain = new UserThreadLocal<>();
        int n = 200;
        List<Throwable> failures = new ArrayList<>();
        List<UserThread> ts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int me = i;
            ts.add(TestSupport.startChecked(scheduler, "local-" + i, failures, () -> {
                assertEquals(-1, local.get(), "initial value");
                assertNull(plain.get(), "no initial value: null");
                local.set(me);
                plain.set("v" + me);
                for (int k = 0; k < 20; k++) {
                    UserThread.yield(); // others run on this carrier; this thread may move carriers
                    assertEquals(me, local.get());
                    assertEquals("v" + me, plain.get());
                }
                local.remove();
                assertEquals(-1, local.get(), "after remove(): the initial value again");
            }));
        }
        TestSupport.joinAll(ts);
        TestSupport.assertNoFailures(failures);
        assertEquals(2 * n, initialCalls.get(), "the initial supplier runs once per thread and again after remove()");
    }

    @Test
    void userThreadLocalOnAPlatformThreadIsAThreadLocal() {
        UserThreadLocal<String> local = UserThreadLocal.withInitial(() -> "init");
        local.set("platform");
        AtomicReference<String> inUser = new AtomicReference<>();
        join(scheduler.start(() -> inUser.set(local.get())));
        assertEquals("init", inUser.get(), "a user thread does not see the platform thread's value");
        assertEquals("platform", local.get());
        local.remove();
        assertEquals("init", local.get());
    }

    @Test
    void statsCountStartedAndTerminatedThreads() {
        List<UserThread> ts = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            ts.add(scheduler.start(UserThread::yield));
        }
        TestSupport.joinAll(ts);
        SchedulerStats st = scheduler.stats();
        assertEquals(100, st.started());
        TestSupport.awaitCondition("terminations counted", () -> scheduler.stats().terminated() == 100);
        assertEquals(0, scheduler.stats().liveThreads());
        assertNotNull(st.name());
    }
}
