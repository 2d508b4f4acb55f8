package dev.activations.runtime;

import static dev.activations.runtime.TestSupport.HANG;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The executor facade ({@link Activations}) against the {@link ExecutorService} contract.
 *
 * <p>What it proves:
 * <ul>
 *   <li>{@code submit}/{@code execute} run each task in a user thread of the executor's
 *       scheduler; results and failures reach the {@link Future}; a failing
 *       {@code execute}d task reaches the scheduler's uncaught-exception handler;</li>
 *   <li>runners: tasks queued behind a computing runner reuse it (no thread per task); a
 *       runner that parks lets another take the queue (tasks waiting for tasks queued behind
 *       them finish, on one processor), and so does one blocked in the kernel; an interrupt
 *       sent to a cancelled task never reaches the next task on the same runner; runners end
 *       when the queue is empty;</li>
 *   <li>{@code invokeAll} (plain and timed: unfinished tasks are cancelled) and
 *       {@code invokeAny} (first success wins, the rest are cancelled; all failing →
 *       {@link ExecutionException}; timed → {@link TimeoutException});</li>
 *   <li>{@code shutdown}: accepted tasks still run, new ones are refused with
 *       {@link RejectedExecutionException} (execute, submit, invokeAll, invokeAny);
 *       {@code awaitTermination} is false while tasks run and true after;</li>
 *   <li>{@code shutdownNow}: running tasks are interrupted (parked and computing ones), the
 *       never-started ones are returned (exactly those, as given) and never run;</li>
 *   <li>{@code close()} waits for every task; an executor that made its scheduler detaches
 *       it on close;</li>
 *   <li>{@code Future.get()} inside a user thread (nested and chained submissions),
 *       {@code get(timeout)}, {@code cancel(true)} interrupting a running task;</li>
 *   <li>{@link CompletableFuture} stages run on the executor's user threads.</li>
 * </ul>
 */
class ExecutorTest extends RuntimeTestBase {
    private final List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    private Scheduler executorScheduler;
    private ExecutorService executor;

    @BeforeEach
    void startExecutor() {
        executorScheduler = track(Scheduler.builder().kernel(kernel).name("executor").policy(policy())
                .seed(TestSupport.seed()).uncaughtExceptionHandler((c, e) -> uncaught.add(e)).build());
        executor = Activations.newExecutor(executorScheduler);
    }

    private final List<Kernel> oneProcessorKernels = new ArrayList<>();
    private final List<ExecutorService> oneProcessorExecutors = new ArrayList<>();

    @AfterEach
    void stopExecutor() {
        executor.shutdownNow();
        for (ExecutorService ex : oneProcessorExecutors) {
            ex.shutdownNow();
        }
        for (Kernel k : oneProcessorKernels) {
            k.close();
            TestSupport.assertNoCarriersAlive(k.name());
        }
    }

    @Test
    void submitAndExecuteRunTasksInUserThreads() throws Exception {
        assertEquals("value", executor.submit(() -> "value").get());
        assertNull(executor.submit(() -> { }).get());
        assertEquals(7, executor.submit(() -> { }, 7).get());
        Future<Scheduler> where = executor.submit(() -> UserThread.current().scheduler());
        assertSame(executorScheduler, where.get(), "tasks run as user threads of the executor's scheduler");
        assertTrue(where.isDone());
        assertFalse(where.isCancelled());

        Latch ran = new Latch(100);
        Set<UserThread> threads = java.util.Collections.synchronizedSet(new HashSet<>());
        for (int i = 0; i < 100; i++) {
            executor.execute(() -> {
                threads.add(UserThread.current());
                ran.countDown();
            });
        }
        assertTrue(ran.await(HANG), "every executed task ran");
        assertTrue(threads.stream().allMatch(t -> t.scheduler() == executorScheduler), "every task ran in a user thread of the executor's scheduler");
    }

    /**
     * An executor over its own one-processor kernel (what runs where is deterministic there);
     * shut down and its kernel closed after the test.
     */
    private ExecutorService oneProcessorExecutor(boolean blockingDetection) {
        Kernel k1 = Kernel.builder().processors(1).blockingDetection(blockingDetection).name(kernel.name() + "-one").build();
        oneProcessorKernels.add(k1);
        Scheduler s = track(Scheduler.builder().kernel(k1).name("one").policy(policy()).seed(TestSupport.seed()).build());
        ExecutorService ex = Activations.newExecutor(s);
        oneProcessorExecutors.add(ex);
        return ex;
    }

