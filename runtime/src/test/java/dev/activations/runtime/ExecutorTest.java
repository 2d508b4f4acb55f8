package dev.activations.runtime;

import static dev.activations.runtime.TestSupport.HANG;
import static dev.activations.runtime.TestSupport.awaitCondition;
import static dev.activations.runtime.TestSupport.schedulerHere;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.activations.kernel.Kernel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
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
 * The executor facade ({@link Activations}): each task in its own Java thread (a virtual
 * thread) of the executor's {@link Scheduler}. What any thread-per-task executor must do is
 * checked side by side with the JDK's in {@link ExecutorParityTest}; this class checks what is
 * ours: where tasks run, how they share our processors, and the executor's own scheduler.
 *
 * <p>What it proves:
 * <ul>
 *   <li>{@code submit}/{@code execute} run each task in a virtual thread of its own, on a
 *       carrier of the executor's scheduler ({@link TestSupport#schedulerHere()}), with no
 *       {@link UserThread#current()}; a failing {@code execute}d task reaches the scheduler's
 *       uncaught-exception handler, a submitted one only its {@link Future};</li>
 *   <li>on one processor without blocking detection, a task waiting (JUC) for a task
 *       submitted after it does not hold the processor; with detection, a task blocked in
 *       the kernel ({@link UserThread#blocking}) lets the next task run on the processor the
 *       kernel hands off;</li>
 *   <li>{@code shutdownNow} interrupts parked tasks and a task computing without safepoints;
 *       tasks whose threads were started but never got the processor still run (nothing is
 *       returned: every task has its thread); an interrupt for a cancelled task never reaches
 *       another task;</li>
 *   <li>{@code close()} waits for every task and then detaches the executor's own scheduler
 *       (so does observing termination); an executor over a given scheduler leaves it open;
 *       {@link Activations#newExecutor()} runs on {@link Kernel#shared()};</li>
 *   <li>{@code Future.get()} inside tasks, nested and chained 200 deep; {@code get(timeout)};
 *       {@code invokeAll} keeps order; {@link CompletableFuture} stages run on our carriers.</li>
 * </ul>
 */
class ExecutorTest extends RuntimeTestBase {
    private final List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    private final List<Thread> uncaughtIn = new CopyOnWriteArrayList<>();
    private Scheduler executorScheduler;
    private ExecutorService executor;

    @BeforeEach
    void startExecutor() {
        executorScheduler = track(Scheduler.builder().kernel(kernel).name("executor").policy(policy())
                .seed(TestSupport.seed()).uncaughtExceptionHandler((t, e) -> {
                    uncaughtIn.add(t);
                    uncaught.add(e);
                }).build());
        executor = Activations.newExecutor(executorScheduler);
    }

    private final List<Kernel> oneProcessorKernels = new ArrayList<>();
    private final List<ExecutorService> oneProcessorExecutors = new ArrayList<>();

    @AfterEach
    void stopExecutor() throws InterruptedException {
        executor.shutdownNow();
        assertTrue(executor.awaitTermination(HANG.toSeconds(), TimeUnit.SECONDS));
        for (ExecutorService ex : oneProcessorExecutors) {
            ex.shutdownNow();
            assertTrue(ex.awaitTermination(HANG.toSeconds(), TimeUnit.SECONDS));
        }
        for (Kernel k : oneProcessorKernels) {
            k.close();
            TestSupport.assertNoCarriersAlive(k.name());
        }
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
    void eachTaskRunsInAJavaThreadOfItsOwnOnTheExecutorsScheduler() throws Exception {
        assertEquals("value", executor.submit(() -> "value").get());
        assertNull(executor.submit(() -> { }).get());
        assertEquals(7, executor.submit(() -> { }, 7).get());
        assertSame(executorScheduler, executor.submit(TestSupport::schedulerHere).get(), "tasks run on the executor's scheduler");
        assertNull(executor.submit(UserThread::current).get(), "a task is a Java thread, not a user thread");

        int n = 100;
        CountDownLatch ran = new CountDownLatch(n);
        Set<Thread> threads = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
        AtomicInteger onOurs = new AtomicInteger();
        for (int i = 0; i < n; i++) {
            executor.execute(() -> {
                threads.add(Thread.currentThread());
                if (Thread.currentThread().isVirtual() && schedulerHere() == executorScheduler) {
                    onOurs.incrementAndGet();
                }
                ran.countDown();
            });
        }
        assertTrue(ran.await(HANG.toSeconds(), TimeUnit.SECONDS), "every executed task ran");
        assertEquals(n, threads.size(), "every task had a thread of its own");
        assertEquals(n, onOurs.get(), "every task ran in a virtual thread on the executor's scheduler");
    }

    @Test
    void failuresReachTheFutureOrTheSchedulersHandler() throws InterruptedException {
        IllegalStateException boom = new IllegalStateException("boom");
        Future<Object> f = executor.submit(() -> {
            throw boom;
        });
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        assertSame(boom, e.getCause());
        assertTrue(uncaught.isEmpty(), "a submitted task's failure belongs to its future only");

        IllegalArgumentException lost = new IllegalArgumentException("from execute");
        executor.execute(() -> {
            throw lost;
        });
        awaitCondition("the execute()d task's failure to reach the scheduler's uncaught-exception handler",
                () -> uncaught.contains(lost));
        assertTrue(uncaughtIn.get(uncaught.indexOf(lost)).isVirtual(), "the handler is given the task's thread");
    }

    @Test
    void aTaskWaitingForALaterTaskDoesNotHoldTheOnlyProcessor() throws Exception {
        ExecutorService ex = oneProcessorExecutor(false);
        // One processor, no blocking detection: if the first task's JUC wait held the carrier,
        // the second could never run.
        CountDownLatch second = new CountDownLatch(1);
        Future<String> first = ex.submit(() -> {
            second.await();
            return "released";
        });
        Future<?> releaser = ex.submit(second::countDown);
        assertEquals("released", first.get(HANG.toSeconds(), TimeUnit.SECONDS));
        assertNull(releaser.get(HANG.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void aTaskBlockedInTheKernelLetsTheNextTaskRunOnTheHandedOffProcessor() throws Exception {
        ExecutorService ex = oneProcessorExecutor(true);
        AtomicReference<String> order = new AtomicReference<>("");
        AtomicReference<Boolean> inKernel = new AtomicReference<>(false);
        // The first task blocks its carrier (bracketed, pinned) until the second has run: only
        // the processor the kernel hands off can run it.
        Future<?> blocker = ex.submit(() -> {
            long until = System.nanoTime() + HANG.toNanos();
            UserThread.blocking(() -> {
                inKernel.set(true);
                while (!order.get().contains("second") && System.nanoTime() < until) {
                    Thread.sleep(1); // pinned: the carrier sleeps
                }
                return null;
            });
            order.accumulateAndGet(" first", String::concat);
            return null;
        });
        awaitCondition("the first task inside its blocking call", inKernel::get);
        Future<?> second = ex.submit(() -> order.accumulateAndGet("second", String::concat));
        blocker.get(HANG.toSeconds(), TimeUnit.SECONDS);
        second.get(HANG.toSeconds(), TimeUnit.SECONDS);
        assertEquals("second first", order.get(), "the second task ran while the first was blocked in the kernel");
        assertTrue(oneProcessorKernels.get(0).stats().handOffs() >= 1, () -> oneProcessorKernels.get(0).stats().toString());
    }

    @Test
    void anInterruptForACancelledTaskNeverReachesAnotherTask() throws Exception {
        ExecutorService ex = oneProcessorExecutor(false);
        for (int round = 0; round < 20; round++) {
            CountDownLatch started = new CountDownLatch(1);
            AtomicReference<Boolean> nextSawInterrupt = new AtomicReference<>();
            AtomicReference<Thread> firstThread = new AtomicReference<>();
            AtomicReference<Thread> nextThread = new AtomicReference<>();
            Future<?> first = ex.submit(() -> {
                firstThread.set(Thread.currentThread());
                started.countDown();
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.yield(); // computes (no park): the next task waits for the processor
                }
            });
            Future<?> next = ex.submit(() -> {
                nextThread.set(Thread.currentThread());
                nextSawInterrupt.set(Thread.currentThread().isInterrupted());
            });
            assertTrue(started.await(HANG.toSeconds(), TimeUnit.SECONDS));
            assertTrue(first.cancel(true));
            next.get(HANG.toSeconds(), TimeUnit.SECONDS);
            assertNotSame(firstThread.get(), nextThread.get(), "every task has its own thread");
            assertFalse(nextSawInterrupt.get(), "round " + round + ": the cancel's interrupt reached the next task");
        }
    }

    @Test
    void shutdownNowInterruptsParkedComputingAndNotYetRunTasks() throws Exception {
        // One processor and no blocking detection: nothing can take the processor from the
        // spinner below, so the tasks submitted behind it have threads that never ran yet.
        ExecutorService ex = oneProcessorExecutor(false);
        int parkedTasks = 20;
        CountDownLatch never = new CountDownLatch(1);
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
        awaitCondition("parked tasks to start", () -> entered.get() == parkedTasks);
        AtomicInteger spinnerState = new AtomicInteger();
        ex.execute(() -> {
            spinnerState.set(1);
            // Computes without a safepoint: holds the only processor until interrupted.
            while (!Thread.currentThread().isInterrupted()) {
                Thread.onSpinWait();
            }
            spinnerState.set(2);
        });
        awaitCondition("the spinner to hold the processor", () -> spinnerState.get() == 1);
        AtomicInteger lateRan = new AtomicInteger();
        Runnable late = lateRan::incrementAndGet;
        List<Future<?>> submitted = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ex.execute(late);
            submitted.add(ex.submit(late));
        }
        assertEquals(0, lateRan.get(), "the spinner holds the only processor");

        assertTrue(ex.shutdownNow().isEmpty(), "thread-per-task: every task has a started thread, none is returned");

        assertTrue(ex.awaitTermination(HANG.toSeconds(), TimeUnit.SECONDS), "terminates after shutdownNow");
        assertEquals(parkedTasks, interrupted.get(), "every parked task was interrupted");
        assertEquals(2, spinnerState.get(), "the computing task was interrupted");
        // shutdownNow interrupts the threads one by one: once the spinner's interrupt freed the
        // processor, a late thread may run before its own interrupt arrives (as on the JDK's
        // executor), so whether a late task sees the interrupt is a race; that it runs is not.
        assertEquals(20, lateRan.get(), "the tasks whose threads had not run yet ran after all");
        for (Future<?> f : submitted) {
            assertTrue(f.isDone());
        }
        assertThrows(RejectedExecutionException.class, () -> ex.execute(() -> { }));
        assertTrue(ex.shutdownNow().isEmpty());
    }

    @Test
    void closeWaitsForEveryTaskAndDetachesItsOwnScheduler() throws Exception {
        AtomicInteger done = new AtomicInteger();
        ActivationsExecutor owned = (ActivationsExecutor) Activations.newExecutor(kernel, "owned", 5);
        Scheduler s = track(owned.scheduler());
        assertEquals("owned", s.name());
        try (ExecutorService ex = owned) {
            for (int i = 0; i < 50; i++) {
                ex.execute(() -> {
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    if (schedulerHere() == s) {
                        done.incrementAndGet();
                    }
                });
            }
        }
        assertEquals(50, done.get(), "close() returned only after every task finished on the executor's scheduler");
        assertTrue(owned.isTerminated());
        assertThrows(IllegalStateException.class, s::ofVirtual, "the executor's own scheduler is closed with it");
        assertThrows(IllegalStateException.class, () -> s.start(() -> { }));

        ActivationsExecutor awaited = (ActivationsExecutor) Activations.newExecutor(kernel, "awaited", 5);
        Scheduler s2 = track(awaited.scheduler());
        assertEquals(1, awaited.submit(() -> 1).get());
        awaited.shutdown();
        assertTrue(awaited.awaitTermination(HANG.toSeconds(), TimeUnit.SECONDS));
        assertThrows(IllegalStateException.class, s2::ofVirtual, "observing termination detaches the executor's own scheduler too");

        try (ExecutorService shared = Activations.newExecutor(scheduler)) {
            assertSame(scheduler, shared.submit(TestSupport::schedulerHere).get());
        }
        assertNotNull(scheduler.ofVirtual(), "an executor over a given scheduler leaves it open");
        TestSupport.assertStillWorks(scheduler);
    }

    @Test
    void theDefaultExecutorRunsOnTheSharedKernel() throws Exception {
        Scheduler ran;
        try (ExecutorService ex = Activations.newExecutor()) {
            ran = ex.submit(TestSupport::schedulerHere).get();
        }
        assertNotNull(ran, "the task ran on one of our carriers");
        assertSame(Kernel.shared(), ran.kernel());
        assertTrue(ran.name().startsWith("executor-"), ran.name());
        assertThrows(IllegalStateException.class, ran::ofVirtual, "its scheduler was detached on close");
    }

    @Test
    void futureGetInsideTasksNestedAndChained() throws Exception {
        assertEquals(42, executor.submit(() -> executor.submit(() -> 42).get()).get());
        int depth = 200;
        assertEquals(depth, executor.submit(() -> chain(depth)).get());
        AtomicReference<Throwable> timeout = new AtomicReference<>();
        CountDownLatch never = new CountDownLatch(1);
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
    void invokeAllReturnsFuturesInOrder() throws Exception {
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            int n = i;
            tasks.add(() -> {
                if (n == 13) {
                    throw new IllegalStateException("13");
                }
                Thread.yield();
                return schedulerHere() == executorScheduler ? n * n : -1;
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
    void completableFutureStagesRunOnTheExecutorsCarriers() {
        CompletableFuture<String> cf = CompletableFuture
                .supplyAsync(() -> schedulerHere() == executorScheduler ? 20 : -1, executor)
                .thenApplyAsync(v -> v + (schedulerHere() == executorScheduler ? 1 : -100), executor)
                .thenCombineAsync(CompletableFuture.supplyAsync(() -> 21, executor), Integer::sum, executor)
                .thenApplyAsync(v -> v + "@" + schedulerHere().name(), executor);
        assertEquals("42@executor", cf.orTimeout(HANG.toSeconds(), TimeUnit.SECONDS).join());
    }
}
