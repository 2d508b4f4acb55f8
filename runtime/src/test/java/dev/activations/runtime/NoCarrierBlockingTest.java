package dev.activations.runtime;

import static dev.activations.runtime.TestSupport.awaitParked;
import static dev.activations.runtime.TestSupport.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.activations.kernel.Kernel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import org.junit.jupiter.api.Test;

/**
 * Every runtime wait parks the waiting thread, never its carrier.
 *
 * <p>How: a 1-processor kernel with blocking detection off, so a carrier that blocked would
 * keep the only processor for ever (no hand-off). In each test a thread waits on one
 * primitive and must be seen parked; then a second thread, which can only run on that same
 * processor, releases it. A wait that blocked its carrier instead of parking shows as a hang
 * (the hang guard fails with the stack). Covers, in user threads: join, Mutex, Condition,
 * Semaphore, Latch, Channel (receive and send), sleep and timed park; in Java threads: the
 * same runtime primitives, and the JDK's {@code Future.get()}, {@code invokeAll} and
 * {@code awaitTermination} of an Activations executor (in a raw user thread those park the
 * carrier, the raw kind's documented limit: see {@link KernelBlockingTest}).
 */
class NoCarrierBlockingTest extends RuntimeTestBase {

    @Override
    protected int processors() {
        return 1;
    }

    @Override
    protected Kernel.Builder configure(Kernel.Builder b) {
        return b.blockingDetection(false);
    }

    /** {@code waiter} must park; then {@code releaser} runs on the same (only) processor. */
    private void waitThenRelease(TestSupport.Body waiter, TestSupport.Body releaser) {
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        UserThread w = TestSupport.startChecked(scheduler, "waiter", failures, waiter);
        awaitParked(w);
        UserThread r = TestSupport.startChecked(scheduler, "releaser", failures, releaser);
        join(r);
        join(w);
        TestSupport.assertNoFailures(failures);
    }

    /** As {@link #waitThenRelease}, with the waiter and the releaser in Java threads. */
    private void waitThenReleaseInJavaThreads(TestSupport.Body waiter, TestSupport.Body releaser) {
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread w = TestSupport.startJava(scheduler, "waiter", failures, waiter);
        TestSupport.awaitWaiting(w);
        Thread r = TestSupport.startJava(scheduler, "releaser", failures, releaser);
        join(r);
        join(w);
        TestSupport.assertNoFailures(failures);
    }

    @Test
    void joinParks() {
        Latch gate = new Latch(1);
        UserThread target = scheduler.start(() -> {
            try {
                gate.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        waitThenRelease(target::join, gate::countDown);
    }

    @Test
    void mutexAndCondition() {
        Mutex m = new Mutex();
        Condition c = m.newCondition();
        AtomicBoolean ready = new AtomicBoolean();
        waitThenRelease(() -> {
            m.lock();
            try {
                while (!ready.get()) {
                    c.await();
                }
            } finally {
                m.unlock();
            }
        }, () -> {
            m.lock();
            try {
                ready.set(true);
                c.signal();
            } finally {
                m.unlock();
            }
        });
        Latch held = new Latch(1);
        Latch release = new Latch(1);
        UserThread owner = scheduler.start(() -> {
            m.lock();
            try {
                held.countDown();
                release.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            } finally {
                m.unlock();
            }
        });
        waitThenRelease(() -> {
            held.await();
            m.lock(); // parks behind the owner
            m.unlock();
        }, release::countDown);
        join(owner);
    }

    @Test
    void semaphoreAndLatch() {
        Semaphore sem = new Semaphore(0);
        waitThenRelease(() -> sem.acquire(2), () -> sem.release(2));
        Latch latch = new Latch(2);
        waitThenRelease(latch::await, () -> {
            latch.countDown();
            latch.countDown();
        });
    }

    @Test
    void channelReceiveAndSend() {
        Channel<String> ch = Channel.bounded(1);
        AtomicReference<String> got = new AtomicReference<>();
        waitThenRelease(() -> got.set(ch.receive()), () -> ch.send("x"));
        assertEquals("x", got.get());
        assertTrue(ch.trySend("fill"));
        waitThenRelease(() -> ch.send("second"), () -> assertEquals("fill", ch.receive()));
        assertEquals("second", ch.tryReceive());
    }

    @Test
    void sleepAndTimedPark() {
        waitThenRelease(() -> {
            try {
                UserThread.sleep(Duration.ofHours(1));
                throw new AssertionError("slept an hour");
            } catch (InterruptedException expected) {
                // the releaser interrupted us
            }
        }, () -> {
            for (UserThread t : scheduler.threads()) {
                if (t.name().equals("waiter")) {
                    t.interrupt();
                }
            }
        });
        AtomicBoolean go = new AtomicBoolean();
        AtomicReference<UserThread> parker = new AtomicReference<>();
        waitThenRelease(() -> {
            parker.set(UserThread.current());
            while (!go.get()) {
                UserThread.parkNanos(TimeUnit.HOURS.toNanos(1));
            }
        }, () -> {
            go.set(true);
            parker.get().unpark();
        });
    }

    @Test
    void runtimePrimitivesParkJavaThreads() {
        Latch latch = new Latch(1);
        waitThenReleaseInJavaThreads(latch::await, latch::countDown);
        Mutex m = new Mutex();
        Condition c = m.newCondition();
        AtomicBoolean ready = new AtomicBoolean();
        waitThenReleaseInJavaThreads(() -> {
            m.lock();
            try {
                while (!ready.get()) {
                    c.await();
                }
            } finally {
                m.unlock();
            }
        }, () -> {
            m.lock();
            try {
                ready.set(true);
                c.signal();
            } finally {
                m.unlock();
            }
        });
        Channel<String> ch = Channel.bounded(1);
        AtomicReference<String> got = new AtomicReference<>();
        waitThenReleaseInJavaThreads(() -> got.set(ch.receive()), () -> ch.send("x"));
        assertEquals("x", got.get());
        Semaphore sem = new Semaphore(0);
        waitThenReleaseInJavaThreads(() -> sem.acquire(2), () -> sem.release(2));
    }

    @Test
    void futureGetInvokeAllAndAwaitTerminationInsideJavaThreads() throws Exception {
        ExecutorService ex = Activations.newExecutor(scheduler);
        CountDownLatch gate = new CountDownLatch(1);
        Future<String> f = ex.submit(() -> {
            gate.await();
            return "done";
        });
        AtomicReference<Object> got = new AtomicReference<>();
        waitThenReleaseInJavaThreads(() -> got.set(f.get()), gate::countDown);
        assertEquals("done", got.get());

        CountDownLatch gate2 = new CountDownLatch(1);
        waitThenReleaseInJavaThreads(() -> {
            List<Future<Integer>> all = ex.invokeAll(List.of(() -> {
                gate2.await();
                return 1;
            }, () -> 2));
            got.set(all.get(0).get() + all.get(1).get());
        }, gate2::countDown);
        assertEquals(3, got.get());

        CountDownLatch gate3 = new CountDownLatch(1);
        ex.submit(() -> {
            gate3.await();
            return null;
        });
        ex.shutdown();
        waitThenReleaseInJavaThreads(() -> got.set(ex.awaitTermination(1, TimeUnit.HOURS)), gate3::countDown);
        assertInstanceOf(Boolean.class, got.get());
        assertTrue((Boolean) got.get());
    }
}