    @Test
    void tasksQueuedBehindAComputingRunnerReuseIt() throws Exception {
        ExecutorService ex = oneProcessorExecutor(false);
        Set<UserThread> threads = java.util.Collections.synchronizedSet(new HashSet<>());
        Latch ran = new Latch(100);
        // The submitting task computes on the only processor, so all 100 wait in the queue and
        // its runner takes them one by one when it is done: no thread is started for them.
        ex.execute(() -> {
            threads.add(UserThread.current());
            for (int i = 0; i < 100; i++) {
                ex.execute(() -> {
                    threads.add(UserThread.current());
                    ran.countDown();
                });
            }
        });
        assertTrue(ran.await(HANG), "every queued task ran");
        assertEquals(1, threads.size(), "one runner ran the submitter and the 100 tasks queued behind it");
        ex.shutdown();
        assertTrue(ex.awaitTermination(HANG.toSeconds(), TimeUnit.SECONDS));
        Scheduler s = ((ActivationsExecutor) ex).scheduler();
        TestSupport.awaitCondition("the runner to end once the queue is empty", () -> s.stats().liveThreads() == 0);
    }

    @Test
    void aRunnerThatParksLetsAnotherRunnerTakeTheQueue() throws Exception {
        ExecutorService ex = oneProcessorExecutor(false);
        // One processor: the first task waits for the second, queued behind it. A pool of one
        // runner would deadlock here; the parked runner makes room for a second one.
        Latch second = new Latch(1);
        Future<String> first = ex.submit(() -> {
            second.await();
            return "released";
        });
        Future<?> releaser = ex.submit(second::countDown);
        assertEquals("released", first.get(HANG.toSeconds(), TimeUnit.SECONDS));
        assertNull(releaser.get(HANG.toSeconds(), TimeUnit.SECONDS));
        ex.shutdown();
        assertTrue(ex.awaitTermination(HANG.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void aRunnerBlockedInTheKernelLetsAnotherRunnerTakeTheQueue() throws Exception {
        ExecutorService ex = oneProcessorExecutor(true);
        AtomicReference<String> order = new AtomicReference<>("");
        Latch queued = new Latch(1);
        // The first task blocks its carrier (bracketed) until the second has run: only a second
        // runner on the processor the kernel hands off can run it.
        Future<?> blocker = ex.submit(() -> {
            queued.await();
            long until = System.nanoTime() + HANG.toNanos();
            UserThread.blocking(() -> {
                while (!order.get().contains("second") && System.nanoTime() < until) {
                    Thread.sleep(1); // the carrier sleeps: a kernel block, not a user-level park
                }
                return null;
            });
            order.accumulateAndGet(" first", String::concat);
            return null;
        });
        Future<?> second = ex.submit(() -> order.accumulateAndGet("second", String::concat));
        queued.countDown();
        blocker.get(HANG.toSeconds(), TimeUnit.SECONDS);
        second.get(HANG.toSeconds(), TimeUnit.SECONDS);
        assertEquals("second first", order.get(), "the queued task ran while the first runner was blocked in the kernel");
    }

    @Test
    void anInterruptForACancelledTaskNeverReachesTheNextTaskOnItsRunner() throws Exception {
        ExecutorService ex = oneProcessorExecutor(false);
        for (int round = 0; round < 20; round++) {
            Latch started = new Latch(1);
            AtomicReference<Boolean> nextSawInterrupt = new AtomicReference<>();
            AtomicReference<UserThread> firstRunner = new AtomicReference<>();
            AtomicReference<UserThread> nextRunner = new AtomicReference<>();
            Future<?> first = ex.submit(() -> {
                firstRunner.set(UserThread.current());
                started.countDown();
                while (!UserThread.current().isInterrupted()) {
                    UserThread.yield(); // computes (no park): the next task stays queued behind it
                }
            });
            Future<?> next = ex.submit(() -> {
                nextRunner.set(UserThread.current());
                nextSawInterrupt.set(UserThread.current().isInterrupted());
            });
            started.await();
            assertTrue(first.cancel(true));
            next.get(HANG.toSeconds(), TimeUnit.SECONDS);
            assertSame(firstRunner.get(), nextRunner.get(), "the next task ran on the cancelled task's runner");
            assertFalse(nextSawInterrupt.get(), "round " + round + ": the cancel's interrupt leaked into the next task");
        }
    }

    @Test
    void failuresReachTheFutureAndTheHandler() throws InterruptedException {
        IllegalStateException boom = new IllegalStateException("boom");
        Future<Object> f = executor.submit(() -> {
            throw boom;
        });
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        assertSame(boom, e.getCause());
        assertTrue(f.isDone());
        assertFalse(f.isCancelled());
        assertTrue(uncaught.isEmpty(), "a submitted task's failure belongs to its future only");

        IllegalArgumentException lost = new IllegalArgumentException("from execute");
        executor.execute(() -> {
            throw lost;
        });
        TestSupport.awaitCondition("the execute()d task's failure to reach the uncaught-exception handler",
                () -> uncaught.contains(lost));
    }

    @Test
    void invokeAllReturnsFuturesInOrder() throws Exception {
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            int n = i;
            tasks.add(() -> {
                if (n == 13) {
                    throw new IllegalStateException("13");
                }
                UserThread.yield();
                return n * n;
            });
        }
        List<Future<Integer>> fs = executor.invokeAll(tasks);
        assertEquals(50, fs.size());
        for (int i = 0; i < 50; i++) {
            assertTrue(fs.get(i).isDone());
            if (i == 13) {
                int k = i;
                ExecutionException e = assertThrows(ExecutionException.class, () -> fs.get(k).get());
                assertEquals("13", e.getCause().getMessage());
            } else {
                assertEquals(i * i, fs.get(i).get());
            }
        }
    }

    @Test
    void timedInvokeAllCancelsWhatDidNotFinish() throws Exception {
        Latch never = new Latch(1);
        AtomicInteger entered = new AtomicInteger();
        AtomicInteger interrupted = new AtomicInteger();
        List<Callable<String>> tasks = List.of(
                () -> "quick",
                () -> {
                    entered.incrementAndGet();
                    try {
                        never.await();
                    } catch (InterruptedException e) {
                        interrupted.incrementAndGet();
                    }
                    return "never";
                });
        List<Future<String>> fs = executor.invokeAll(tasks, 50, TimeUnit.MILLISECONDS);
        assertEquals("quick", fs.get(0).get());
        assertTrue(fs.get(1).isCancelled(), "the unfinished task was cancelled");
        assertThrows(CancellationException.class, () -> fs.get(1).get());
        awaitTasksGone();
        assertEquals(entered.get(), interrupted.get(), "the cancelled task, if it had started, was interrupted");
    }

    @Test
    void invokeAnyReturnsASuccessAndCancelsTheRest() throws Exception {
        Latch never = new Latch(1);
        AtomicInteger entered = new AtomicInteger();
        AtomicInteger interrupted = new AtomicInteger();
        List<Callable<String>> tasks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            tasks.add(() -> {
                throw new IllegalStateException("fails");
            });
        }
        for (int i = 0; i < 3; i++) {
            tasks.add(() -> {
                entered.incrementAndGet();
                try {
                    never.await();
                } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                }
                return "late";
            });
        }
        tasks.add(() -> "winner");
        assertEquals("winner", executor.invokeAny(tasks));
        awaitTasksGone(); // losers that had not started are cancelled unrun; the others are interrupted
        assertEquals(entered.get(), interrupted.get(), "every losing task that had started was interrupted");

        List<Callable<String>> allFail = List.of(() -> {
            throw new IllegalStateException("a");
        }, () -> {
            throw new IllegalStateException("b");
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> executor.invokeAny(allFail));
        assertInstanceOf(IllegalStateException.class, e.getCause());

        List<Callable<String>> slow = List.of(() -> {
            never.await();
            return "never";
        });
        assertThrows(TimeoutException.class, () -> executor.invokeAny(slow, 5, TimeUnit.MILLISECONDS));
    }

    /** Waits until every task thread of the executor has ended (run, failed or cancelled). */
    private void awaitTasksGone() {
        TestSupport.awaitCondition(() -> "the executor's task threads to end: " + executorScheduler.stats(),
                () -> executorScheduler.stats().liveThreads() == 0);
    }

    @Test
    void shutdownRunsAcceptedTasksAndRefusesNewOnes() throws Exception {
        Latch release = new Latch(1);
        AtomicInteger done = new AtomicInteger();
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            fs.add(executor.submit(() -> {
                release.await();
                done.incrementAndGet();
                return null;
            }));
        }
        executor.shutdown();
        assertTrue(executor.isShutdown());
        assertFalse(executor.isTerminated(), "tasks are still running");
        assertFalse(executor.awaitTermination(1, TimeUnit.MILLISECONDS), "awaitTermination is false while tasks run");
        assertThrows(RejectedExecutionException.class, () -> executor.execute(() -> { }));
        assertThrows(RejectedExecutionException.class, () -> executor.submit(() -> 1));
        assertThrows(RejectedExecutionException.class, () -> executor.invokeAll(List.of(() -> 1)));
        assertThrows(RejectedExecutionException.class, () -> executor.invokeAny(List.of(() -> 1)));
        release.countDown();
        assertTrue(executor.awaitTermination(HANG.toSeconds(), TimeUnit.SECONDS), "terminates once accepted tasks ran");
        assertTrue(executor.isTerminated());
        assertEquals(100, done.get(), "every accepted task ran after shutdown()");
        for (Future<?> f : fs) {
            assertNull(f.get());
        }
        executor.shutdown(); // idempotent
        assertTrue(executor.awaitTermination(0, TimeUnit.SECONDS));
    }

