package dev.activations.runtime;

import static dev.activations.runtime.TestSupport.HANG;
import static dev.activations.runtime.TestSupport.awaitParked;
import static dev.activations.runtime.TestSupport.join;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.activations.kernel.Kernel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Bad input at every public entry point of the runtime (issue 6): null, negative, zero, huge
 * and wrong-thread arguments give a clear exception or a documented no-op, never a hang and
 * never a corrupted scheduler: each test ends with a follow-up workload
 * ({@link TestSupport#assertStillWorks}) on the same scheduler.
 *
 * <p>"Huge" includes timeouts near {@code Long.MAX_VALUE}: a user thread waiting with such a
 * timeout must stay parked (not wake over and over) and still be woken by its event. That is
 * observed by the scheduler's park counter over a pause, not by timing the wait.
 */
class BadInputTest extends RuntimeTestBase {

    // ------------------------------------------------------------------ builders

    @Test
    void kernelBuilderRejectsBadValues() {
        Function<Integer, Executable> processors = n -> () -> Kernel.builder().processors(n);
        Function<Integer, Executable> maxActivations = n -> () -> Kernel.builder().maxActivations(n);
        List<Executable> bad = new ArrayList<>();
        for (int n : new int[] {0, -1, Integer.MIN_VALUE, 32_768, Integer.MAX_VALUE}) {
            bad.add(processors.apply(n));
            bad.add(maxActivations.apply(n));
        }
        for (Duration d : Arrays.asList(null, Duration.ZERO, Duration.ofNanos(-1), Duration.ofDays(2))) {
            bad.add(() -> Kernel.builder().blockedAfter(d));
            bad.add(() -> Kernel.builder().monitorInterval(d));
            bad.add(() -> Kernel.builder().idleHysteresis(d));
            bad.add(() -> Kernel.builder().keepAlive(d));
        }
        bad.add(() -> Kernel.builder().name(null));
        bad.add(() -> Kernel.builder().name(" "));
        bad.add(() -> Kernel.builder().processors(4).maxActivations(3).build());
        assertAll(bad.stream().map(e -> (Executable) () -> assertThrows(IllegalArgumentException.class, e)));
        assertThrows(UnsupportedOperationException.class, () -> Kernel.shared().close(), "the shared kernel cannot be closed");
    }

    @Test
    void schedulerBuilderRejectsBadValues() {
        assertAll(
                () -> assertThrows(NullPointerException.class, () -> Scheduler.builder().kernel(null)),
                () -> assertThrows(IllegalArgumentException.class, () -> Scheduler.builder().name(null)),
                () -> assertThrows(IllegalArgumentException.class, () -> Scheduler.builder().name("")),
                () -> assertThrows(IllegalArgumentException.class, () -> Scheduler.builder().name("\t")),
                () -> assertThrows(IllegalArgumentException.class, () -> Scheduler.builder().priority(0)),
                () -> assertThrows(IllegalArgumentException.class, () -> Scheduler.builder().priority(11)),
                () -> assertThrows(IllegalArgumentException.class, () -> Scheduler.builder().priority(Integer.MIN_VALUE)),
                () -> assertThrows(NullPointerException.class, () -> Scheduler.builder().policy(null)),
                () -> assertThrows(NullPointerException.class, () -> Scheduler.builder().uncaughtExceptionHandler(null)),
                () -> assertThrows(NullPointerException.class, () -> scheduler.start(null)),
                () -> assertThrows(UnsupportedOperationException.class, () -> Scheduler.shared().close()));
        Scheduler extremeSeed = track(Scheduler.builder().kernel(kernel).name("seeded").policy(Policy.RANDOMIZED).seed(Long.MIN_VALUE).build());
        TestSupport.assertStillWorks(extremeSeed);
        TestSupport.assertStillWorks(scheduler);
    }

    @Test
    void threadBuilderRejectsBadValues() {
        UserThread.Builder b = scheduler.thread();
        assertAll(
                () -> assertThrows(NullPointerException.class, () -> b.name(null)),
                () -> assertThrows(IllegalArgumentException.class, () -> b.priority(0)),
                () -> assertThrows(IllegalArgumentException.class, () -> b.priority(11)),
                () -> assertThrows(IllegalArgumentException.class, () -> b.priority(-1)),
                () -> assertThrows(IllegalArgumentException.class, () -> b.priority(Integer.MAX_VALUE)),
                () -> assertThrows(NullPointerException.class, () -> b.scheduler(null)),
                () -> assertThrows(NullPointerException.class, () -> b.uncaughtExceptionHandler(null)),
                () -> assertThrows(NullPointerException.class, () -> b.unstarted(null)),
                () -> assertThrows(NullPointerException.class, () -> b.start(null)),
                () -> assertThrows(NullPointerException.class, () -> UserThread.start(null)));
        TestSupport.assertStillWorks(scheduler);
    }

    @Test
    void closedSchedulersAndKernelsRefuseNewWork() {
        Scheduler s = newScheduler("to-close", 5);
        UserThread.Builder pending = s.thread();
        s.close();
        s.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> s.start(() -> { }));
        assertThrows(IllegalStateException.class, () -> pending.start(() -> { }));
        Kernel k = Kernel.builder().processors(1).name(kernel.name() + "-closed").build();
        k.close();
        k.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> Scheduler.builder().kernel(k).build());
        assertThrows(IllegalStateException.class, () -> Activations.newExecutor(k, "late", 5));
        TestSupport.assertStillWorks(scheduler);
    }

    // ------------------------------------------------------------------ wrong thread

    @Test
    void userThreadCallsOnAPlatformThread() throws Exception {
        assertNull(UserThread.current());
        IllegalStateException park = assertThrows(IllegalStateException.class, UserThread::park);
        assertTrue(park.getMessage().contains("user thread"), park.getMessage());
        assertThrows(IllegalStateException.class, () -> UserThread.parkNanos(1));
        assertThrows(IllegalStateException.class, () -> UserThread.parkNanos(0));
        assertDoesNotThrow(UserThread::checkpoint, "checkpoint() on a platform thread is a no-op");
        assertDoesNotThrow(UserThread::yield);
        assertFalse(UserThread.inCritical());
        AtomicBoolean ran = new AtomicBoolean();
        UserThread.critical(() -> ran.set(true));
        assertTrue(ran.get(), "critical() on a platform thread just runs the section");
        assertEquals("called", UserThread.blocking(() -> "called"));
        UserThread.sleep(Duration.ZERO);
        Thread.currentThread().interrupt();
        assertTrue(UserThread.interrupted(), "on a platform thread: Thread.interrupted()");
        assertFalse(Thread.currentThread().isInterrupted());
        assertThrows(NullPointerException.class, () -> UserThread.critical(null));
        assertThrows(NullPointerException.class, () -> UserThread.blocking(null));
        assertThrows(NullPointerException.class, () -> UserThread.sleep(null));
        TestSupport.assertStillWorks(scheduler);
    }

    @Test
    void joinMisuse() throws Exception {
        AtomicReference<Throwable> self = new AtomicReference<>();
        AtomicReference<Throwable> selfTimed = new AtomicReference<>();
        UserThread t = scheduler.start(() -> {
            UserThread me = UserThread.current();
            self.set(assertThrows(IllegalStateException.class, me::join));
            selfTimed.set(assertThrows(IllegalStateException.class, () -> me.join(Duration.ofSeconds(1))));
        });
        join(t);
        assertTrue(self.get().getMessage().contains("itself"), self.get().getMessage());
        assertTrue(selfTimed.get() instanceof IllegalStateException);
        UserThread unstarted = scheduler.thread().unstarted(() -> { });
        assertThrows(IllegalStateException.class, unstarted::join, "join before start");
        assertThrows(IllegalStateException.class, () -> unstarted.join(Duration.ofSeconds(1)));
        assertThrows(NullPointerException.class, () -> t.join(null));
        assertTrue(t.join(Duration.ofSeconds(-5)), "a finished thread: true whatever the timeout");
        Latch never = new Latch(1);
        UserThread live = scheduler.start(() -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                // ends the thread
            }
        });
        assertFalse(live.join(Duration.ofSeconds(-5)), "negative timeout: just checks");
        assertFalse(live.join(Duration.ZERO));
        live.interrupt();
        join(live);
        TestSupport.assertStillWorks(scheduler);
    }

    @Test
    void unparkAndInterruptOfFinishedOrUnstartedThreads() {
        UserThread done = scheduler.start(() -> { });
        join(done);
        done.unpark(); // documented no-op
        done.unpark();
        done.interrupt(); // harmless
        assertFalse(done.isAlive());

        AtomicBoolean returned = new AtomicBoolean();
        UserThread early = scheduler.thread().unstarted(() -> {
            UserThread.park(); // the permit given before start: returns at once
            returned.set(true);
        });
        early.unpark();
        early.start();
        join(early);
        assertTrue(returned.get());
        TestSupport.assertStillWorks(scheduler);
    }

    /**
     * Waiting on a runtime primitive inside {@link UserThread#blocking} is a misuse (the bracket
     * is for calls that block the carrier in the kernel): it must fail with a clear
     * {@link IllegalStateException} and leave the primitive as it was, so other threads can
     * still use it: no permit, item or wake-up may go to the failed waiter.
     */
    @Test
    void runtimeWaitsInsideBlockingFailClearlyAndLeaveThePrimitiveIntact() throws Exception {
        Mutex m = new Mutex();
        Latch held = new Latch(1);
        Latch unlock = new Latch(1);
        UserThread owner = scheduler.start(() -> {
            m.lock();
            held.countDown();
            try {
                unlock.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            m.unlock();
        });
        held.await();
        Semaphore sem = new Semaphore(0);
        Channel<String> ch = Channel.unbounded();
        Latch latch = new Latch(1);
        List<String> messages = new CopyOnWriteArrayList<>();
        TestSupport.inUserThread(scheduler, () -> {
            List<Callable<Object>> misuses = List.of(
                    () -> {
                        m.lock();
                        return null;
                    },
                    () -> {
                        sem.acquire();
                        return null;
                    },
                    ch::receive,
                    () -> {
                        latch.await();
                        return null;
                    },
                    () -> {
                        UserThread.sleep(Duration.ofMillis(1));
                        return null;
                    },
                    () -> {
                        UserThread.yield();
                        return null;
                    },
                    () -> {
                        owner.join();
                        return null;
                    });
            for (Callable<Object> misuse : misuses) {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> UserThread.blocking(misuse));
                messages.add(e.getMessage());
            }
        });
        for (String msg : messages) {
            assertTrue(msg.contains("blocking"), "the message says what was wrong: " + msg);
        }
        AtomicBoolean gotLock = new AtomicBoolean();
        UserThread waiter = scheduler.start(() -> {
            m.lock();
            gotLock.set(true);
            m.unlock();
        });
        awaitParked(waiter);
        unlock.countDown();
        join(owner);
        join(waiter); // the release's wake-up went to this waiter, not to the failed one
        assertTrue(gotLock.get());
        sem.release();
        assertEquals(1, sem.availablePermits(), "no permit was granted to the failed acquirer");
        ch.send("item");
        assertEquals("item", ch.tryReceive(), "no item was handed to the failed receiver");
        TestSupport.assertStillWorks(scheduler);
    }

    @Test
    void mutexMisuse() throws Exception {
        Mutex m = new Mutex();
        assertThrows(IllegalMonitorStateException.class, m::unlock, "unlock of an unlocked mutex");
        Latch held = new Latch(1);
        Latch release = new Latch(1);
        UserThread owner = scheduler.start(() -> {
            m.lock();
            held.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            m.unlock();
        });
        held.await();
        assertThrows(IllegalMonitorStateException.class, m::unlock, "unlock by a platform thread that does not own it");
        TestSupport.inUserThread(scheduler, () -> assertThrows(IllegalMonitorStateException.class, m::unlock));
        assertThrows(NullPointerException.class, () -> m.tryLock(1, null));
        Condition c = m.newCondition();
        assertThrows(IllegalMonitorStateException.class, c::signal);
        release.countDown();
        join(owner);
        assertFalse(m.isLocked());
        assertTrue(m.tryLock(Long.MIN_VALUE, TimeUnit.NANOSECONDS), "a free lock is taken whatever the timeout");
        m.unlock();
        TestSupport.assertStillWorks(scheduler);
    }

    @Test
    void semaphoreLatchChannelAndLocalRejectBadValues() {
        assertAll(
                () -> assertThrows(IllegalArgumentException.class, () -> new Semaphore(-1)),
                () -> assertThrows(IllegalArgumentException.class, () -> new Semaphore(Integer.MIN_VALUE)),
                () -> assertThrows(IllegalArgumentException.class, () -> new Semaphore(1).acquire(0)),
                () -> assertThrows(IllegalArgumentException.class, () -> new Semaphore(1).acquire(-1)),
                () -> assertThrows(IllegalArgumentException.class, () -> new Semaphore(1).acquireUninterruptibly(0)),
                () -> assertThrows(IllegalArgumentException.class, () -> new Semaphore(1).tryAcquire(0)),
                () -> assertThrows(IllegalArgumentException.class, () -> new Semaphore(1).tryAcquire(-1, Duration.ZERO)),
                () -> assertThrows(NullPointerException.class, () -> new Semaphore(1).tryAcquire(1, null)),
                () -> assertThrows(IllegalArgumentException.class, () -> new Semaphore(1).release(0)),
                () -> assertThrows(IllegalArgumentException.class, () -> new Semaphore(1).release(-5)),
                () -> assertThrows(IllegalArgumentException.class, () -> new Latch(-1)),
                () -> assertThrows(NullPointerException.class, () -> new Latch(1).await(null)),
                () -> assertThrows(IllegalArgumentException.class, () -> Channel.bounded(0)),
                () -> assertThrows(IllegalArgumentException.class, () -> Channel.bounded(-1)),
                () -> assertThrows(IllegalArgumentException.class, () -> Channel.bounded(Integer.MIN_VALUE)),
                () -> assertThrows(NullPointerException.class, () -> Channel.unbounded().send(null)),
                () -> assertThrows(NullPointerException.class, () -> Channel.unbounded().trySend(null)),
                () -> assertThrows(NullPointerException.class, () -> Channel.unbounded().receive(null)),
                () -> assertThrows(NullPointerException.class, () -> UserThreadLocal.withInitial(null)));

        Semaphore full = new Semaphore(Integer.MAX_VALUE);
        assertThrows(Error.class, () -> full.release(1), "permit overflow is refused, as by java.util.concurrent.Semaphore");
        assertEquals(Integer.MAX_VALUE, full.availablePermits(), "and changes nothing");
        assertTrue(new Semaphore(0).availablePermits() == 0);
        Latch big = new Latch(Integer.MAX_VALUE);
        big.countDown();
        assertEquals(Integer.MAX_VALUE - 1, big.getCount());
        Channel<Integer> huge = Channel.bounded(Integer.MAX_VALUE);
        assertTrue(huge.trySend(1));
        assertEquals(1, huge.tryReceive());
        UserThreadLocal<String> local = new UserThreadLocal<>();
        TestSupport.inUserThread(scheduler, () -> {
            local.set(null);
            assertNull(local.get());
            local.remove();
            local.remove();
        });
        TestSupport.assertStillWorks(scheduler);
    }

    @Test
    void executorRejectsBadValues() throws Exception {
        ExecutorService ex = Activations.newExecutor(scheduler);
        assertAll(
                () -> assertThrows(NullPointerException.class, () -> Activations.newExecutor(null, "x", 5)),
                () -> assertThrows(NullPointerException.class, () -> Activations.newExecutor((Scheduler) null)),
                () -> assertThrows(IllegalArgumentException.class, () -> Activations.newExecutor(kernel, null, 5)),
                () -> assertThrows(IllegalArgumentException.class, () -> Activations.newExecutor(kernel, " ", 5)),
                () -> assertThrows(IllegalArgumentException.class, () -> Activations.newExecutor(kernel, "x", 0)),
                () -> assertThrows(IllegalArgumentException.class, () -> Activations.newExecutor(kernel, "x", 11)),
                () -> assertThrows(NullPointerException.class, () -> ex.execute(null)),
                () -> assertThrows(NullPointerException.class, () -> ex.submit((Runnable) null)),
                () -> assertThrows(NullPointerException.class, () -> ex.submit((Callable<?>) null)),
                () -> assertThrows(NullPointerException.class, () -> ex.invokeAll(null)),
                () -> assertThrows(NullPointerException.class, () -> ex.invokeAny(null)),
                () -> assertThrows(IllegalArgumentException.class, () -> ex.invokeAny(List.of())),
                () -> assertThrows(NullPointerException.class, () -> ex.invokeAny(Arrays.asList(() -> 1, null))),
                () -> assertThrows(NullPointerException.class, () -> ex.awaitTermination(1, null)));
        assertTrue(ex.invokeAll(List.of()).isEmpty());
        assertFalse(ex.awaitTermination(-1, TimeUnit.SECONDS), "not shut down: false at once");
        assertFalse(ex.awaitTermination(0, TimeUnit.SECONDS));
        Latch never = new Latch(1);
        Future<Object> f = ex.submit(() -> {
            never.await();
            return null;
        });
        assertThrows(TimeoutException.class, () -> f.get(-1, TimeUnit.SECONDS), "negative timeout: just checks");
        assertThrows(TimeoutException.class, () -> f.get(0, TimeUnit.SECONDS));
        assertThrows(NullPointerException.class, () -> f.get(1, null));
        f.cancel(true);
        assertEquals(1, ex.submit(() -> 1).get());
        ex.shutdown();
        assertTrue(ex.awaitTermination(HANG.toSeconds(), TimeUnit.SECONDS));
        TestSupport.assertStillWorks(scheduler);
    }

    // ------------------------------------------------------------------ huge timeouts

    @Test
    void hugeTimeoutsParkQuietlyAndStillWake() {
        Mutex mutex = new Mutex();
        Condition condition = mutex.newCondition();
        List<Executable> checks = new ArrayList<>();
        checks.add(() -> quietWait("UserThread.parkNanos(Long.MAX_VALUE)", released -> () -> {
            while (!released.get()) {
                UserThread.parkNanos(Long.MAX_VALUE);
            }
        }, UserThread::unpark));
        checks.add(() -> quietWait("UserThread.sleep(Duration.ofNanos(Long.MAX_VALUE))", released -> () -> {
            assertThrows(InterruptedException.class, () -> UserThread.sleep(Duration.ofNanos(Long.MAX_VALUE)));
        }, UserThread::interrupt));
        Latch latch = new Latch(1);
        checks.add(() -> quietWait("Latch.await(Duration.ofNanos(Long.MAX_VALUE))", released -> () -> {
            assertTrue(latch.await(Duration.ofNanos(Long.MAX_VALUE)));
        }, t -> latch.countDown()));
        Semaphore sem = new Semaphore(0);
        checks.add(() -> quietWait("Semaphore.tryAcquire(1, Duration.ofNanos(Long.MAX_VALUE))", released -> () -> {
            assertTrue(sem.tryAcquire(1, Duration.ofNanos(Long.MAX_VALUE)));
        }, t -> sem.release()));
        Channel<String> ch = Channel.unbounded();
        checks.add(() -> quietWait("Channel.receive(Duration.ofNanos(Long.MAX_VALUE))", released -> () -> {
            assertEquals("x", ch.receive(Duration.ofNanos(Long.MAX_VALUE)));
        }, t -> ch.send("x")));
        checks.add(() -> quietWait("Condition.awaitNanos(Long.MAX_VALUE)", released -> () -> {
            mutex.lock();
            try {
                while (!released.get()) {
                    assertTrue(condition.awaitNanos(Long.MAX_VALUE) > 0);
                }
            } finally {
                mutex.unlock();
            }
        }, t -> {
            mutex.lock();
            try {
                condition.signalAll();
            } finally {
                mutex.unlock();
            }
        }));
        Latch held = new Latch(1);
        Latch unlock = new Latch(1);
        checks.add(() -> {
            UserThread owner = scheduler.start(() -> {
                mutex.lock();
                held.countDown();
                try {
                    unlock.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                } finally {
                    mutex.unlock();
                }
            });
            held.await();
            quietWait("Mutex.tryLock(Long.MAX_VALUE, NANOSECONDS)", released -> () -> {
                assertTrue(mutex.tryLock(Long.MAX_VALUE, TimeUnit.NANOSECONDS));
                mutex.unlock();
            }, t -> unlock.countDown());
            join(owner);
        });
        Latch joinGate = new Latch(1);
        UserThread joinee = scheduler.start(() -> {
            try {
                joinGate.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        checks.add(() -> quietWait("UserThread.join(Duration.ofSeconds(Long.MAX_VALUE))", released -> () -> {
            assertTrue(joinee.join(Duration.ofSeconds(Long.MAX_VALUE)));
        }, t -> joinGate.countDown()));
        ExecutorService ex = Activations.newExecutor(scheduler);
        Latch taskGate = new Latch(1);
        Future<String> slow = ex.submit(() -> {
            taskGate.await();
            return "slow";
        });
        checks.add(() -> javaWaitEndsOnRelease("Future.get(Long.MAX_VALUE, NANOSECONDS)", () -> {
            assertEquals("slow", slow.get(Long.MAX_VALUE, TimeUnit.NANOSECONDS));
        }, taskGate::countDown));
        Latch anyGate = new Latch(1);
        checks.add(() -> javaWaitEndsOnRelease("invokeAny(tasks, Long.MAX_VALUE, NANOSECONDS)", () -> {
            assertEquals("any", ex.invokeAny(List.of(() -> {
                anyGate.await();
                return "any";
            }), Long.MAX_VALUE, TimeUnit.NANOSECONDS));
        }, anyGate::countDown));
        ExecutorService toStop = Activations.newExecutor(scheduler);
        Latch stopGate = new Latch(1);
        toStop.submit(() -> {
            stopGate.await();
            return null;
        });
        toStop.shutdown();
        checks.add(() -> javaWaitEndsOnRelease("awaitTermination(Long.MAX_VALUE, DAYS)", () -> {
            assertTrue(toStop.awaitTermination(Long.MAX_VALUE, TimeUnit.DAYS));
        }, stopGate::countDown));
        assertAll(checks.stream());
        ex.shutdown();
        TestSupport.assertStillWorks(scheduler);
    }

    /**
     * The executor's waits are the JDK's own ({@code FutureTask}, {@code ThreadPerTaskExecutor}),
     * made by a Java thread, as an application would: {@code waiter} runs in a Java thread of the
     * test scheduler, must wait (unmounted; it is still waiting after a pause), and must finish
     * once {@code release} ran. In a raw user thread these JDK waits would park the carrier.
     */
    private void javaWaitEndsOnRelease(String what, TestSupport.Body waiter, Runnable release) throws Exception {
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Thread t = TestSupport.startJava(scheduler, what, failures, waiter);
        TestSupport.awaitWaiting(t);
        Thread.sleep(50); // a pause to observe, not a measurement
        assertTrue(t.isAlive(), what + ": a huge timeout must not end the wait early");
        TestSupport.awaitWaiting(t);
        release.run();
        join(t);
        TestSupport.assertNoFailures(failures);
    }

    /** Something to do to a waiting thread to end its wait. */
    @FunctionalInterface
    private interface Release {
        void apply(UserThread waiter) throws Exception;
    }

    private final AtomicInteger quietSerial = new AtomicInteger();

    /**
     * Runs {@code waiter} in a user thread of a scheduler of its own, lets it park, counts its
     * wake-ups over a pause, then releases it: it must not have woken by itself repeatedly,
     * and must finish once released.
     */
    private void quietWait(String what, Function<AtomicBoolean, TestSupport.Body> waiter, Release release) throws Exception {
        Scheduler own = newScheduler("quiet-" + quietSerial.incrementAndGet(), 5);
        // An older timer keeps the timer wheel running, as in any busy program, so the waiter's
        // deadline is scheduled on a wheel that started before it.
        UserThread sleeper = own.start(() -> {
            try {
                UserThread.sleep(Duration.ofHours(1));
            } catch (InterruptedException e) {
                // released at the end
            }
        });
        awaitParked(sleeper);
        Thread.sleep(2);
        AtomicBoolean released = new AtomicBoolean();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        UserThread t = TestSupport.startChecked(own, what, failures, waiter.apply(released));
        awaitParked(t);
        long before = own.stats().parks();
        Thread.sleep(100); // a pause to observe, not a measurement
        long wakeUps = own.stats().parks() - before;
        released.set(true);
        release.apply(t);
        join(t);
        sleeper.interrupt();
        join(sleeper);
        TestSupport.assertNoFailures(failures);
        assertTrue(wakeUps <= 2, what + ": the waiter woke " + wakeUps + " times in a pause with nothing to wake it (a huge timeout must not turn into a busy wait)");
    }
}
