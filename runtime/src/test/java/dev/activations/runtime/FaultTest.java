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

import dev.activations.kernel.Kernel;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * Faults and shutdown (issue 6, fast CI variants): nothing is lost, nothing hangs, no carrier
 * leaks.
 *
 * <p>What it proves:
 * <ul>
 *   <li>10 000 failing tasks (checked and unchecked exceptions, {@link Error}s,
 *       {@link StackOverflowError}s and {@link OutOfMemoryError}s from a huge allocation):
 *       each failure reaches its own {@link Future} with the right cause, failures of
 *       {@code execute}d tasks reach the uncaught-exception handler, and the executor and its
 *       scheduler keep serving afterwards;</li>
 *   <li>{@code shutdownNow()} with 10 000 parked, some sleeping and 100 kernel-blocked tasks
 *       returns (hang guard), every task ends interrupted, the executor terminates, and
 *       {@link Kernel#close()} then leaves no carrier (and no timer thread) alive;</li>
 *   <li>closing a kernel with an attached scheduler: user threads that can no longer finish
 *       fail their joiners instead of hanging ({@code join()} already waiting or called later
 *       throws {@link IllegalStateException}), and new user threads are refused; Java threads
 *       (the executor's tasks) are not lost: those still queued, parked or computing finish
 *       off the kernel's carriers (on orphan carriers of their own), so their futures complete and
 *       closing the executor does not hang.</li>
 * </ul>
 */
class FaultTest extends RuntimeTestBase {

    private enum Kind { CHECKED, UNCHECKED, ERROR, STACK_OVERFLOW, OUT_OF_MEMORY }

    private static Kind kindOf(int i) {
        if (i % 1_000 == 0) {
            return Kind.OUT_OF_MEMORY;
        }
        if (i % 100 == 1) {
            return Kind.STACK_OVERFLOW;
        }
        return switch (i % 3) {
            case 0 -> Kind.CHECKED;
            case 1 -> Kind.UNCHECKED;
            default -> Kind.ERROR;
        };
    }

    private static Object fail(Kind k) throws Exception {
        return switch (k) {
            case CHECKED -> throw new IOException("checked");
            case UNCHECKED -> throw new IllegalStateException("unchecked");
            case ERROR -> throw new LinkageError("error");
            case STACK_OVERFLOW -> recurse(0);
            case OUT_OF_MEMORY -> new long[Integer.MAX_VALUE - 8].length;
        };
    }

    private static int recurse(int n) {
        return recurse(n + 1) + 1;
    }

    private static Class<? extends Throwable> expected(Kind k) {
        return switch (k) {
            case CHECKED -> IOException.class;
            case UNCHECKED -> IllegalStateException.class;
            case ERROR -> LinkageError.class;
            case STACK_OVERFLOW -> StackOverflowError.class;
            case OUT_OF_MEMORY -> OutOfMemoryError.class;
        };
    }

    @Test
    void tenThousandFailingTasksEachReachTheirFuture() throws Exception {
        LongAdder handled = new LongAdder();
        Scheduler s = track(Scheduler.builder().kernel(kernel).name("faulty").policy(policy())
                .uncaughtExceptionHandler((c, e) -> handled.increment()).build());
        ExecutorService ex = Activations.newExecutor(s);
        int n = 10_000;
        List<Future<Object>> fs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Kind k = kindOf(i);
            fs.add(ex.submit(() -> fail(k)));
        }
        for (int i = 0; i < n; i++) {
            Future<Object> f = fs.get(i);
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(HANG.toSeconds(), TimeUnit.SECONDS));
            assertInstanceOf(expected(kindOf(i)), e.getCause(), "task " + i);
        }
        assertEquals(0, handled.sum(), "a submitted task's failure goes to its future only");

        int executed = 1_000;
        for (int i = 0; i < executed; i++) {
            int k = i;
            ex.execute(() -> {
                if (k % 100 == 1) {
                    recurse(0);
                }
                throw new IllegalStateException("executed " + k);
            });
        }
        awaitCondition(() -> "the handler to see every execute()d failure: " + handled.sum(), () -> handled.sum() == executed);

        List<Future<Integer>> ok = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            int v = i;
            ok.add(ex.submit(() -> TestSupport.schedulerHere() == s ? v : -1_000_000));
        }
        long sum = 0;
        for (Future<Integer> f : ok) {
            sum += f.get(HANG.toSeconds(), TimeUnit.SECONDS);
        }
        assertEquals(999L * 1_000 / 2, sum, "the executor keeps serving, on its scheduler, after the failures");
        TestSupport.assertStillWorks(s);
        ex.shutdown();
        assertTrue(ex.awaitTermination(HANG.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void shutdownNowWithParkedAndKernelBlockedTasksThenCloseLeavesNoCarrier() throws Exception {
        String schedulerName = kernel.name() + "-stopping";
        Scheduler s = track(Scheduler.builder().kernel(kernel).name(schedulerName).policy(policy()).build());
        ExecutorService ex = Activations.newExecutor(s);
        int parked = 10_000;
        int sleeping = 10;
        int blocked = 100;
        Latch never = new Latch(1);
        CountDownLatch jdkNever = new CountDownLatch(1);
        AtomicInteger parkedIn = new AtomicInteger();
        AtomicInteger blockedIn = new AtomicInteger();
        AtomicInteger sleepingIn = new AtomicInteger();
        List<Future<Object>> fs = new ArrayList<>();
        for (int i = 0; i < parked; i++) {
            fs.add(ex.submit(() -> {
                parkedIn.incrementAndGet();
                never.await();
                return "not interrupted";
            }));
        }
        for (int i = 0; i < sleeping; i++) {
            fs.add(ex.submit(() -> {
                sleepingIn.incrementAndGet();
                Thread.sleep(Duration.ofHours(1));
                return "slept an hour";
            }));
        }
        for (int i = 0; i < blocked; i++) {
            fs.add(ex.submit(() -> UserThread.blocking(() -> {
                blockedIn.incrementAndGet();
                jdkNever.await(); // pinned inside blocking: parks the carrier, whose VP is handed off
                return "not interrupted";
            })));
        }
        awaitCondition(() -> "tasks to settle: parked " + parkedIn + ", sleeping " + sleepingIn + ", blocked " + blockedIn,
                () -> parkedIn.get() == parked && sleepingIn.get() == sleeping && blockedIn.get() == blocked);

        List<Runnable> neverStarted = assertTimeoutPreemptively(HANG, ex::shutdownNow, "shutdownNow hung");

        assertTrue(neverStarted.isEmpty(), "thread-per-task: no task waits in a queue");
        assertTrue(ex.awaitTermination(HANG.toSeconds(), TimeUnit.SECONDS), "the executor terminates after shutdownNow");
        for (Future<Object> f : fs) {
            ExecutionException e = assertThrows(ExecutionException.class, f::get);
            assertInstanceOf(InterruptedException.class, e.getCause());
        }
        assertTrue(kernel.stats().handOffs() >= blocked - kernel.processors(), kernel.stats()::toString);

        String name = kernel.name();
        kernel.close();
        TestSupport.assertNoCarriersAlive(name);
        awaitCondition("the scheduler's timer thread to stop", () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals(schedulerName + "-timer") && t.isAlive()));
    }

    @Test
    void closingTheKernelLetsExecutorTasksStillQueuedFinishOffItsCarriers() throws Exception {
        Kernel k = Kernel.builder().processors(1).blockingDetection(false).name(kernel.name() + "-queued").build();
        Scheduler s = track(Scheduler.builder().kernel(k).name("doomed-queue").policy(policy()).build());
        ExecutorService ex = Activations.newExecutor(s);
        AtomicInteger spins = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        // Computes on the only processor (safepoints, no park): the tasks below stay queued
        // behind it until the kernel closes.
        Future<Scheduler> spinner = ex.submit(() -> {
            while (!stop.get()) {
                spins.incrementAndGet();
                UserThread.checkpoint();
            }
            return TestSupport.schedulerHere();
        });
        awaitCondition("the spinner to hold the processor", () -> spins.get() > 0);
        List<Future<Scheduler>> queued = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            queued.add(ex.submit(TestSupport::schedulerHere));
        }
        assertTrue(queued.stream().noneMatch(Future::isDone), "queued behind the spinner");

        k.close();

        stop.set(true);
        for (Future<Scheduler> f : queued) {
            assertNull(f.get(HANG.toSeconds(), TimeUnit.SECONDS), "a queued task ran after all, off the closed kernel's carriers");
        }
        assertNull(spinner.get(HANG.toSeconds(), TimeUnit.SECONDS), "the spinner finished off the closed kernel's carriers");
        RejectedExecutionException refused = assertThrows(RejectedExecutionException.class, () -> ex.submit(TestSupport::schedulerHere),
                "a task submitted after the close is refused");
        assertTrue(refused.getMessage().contains("closed"), refused.getMessage());
        assertTimeoutPreemptively(HANG, ex::close, "closing the executor waits for nothing that can never finish");
        assertTrue(ex.isTerminated());
        TestSupport.assertNoCarriersAlive(k.name());
    }

    @Test
    void closingTheKernelFailsUserThreadsThatCanNoLongerFinishAndLetsJavaThreadsFinish() throws Exception {
        Kernel k = Kernel.builder().processors(1).name(kernel.name() + "-closing").build();
        Scheduler s = track(Scheduler.builder().kernel(k).name("doomed").policy(policy()).build());
        ExecutorService ex = Activations.newExecutor(s);
        UserThread parked = s.thread().name("parked-forever").start(() -> {
            while (true) {
                UserThread.park();
            }
        });
        AtomicInteger computing = new AtomicInteger();
        UserThread busy = s.thread().name("computing-forever").start(() -> {
            while (true) {
                computing.incrementAndGet();
                UserThread.checkpoint();
                UserThread.yield();
            }
        });
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Scheduler> pendingStartedOn = new AtomicReference<>();
        Future<Scheduler> pending = ex.submit(() -> {
            pendingStartedOn.set(TestSupport.schedulerHere());
            release.await();
            return TestSupport.schedulerHere();
        });
        awaitCondition("the busy thread to run", () -> computing.get() > 0);
        awaitCondition("the pending task to start", () -> pendingStartedOn.get() != null);
        AtomicReference<Throwable> joinerOutcome = new AtomicReference<>();
        Thread joiner = new Thread(() -> {
            try {
                parked.join();
                joinerOutcome.set(new AssertionError("join() returned for a thread that never finished"));
            } catch (Throwable e) {
                joinerOutcome.set(e);
            }
        }, "joiner");
        joiner.start();
        awaitCondition("the joiner to wait", () -> joiner.getState() == Thread.State.WAITING);

        k.close();

        TestSupport.join(joiner);
        IllegalStateException fromWaiting = assertInstanceOf(IllegalStateException.class, joinerOutcome.get());
        assertTrue(fromWaiting.getMessage().contains("closed"), fromWaiting.getMessage());
        IllegalStateException later = assertThrows(IllegalStateException.class, parked::join);
        assertTrue(later.getMessage().contains("parked-forever"), later.getMessage());
        assertThrows(IllegalStateException.class, busy::join);
        assertThrows(IllegalStateException.class, () -> busy.join(Duration.ofSeconds(1)));
        assertThrows(IllegalStateException.class, () -> s.start(() -> { }), "no new user threads on a closed kernel");

        assertSame(s, pendingStartedOn.get(), "the pending task started on the scheduler");
        assertFalse(pending.isDone(), "the pending task still waits: it is not failed");
        release.countDown();
        assertNull(pending.get(HANG.toSeconds(), TimeUnit.SECONDS), "released, it finished off the closed kernel's carriers");
        assertTimeoutPreemptively(HANG, ex::close, "closing the executor waits for nothing that can never finish");
        assertTrue(ex.isTerminated());
        TestSupport.assertNoCarriersAlive(k.name());
    }
}