    @Test
    void shutdownNowInterruptsRunningTasksAndReturnsTheNeverStarted() throws Exception {
        // One processor and no blocking detection: nothing can take the processor from the
        // spinner below, so the tasks queued behind it are certainly never started.
        try (Kernel k1 = Kernel.builder().processors(1).blockingDetection(false).name(kernel.name() + "-one").build()) {
            Scheduler s = track(Scheduler.builder().kernel(k1).name("stop").policy(policy()).seed(TestSupport.seed()).build());
            ExecutorService ex = Activations.newExecutor(s);
            int parkedTasks = 20;
            Latch never = new Latch(1);
            AtomicInteger entered = new AtomicInteger();
            AtomicInteger interrupted = new AtomicInteger();
            for (int i = 0; i < parkedTasks; i++) {
                ex.execute(() -> {
                    entered.incrementAndGet();
                    try {
                        never.await();
                    } catch (InterruptedException e) {
                        interrupted.incrementAndGet();
                    }
                });
            }
            TestSupport.awaitCondition("parked tasks to start", () -> entered.get() == parkedTasks);
            AtomicInteger spinnerState = new AtomicInteger();
            ex.execute(() -> {
                spinnerState.set(1);
                // Computes without a safepoint: holds the only processor until interrupted.
                while (!UserThread.current().isInterrupted()) {
                    Thread.onSpinWait();
                }
                spinnerState.set(2);
            });
            TestSupport.awaitCondition("the spinner to hold the processor", () -> spinnerState.get() == 1);
            AtomicInteger neverStartedRan = new AtomicInteger();
            List<Runnable> executed = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Runnable r = neverStartedRan::incrementAndGet;
                executed.add(r);
                ex.execute(r);
            }
            List<Future<?>> submitted = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                submitted.add(ex.submit(neverStartedRan::incrementAndGet));
            }

