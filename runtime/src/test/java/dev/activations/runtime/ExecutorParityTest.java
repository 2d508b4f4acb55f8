package dev.activations.runtime;

import static dev.activations.runtime.TestSupport.HANG;
import static dev.activations.runtime.TestSupport.awaitCondition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Side by side (issue 15): the same, unchanged {@code java.util.concurrent} code runs on
 * {@link Activations#newExecutor(Scheduler)} and on
 * {@link Executors#newVirtualThreadPerTaskExecutor()}, and must have the same outcome on both.
 * Each test is one row of the table of what the old runner executor got wrong; each
 * is parameterized by {@link Impl}, and nothing in a test body depends on which one runs.
 *
 * <p>Besides the outcome, every test checks where the tasks ran ({@link Placement}): on the
 * Activations executor, on a carrier of the test's scheduler (that scheduler really ran them);
 * on the JDK's, on none of ours.
 *
 * <p>The test scheduler's kernel has 2 processors, as many as the JDK's default scheduler has
 * carriers on the 2-core CI machine. Waits are bounded by {@link TestSupport#HANG} (a hang
 * guard, never a timing assertion).
 */
class ExecutorParityTest extends RuntimeTestBase {

    /** The two executors compared. */
    enum Impl { ACTIVATIONS, JDK_VIRTUAL }

    private final List<ExecutorService> opened = new ArrayList<>();

    private ExecutorService open(Impl impl) {
        ExecutorService ex = switch (impl) {
            case ACTIVATIONS -> Activations.newExecutor(scheduler);
            case JDK_VIRTUAL -> Executors.newVirtualThreadPerTaskExecutor();
        };
        opened.add(ex);
        return ex;
    }

    @AfterEach
    void stopExecutors() throws InterruptedException {
        for (ExecutorService ex : opened) {
            ex.shutdownNow();
            assertTrue(ex.awaitTermination(HANG.toSeconds(), TimeUnit.SECONDS), "executor terminates after the test: " + ex);
        }
    }

    /** Counts where tasks ran: on a carrier of the test scheduler, or elsewhere. */
    private final class Placement {
        final LongAdder ours = new LongAdder();
        final LongAdder elsewhere = new LongAdder();

        void record() {
            (TestSupport.schedulerHere() == scheduler ? ours : elsewhere).increment();
        }

        /** Exactly {@code n} records, all where {@code impl} runs its tasks. */
        void assertRan(Impl impl, long n) {
            long expectedOurs = impl == Impl.ACTIVATIONS ? n : 0;
            assertEquals(expectedOurs, ours.sum(), impl + ": task runs on the test scheduler's carriers");
            assertEquals(n - expectedOurs, elsewhere.sum(), impl + ": task runs elsewhere");
        }

        /** At least {@code n} records, all where {@code impl} runs its tasks. */
        void assertRanAtLeast(Impl impl, long n) {
            long total = ours.sum() + elsewhere.sum();
            assertTrue(total >= n, impl + ": at least " + n + " task runs recorded, saw " + total);
            assertRan(impl, total);
        }
    }

    private static <T> T get(Future<T> f) throws Exception {
        return f.get(HANG.toSeconds(), TimeUnit.SECONDS);
    }

    // ------------------------------------------------------------------ thread identity

    @ParameterizedTest
    @EnumSource(Impl.class)
    void threadLocalsSurviveAFutureGetOfASubTask(Impl impl) throws Exception {
        ExecutorService ex = open(impl);
        Placement where = new Placement();
        ThreadLocal<Integer> local = new ThreadLocal<>();
        InheritableThreadLocal<Integer> inherited = new InheritableThreadLocal<>();
        int n = 2_000;
        List<Future<String>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int me = i;
            fs.add(ex.submit(() -> {
                where.record();
                local.set(me);
                inherited.set(me);
                List<Integer> inSub = ex.submit(() -> Arrays.asList(local.get(), inherited.get())).get();
                where.record();
                return local.get() + " " + inSub;
            }));
        }
        for (int i = 0; i < n; i++) {
            assertEquals(i + " [null, " + i + "]", get(fs.get(i)),
                    "task " + i + ": keeps its own ThreadLocal; the sub-task (its own thread) inherits only the inheritable one");
        }
        where.assertRan(impl, 2L * n);
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void reentrantLockHeldAcrossAFutureGet(Impl impl) throws Exception {
        ExecutorService ex = open(impl);
        Placement where = new Placement();
        ReentrantLock lock = new ReentrantLock();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        int n = 500;
        List<Future<Boolean>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fs.add(ex.submit(() -> {
                lock.lock();
                try {
                    if (inside.incrementAndGet() != 1) {
                        overlaps.incrementAndGet();
                    }
                    where.record();
                    boolean subHolds = ex.submit(lock::isHeldByCurrentThread).get();
                    boolean stillMine = lock.isHeldByCurrentThread();
                    inside.decrementAndGet();
                    return !subHolds && stillMine;
                } finally {
                    lock.unlock();
                }
            }));
        }
        for (Future<Boolean> f : fs) {
            assertTrue(get(f), "the lock stays owned by the task's thread across the get, and not by the sub-task's");
        }
        assertEquals(0, overlaps.get(), "mutual exclusion held");
        assertFalse(lock.isLocked());
        where.assertRan(impl, n);
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void currentThreadIsTheSameBeforeAndAfterAFutureGet(Impl impl) throws Exception {
        ExecutorService ex = open(impl);
        Placement where = new Placement();
        int n = 1_000;
        List<Future<Thread>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fs.add(ex.submit(() -> {
                Thread before = Thread.currentThread();
                where.record();
                Thread sub = ex.submit(Thread::currentThread).get();
                Thread after = Thread.currentThread();
                if (before != after || sub == before || !before.isVirtual() || !sub.isVirtual()) {
                    throw new AssertionError("before " + before + ", sub-task " + sub + ", after " + after);
                }
                return before;
            }));
        }
        Set<Thread> threads = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Future<Thread> f : fs) {
            threads.add(get(f));
        }
        assertEquals(n, threads.size(), "every task ran in a thread of its own");
        where.assertRan(impl, n);
    }

    // ------------------------------------------------------------------ JUC blocking at scale

    @ParameterizedTest
    @EnumSource(Impl.class)
    void aThousandTasksMeetAtACyclicBarrier(Impl impl) throws Exception {
        ExecutorService ex = open(impl);
        Placement where = new Placement();
        int n = 1_000;
        AtomicInteger trips = new AtomicInteger();
        CyclicBarrier barrier = new CyclicBarrier(n, trips::incrementAndGet);
        List<Future<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fs.add(ex.submit(() -> {
                int arrival = barrier.await(HANG.toSeconds(), TimeUnit.SECONDS);
                where.record();
                return arrival;
            }));
        }
        boolean[] seen = new boolean[n];
        for (Future<Integer> f : fs) {
            seen[get(f)] = true;
        }
        for (int i = 0; i < n; i++) {
            assertTrue(seen[i], "arrival index " + i + " was handed out: all " + n + " arrived");
        }
        assertEquals(1, trips.get(), "the barrier tripped once");
        where.assertRan(impl, n);
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void fiveThousandSleepersAllFinish(Impl impl) throws Exception {
        ExecutorService ex = open(impl);
        Placement where = new Placement();
        int n = 5_000;
        List<Future<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int me = i;
            fs.add(ex.submit(() -> {
                Thread.sleep(200);
                where.record();
                return me;
            }));
        }
        for (int i = 0; i < n; i++) {
            assertEquals(i, get(fs.get(i)));
        }
        where.assertRan(impl, n);
    }

    // ------------------------------------------------------------------ interrupts

    /** A JUC wait that ends only by interrupt. */
    enum Wait { SLEEP, PARK, TAKE }

    /** Waits as {@code how} says until interrupted; returns what the task saw. */
    private static String waitUntilInterrupted(Wait how) {
        try {
            switch (how) {
                case SLEEP -> Thread.sleep(Duration.ofHours(1));
                case TAKE -> new ArrayBlockingQueue<String>(1).take();
                case PARK -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        LockSupport.park();
                    }
                    return "park returned, interrupted";
                }
                default -> throw new AssertionError(how);
            }
            return "returned without an interrupt";
        } catch (InterruptedException e) {
            return "InterruptedException";
        }
    }

    private static String expectedOnInterrupt(Wait how) {
        return how == Wait.PARK ? "park returned, interrupted" : "InterruptedException";
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void interruptAndCancelReachTheTasksThread(Impl impl) throws Exception {
        ExecutorService ex = open(impl);
        Placement where = new Placement();
        for (Wait how : Wait.values()) {
            // Thread.interrupt() on the task's thread.
            AtomicReference<Thread> thread = new AtomicReference<>();
            Future<String> f = ex.submit(() -> {
                thread.set(Thread.currentThread());
                String seen = waitUntilInterrupted(how);
                where.record();
                return seen;
            });
            awaitCondition(how + ": the task to start", () -> thread.get() != null);
            TestSupport.awaitWaiting(thread.get());
            thread.get().interrupt();
            assertEquals(expectedOnInterrupt(how), get(f), how + ", Thread.interrupt()");

            // Future.cancel(true).
            AtomicReference<Thread> cancelled = new AtomicReference<>();
            AtomicReference<String> seenByCancelled = new AtomicReference<>();
            CountDownLatch ended = new CountDownLatch(1);
            Future<?> c = ex.submit(() -> {
                cancelled.set(Thread.currentThread());
                seenByCancelled.set(waitUntilInterrupted(how));
                where.record();
                ended.countDown();
            });
            awaitCondition(how + ": the task to start", () -> cancelled.get() != null);
            TestSupport.awaitWaiting(cancelled.get());
            assertTrue(c.cancel(true));
            assertTrue(c.isCancelled());
            assertThrows(CancellationException.class, c::get);
            assertTrue(ended.await(HANG.toSeconds(), TimeUnit.SECONDS), how + ": the cancelled task ended");
            assertEquals(expectedOnInterrupt(how), seenByCancelled.get(), how + ", cancel(true)");
        }
        where.assertRan(impl, 2L * Wait.values().length);
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void shutdownNowWithSleepingAndParkedTasksTerminates(Impl impl) throws Exception {
        ExecutorService ex = open(impl);
        Placement where = new Placement();
        int sleeping = 100;
        int parked = 10_000;
        AtomicInteger in = new AtomicInteger();
        AtomicInteger interrupted = new AtomicInteger();
        for (int i = 0; i < sleeping; i++) {
            ex.execute(() -> {
                in.incrementAndGet();
                try {
                    Thread.sleep(600_000);
                } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                }
                where.record();
            });
        }
        for (int i = 0; i < parked; i++) {
            ex.execute(() -> {
                in.incrementAndGet();
                while (!Thread.currentThread().isInterrupted()) {
                    LockSupport.park();
                }
                interrupted.incrementAndGet();
                where.record();
            });
        }
        awaitCondition(() -> "every task to start: " + in, () -> in.get() == sleeping + parked);

        List<Runnable> neverStarted = ex.shutdownNow();

        assertTrue(neverStarted.isEmpty(), "thread-per-task: no task waits in a queue");
        assertTrue(ex.awaitTermination(20, TimeUnit.SECONDS), "terminates after shutdownNow");
        assertTrue(ex.isTerminated());
        assertEquals(sleeping + parked, interrupted.get(), "every task was interrupted");
        where.assertRan(impl, sleeping + parked);
    }

    // ------------------------------------------------------------------ sleepers hold no processor

    /**
     * The "two sleepers on two processors" defect: a compute task submitted after two
     * tasks went to sleep must not wait for them. Observed by order, not time: the compute task
     * finishes, and only then are the sleepers woken (by interrupt). They sleep far longer than
     * the 1.5 s so that "still sleeping" cannot depend on how loaded the machine is.
     */
    @ParameterizedTest
    @EnumSource(Impl.class)
    void aComputeTaskDoesNotWaitForTwoSleepersOnTwoProcessors(Impl impl) throws Exception {
        assertEquals(2, kernel.processors());
        ExecutorService ex = open(impl);
        Placement where = new Placement();
        AtomicInteger sleepersAwake = new AtomicInteger();
        List<Thread> sleepers = Collections.synchronizedList(new ArrayList<>());
        List<Future<?>> sleeping = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            sleeping.add(ex.submit(() -> {
                sleepers.add(Thread.currentThread());
                where.record();
                try {
                    Thread.sleep(Duration.ofMinutes(10));
                } finally {
                    sleepersAwake.incrementAndGet();
                }
                return null;
            }));
        }
        awaitCondition("both sleepers to start", () -> sleepers.size() == 2);
        sleepers.forEach(TestSupport::awaitWaiting);

        Future<Integer> compute = ex.submit(() -> {
            where.record();
            long x = 0;
            for (int i = 0; i < 1_000_000; i++) {
                x += x * 31 + i;
            }
            return x == 42 ? -1 : sleepersAwake.get();
        });

        assertEquals(0, get(compute), "the compute task finished while both sleepers still slept");
        assertEquals(0, sleepersAwake.get());
        for (Thread s : sleepers) {
            assertEquals(Thread.State.TIMED_WAITING, s.getState(), "sleeper " + s + " still sleeping");
        }
        sleeping.forEach(f -> f.cancel(true));
        awaitCondition("the sleepers to wake on cancel", () -> sleepersAwake.get() == 2);
        where.assertRan(impl, 3);
    }

    // ------------------------------------------------------------------ ExecutorService contract

    @ParameterizedTest
    @EnumSource(Impl.class)
    void invokeAllWithANullTaskThrowsAndDoesNotHang(Impl impl) throws Exception {
        ExecutorService ex = open(impl);
        Placement where = new Placement();
        CountDownLatch never = new CountDownLatch(1);
        AtomicInteger entered = new AtomicInteger();
        AtomicInteger interrupted = new AtomicInteger();
        Callable<String> blocks = () -> {
            entered.incrementAndGet();
            where.record();
            try {
                never.await();
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
            }
            return "never";
        };
        List<Callable<String>> withNull = Arrays.asList(blocks, null, () -> "after the null");
        assertTimeoutPreemptively(HANG, () -> assertThrows(NullPointerException.class, () -> ex.invokeAll(withNull)));
        assertTimeoutPreemptively(HANG, () -> assertThrows(NullPointerException.class,
                () -> ex.invokeAll(withNull, 1, TimeUnit.HOURS)));
        ex.shutdown();
        assertTrue(ex.awaitTermination(HANG.toSeconds(), TimeUnit.SECONDS),
                "the tasks submitted before the null were cancelled, so the executor terminates");
        assertEquals(entered.get(), interrupted.get(), "a task before the null that had started was interrupted");
        where.assertRan(impl, entered.get());
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void invokeAnyReturnsASuccessAndInterruptsTheLosers(Impl impl) throws Exception {
        ExecutorService ex = open(impl);
        Placement where = new Placement();
        int losers = 3;
        CountDownLatch losersIn = new CountDownLatch(losers);
        CountDownLatch never = new CountDownLatch(1);
        AtomicInteger interrupted = new AtomicInteger();
        List<Callable<String>> tasks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            tasks.add(() -> {
                throw new IllegalStateException("fails");
            });
        }
        for (int i = 0; i < losers; i++) {
            tasks.add(() -> {
                where.record();
                losersIn.countDown();
                try {
                    never.await();
                } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                }
                return "loser";
            });
        }
        tasks.add(() -> {
            where.record();
            losersIn.await(); // wins only after every loser started: all of them must be interrupted
            return "winner";
        });
        assertEquals("winner", ex.invokeAny(tasks));
        ex.shutdown();
        assertTrue(ex.awaitTermination(HANG.toSeconds(), TimeUnit.SECONDS));
        assertEquals(losers, interrupted.get(), "every loser was interrupted");

        ExecutorService ex2 = open(impl);
        List<Callable<String>> allFail = List.of(() -> {
            throw new IllegalStateException("a");
        }, () -> {
            throw new IllegalStateException("b");
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> ex2.invokeAny(allFail));
        assertInstanceOf(IllegalStateException.class, e.getCause());
        where.assertRan(impl, losers + 1);
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void anInterruptedInvokeAllThrowsAndCancelsItsTasks(Impl impl) throws Exception {
        ExecutorService ex = open(impl);
        Placement where = new Placement();
        CountDownLatch never = new CountDownLatch(1);
        int n = 5;
        CountDownLatch in = new CountDownLatch(n);
        AtomicInteger interrupted = new AtomicInteger();
        List<Callable<String>> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tasks.add(() -> {
                where.record();
                in.countDown();
                try {
                    never.await();
                } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                }
                return "never";
            });
        }
        AtomicReference<Thread> caller = new AtomicReference<>();
        // The caller is itself a task of the executor, interrupted while its invokeAll waits.
        Future<Throwable> outcome = ex.submit(() -> {
            caller.set(Thread.currentThread());
            where.record();
            try {
                ex.invokeAll(tasks);
                return null;
            } catch (Throwable e) {
                return e;
            }
        });
        assertTrue(in.await(HANG.toSeconds(), TimeUnit.SECONDS), "every task of the invokeAll started");
        caller.get().interrupt();
        assertInstanceOf(InterruptedException.class, get(outcome));
        awaitCondition(() -> "the invokeAll's tasks to be interrupted: " + interrupted, () -> interrupted.get() == n);

        Thread.currentThread().interrupt(); // an invokeAll entered with the flag set
        try {
            assertThrows(InterruptedException.class, () -> ex.invokeAll(List.of(() -> {
                where.record();
                never.await();
                return "never";
            })));
        } finally {
            Thread.interrupted();
        }
        ex.shutdown();
        assertTrue(ex.awaitTermination(HANG.toSeconds(), TimeUnit.SECONDS), "nothing left running");
        where.assertRanAtLeast(impl, n + 1);
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void timedInvokeAllPastItsDeadlineCancelsTheRestAndTheExecutorStillTerminates(Impl impl) throws Exception {
        ExecutorService ex = open(impl);
        Placement where = new Placement();
        CountDownLatch never = new CountDownLatch(1);
        int slow = 20;
        AtomicInteger entered = new AtomicInteger();
        AtomicInteger interrupted = new AtomicInteger();
        List<Callable<String>> tasks = new ArrayList<>();
        tasks.add(() -> "quick");
        for (int i = 0; i < slow; i++) {
            tasks.add(() -> {
                entered.incrementAndGet();
                where.record();
                try {
                    never.await();
                } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                }
                return "never";
            });
        }
        List<Future<String>> fs = ex.invokeAll(tasks, 20, TimeUnit.MILLISECONDS);
        assertEquals(tasks.size(), fs.size());
        for (int i = 0; i < fs.size(); i++) {
            Future<String> f = fs.get(i);
            assertTrue(f.isDone(), "every future is done when the timed invokeAll returns");
            if (i > 0) {
                assertTrue(f.isCancelled(), "a task that could not finish was cancelled");
                assertThrows(CancellationException.class, f::get);
            } else {
                assertTrue(f.isCancelled() || "quick".equals(f.get()), "the quick task either finished or was cancelled");
            }
        }
        // A task still running after the cancellations: no early termination, no negative count.
        CountDownLatch gate = new CountDownLatch(1);
        Future<String> last = ex.submit(() -> {
            where.record();
            gate.await();
            return "last";
        });
        ex.shutdown();
        assertFalse(ex.isTerminated(), "a task still runs");
        assertFalse(ex.awaitTermination(10, TimeUnit.MILLISECONDS), "a task still runs");
        gate.countDown();
        assertEquals("last", get(last));
        assertTrue(ex.awaitTermination(HANG.toSeconds(), TimeUnit.SECONDS), "terminates once the last task ended");
        assertTrue(ex.isTerminated());
        assertEquals(entered.get(), interrupted.get(), "every slow task that had started was interrupted");
        where.assertRan(impl, entered.get() + 1L);
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void closeWaitsForEveryTask(Impl impl) throws Exception {
        ExecutorService ex = open(impl);
        Placement where = new Placement();
        AtomicInteger done = new AtomicInteger();
        int n = 50;
        try (ex) {
            for (int i = 0; i < n; i++) {
                ex.execute(() -> {
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    where.record();
                    done.incrementAndGet();
                });
            }
        }
        assertEquals(n, done.get(), "close() returned only after every task finished");
        assertTrue(ex.isShutdown());
        assertTrue(ex.isTerminated());
        where.assertRan(impl, n);
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void shutdownRunsAcceptedTasksRefusesNewOnesAndTerminates(Impl impl) throws Exception {
        ExecutorService ex = open(impl);
        Placement where = new Placement();
        assertFalse(ex.awaitTermination(0, TimeUnit.SECONDS), "not shut down: not terminated");
        assertFalse(ex.isTerminated());
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger done = new AtomicInteger();
        int n = 100;
        List<Future<String>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fs.add(ex.submit(() -> {
                release.await();
                where.record();
                done.incrementAndGet();
                return "ran";
            }));
        }
        ex.shutdown();
        assertTrue(ex.isShutdown());
        assertFalse(ex.isTerminated(), "tasks still run");
        assertFalse(ex.awaitTermination(1, TimeUnit.MILLISECONDS), "tasks still run");
        assertThrows(RejectedExecutionException.class, () -> ex.execute(() -> { }));
        assertThrows(RejectedExecutionException.class, () -> ex.submit(() -> 1));
        assertThrows(RejectedExecutionException.class, () -> ex.submit(() -> { }));
        assertThrows(RejectedExecutionException.class, () -> ex.invokeAll(List.of(() -> 1)));
        assertThrows(RejectedExecutionException.class, () -> ex.invokeAny(List.of(() -> 1)));
        release.countDown();
        assertTrue(ex.awaitTermination(HANG.toSeconds(), TimeUnit.SECONDS), "terminates once the accepted tasks ran");
        assertTrue(ex.isTerminated());
        assertEquals(n, done.get(), "every accepted task ran after shutdown()");
        for (Future<String> f : fs) {
            assertEquals("ran", f.get());
        }
        ex.shutdown(); // idempotent
        assertTrue(ex.awaitTermination(0, TimeUnit.SECONDS));
        assertTrue(ex.shutdownNow().isEmpty());
        where.assertRan(impl, n);
    }

    @ParameterizedTest
    @EnumSource(Impl.class)
    void failuresReachTheFuture(Impl impl) throws Exception {
        ExecutorService ex = open(impl);
        IllegalStateException boom = new IllegalStateException("boom");
        Future<Object> f = ex.submit(() -> {
            throw boom;
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> get(f));
        assertSame(boom, e.getCause());
        assertTrue(f.isDone());
        assertFalse(f.isCancelled());
        assertEquals(Future.State.FAILED, f.state());
        assertSame(boom, f.exceptionNow());
        Future<String> ok = ex.submit(() -> "ok");
        assertEquals("ok", get(ok));
        assertEquals(Future.State.SUCCESS, ok.state());
        assertFalse(ok.cancel(true), "a finished task cannot be cancelled");
        assertNull(get(ex.submit(() -> { })));
        assertEquals(7, get(ex.submit(() -> { }, 7)));
    }

    // ------------------------------------------------------------------ CompletableFuture

    @ParameterizedTest
    @EnumSource(Impl.class)
    void completableFutureAsyncChainsRunOnTheExecutor(Impl impl) {
        ExecutorService ex = open(impl);
        Placement where = new Placement();
        int n = 500;
        List<CompletableFuture<Integer>> chains = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int me = i;
            chains.add(CompletableFuture.supplyAsync(() -> {
                where.record();
                return me;
            }, ex).thenApplyAsync(v -> {
                where.record();
                return v * 2;
            }, ex).thenCombineAsync(CompletableFuture.supplyAsync(() -> {
                where.record();
                return 1;
            }, ex), (a, b) -> {
                where.record();
                return a + b;
            }, ex));
        }
        long sum = 0;
        for (CompletableFuture<Integer> c : chains) {
            sum += c.orTimeout(HANG.toSeconds(), TimeUnit.SECONDS).join();
        }
        assertEquals(2L * (n - 1) * n / 2 + n, sum);
        CompletableFuture<Object> failed = CompletableFuture.supplyAsync(() -> {
            throw new IllegalStateException("stage failed");
        }, ex).thenApplyAsync(v -> v, ex);
        Throwable cause = assertThrows(CompletionException.class, failed::join).getCause();
        assertInstanceOf(IllegalStateException.class, cause);
        assertEquals("stage failed", cause.getMessage());
        where.assertRan(impl, 4L * n);
    }
}