            List<Runnable> returned = ex.shutdownNow();

            assertEquals(15, returned.size(), "exactly the never-started tasks come back");
            for (Runnable r : executed) {
                assertTrue(returned.stream().anyMatch(x -> x == r), "an execute()d task comes back as given");
            }
            for (Future<?> f : submitted) {
                assertTrue(returned.stream().anyMatch(x -> x == f), "a submitted task comes back as its future");
                assertTrue(f.isCancelled());
                assertThrows(CancellationException.class, f::get);
            }
            assertTrue(ex.awaitTermination(HANG.toSeconds(), TimeUnit.SECONDS), "terminates after shutdownNow");
            assertEquals(parkedTasks, interrupted.get(), "every parked task was interrupted");
            assertEquals(2, spinnerState.get(), "the computing task was interrupted");
            assertEquals(0, neverStartedRan.get(), "a returned task never runs");
            assertThrows(RejectedExecutionException.class, () -> ex.execute(() -> { }));
            assertTrue(ex.shutdownNow().isEmpty(), "a second shutdownNow finds nothing");
        }
    }

    @Test
    void closeWaitsForEveryTaskAndDetachesItsOwnScheduler() throws Exception {
        AtomicInteger done = new AtomicInteger();
        ActivationsExecutor owned = (ActivationsExecutor) Activations.newExecutor(kernel, "owned", 5);
        Scheduler s = track(owned.scheduler());
        try (ExecutorService ex = owned) {
            for (int i = 0; i < 50; i++) {
                ex.execute(() -> {
                    try {
                        UserThread.sleep(Duration.ofMillis(2));
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    done.incrementAndGet();
                });
            }
        }
        assertEquals(50, done.get(), "close() returned only after every task finished");
        assertTrue(owned.isTerminated());
        assertThrows(IllegalStateException.class, () -> s.start(() -> { }), "the executor's own scheduler is closed with it");

        try (ExecutorService shared = Activations.newExecutor(scheduler)) {
            assertEquals(1, shared.submit(() -> 1).get());
        }
        TestSupport.assertStillWorks(scheduler); // an executor over a given scheduler leaves it open
    }

    @Test
    void getInsideUserThreadsNestedAndChained() throws Exception {
        assertEquals(42, executor.submit(() -> executor.submit(() -> 42).get()).get());
        int depth = 200;
        assertEquals(depth, executor.submit(() -> chain(depth)).get());
        AtomicReference<Throwable> timeout = new AtomicReference<>();
        Latch never = new Latch(1);
        Future<?> parked = executor.submit(() -> {
            never.await();
            return null;
        });
        executor.submit(() -> {
            try {
                parked.get(2, TimeUnit.MILLISECONDS);
            } catch (Throwable e) {
                timeout.set(e);
            }
        }).get();
        assertInstanceOf(TimeoutException.class, timeout.get());
        assertThrows(TimeoutException.class, () -> parked.get(1, TimeUnit.MILLISECONDS), "from a platform thread too");
        parked.cancel(true);
    }

    private int chain(int n) throws Exception {
        if (n == 0) {
            return 0;
        }
        return executor.submit(() -> chain(n - 1)).get() + 1;
    }

    @Test
    void cancelInterruptsARunningTask() throws Exception {
        Latch started = new Latch(1);
        Latch never = new Latch(1);
        AtomicReference<Throwable> seen = new AtomicReference<>();
        Latch finished = new Latch(1);
        Future<?> f = executor.submit(() -> {
            started.countDown();
            try {
                never.await();
            } catch (InterruptedException e) {
                seen.set(e);
            }
            finished.countDown();
        });
        started.await();
        assertTrue(f.cancel(true));
        assertTrue(f.isCancelled());
        assertTrue(f.isDone());
        assertThrows(CancellationException.class, f::get);
        assertFalse(f.cancel(true), "cancelling twice");
        assertTrue(finished.await(HANG));
        assertInstanceOf(InterruptedException.class, seen.get());

        Future<String> done = executor.submit(() -> "done");
        assertEquals("done", done.get());
        assertFalse(done.cancel(true), "a finished task cannot be cancelled");
    }

    @Test
    void completableFutureStagesRunOnTheExecutor() {
        CompletableFuture<String> cf = CompletableFuture
                .supplyAsync(() -> UserThread.current() != null ? 20 : -1, executor)
                .thenApplyAsync(v -> v + (UserThread.current() != null ? 1 : -100), executor)
                .thenCombineAsync(CompletableFuture.supplyAsync(() -> 21, executor), Integer::sum, executor)
                .thenApplyAsync(v -> v + "@" + UserThread.current().scheduler().name(), executor);
        assertEquals("42@executor", cf.orTimeout(HANG.toSeconds(), TimeUnit.SECONDS).join());

        List<CompletableFuture<Integer>> many = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            int n = i;
            many.add(CompletableFuture.supplyAsync(() -> n, executor).thenApplyAsync(v -> v * 2, executor));
        }
        int sum = 0;
        for (CompletableFuture<Integer> c : many) {
            sum += c.orTimeout(HANG.toSeconds(), TimeUnit.SECONDS).join();
        }
        assertEquals(2 * (499 * 500 / 2), sum);
        CompletableFuture<Object> failed = CompletableFuture.supplyAsync(() -> {
            throw new IllegalStateException("stage failed");
        }, executor);
        Throwable cause = assertThrows(java.util.concurrent.CompletionException.class, failed::join).getCause();
        assertNotNull(cause);
        assertEquals("stage failed", cause.getMessage());
    }
}
