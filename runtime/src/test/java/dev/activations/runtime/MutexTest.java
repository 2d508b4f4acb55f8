package dev.activations.runtime;

import static dev.activations.runtime.TestSupport.awaitParked;
import static dev.activations.runtime.TestSupport.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import org.junit.jupiter.api.Test;

/**
 * {@link Mutex} and its {@link Condition}s.
 *
 * <p>What it proves:
 * <ul>
 *   <li>mutual exclusion: many user threads and platform threads, some yielding or sleeping
 *       while they hold the lock, never overlap and lose no increment;</li>
 *   <li>reentrancy: hold counts, {@code tryLock} on a held lock, full release after the last
 *       {@code unlock};</li>
 *   <li>{@code tryLock()} and timed {@code tryLock} fail while another holds it and succeed
 *       once it is released; {@code lockInterruptibly} throws on interrupt, {@code lock()}
 *       ignores it and re-asserts the flag;</li>
 *   <li>{@code unlock} by a non-owner (user or platform thread) throws
 *       {@link IllegalMonitorStateException};</li>
 *   <li>conditions: a bounded buffer with two conditions moves every item exactly once;
 *       {@code await} releases every hold and restores the count; {@code signalAll} wakes all;
 *       timed waits time out reporting so; an interrupted {@code await} throws with the lock
 *       re-held; {@code awaitUninterruptibly} keeps waiting and re-asserts the flag; methods
 *       called without the lock throw {@link IllegalMonitorStateException}.</li>
 * </ul>
 */
class MutexTest extends RuntimeTestBase {

    @Test
    void mutualExclusionAcrossUserAndPlatformThreads() throws InterruptedException {
        Mutex m = new Mutex();
        int[] counter = new int[1];
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        int users = 40;
        int platforms = 2;
        int per = 1_000;
        Runnable body = () -> {
            for (int i = 0; i < per; i++) {
                m.lock();
                try {
                    if (inside.incrementAndGet() != 1) {
                        overlaps.incrementAndGet();
                    }
                    counter[0]++;
                    if (i % 100 == 0 && UserThread.current() != null) {
                        UserThread.yield(); // hold the lock across a switch: others must park
                    }
                    if (i % 250 == 0 && UserThread.current() != null) {
                        try {
                            UserThread.sleep(Duration.ofNanos(50_000)); // and across a timed park
                        } catch (InterruptedException e) {
                            throw new AssertionError(e);
                        }
                    }
                    inside.decrementAndGet();
                } finally {
                    m.unlock();
                }
            }
        };
        List<UserThread> ts = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            ts.add(scheduler.start(body));
        }
        List<Thread> ps = new ArrayList<>();
        for (int i = 0; i < platforms; i++) {
            Thread p = new Thread(body, "platform-locker-" + i);
            p.start();
            ps.add(p);
        }
        TestSupport.joinAll(ts);
        for (Thread p : ps) {
            TestSupport.join(p);
        }
        assertEquals(0, overlaps.get(), "two holders at once");
        m.lock();
        try {
            assertEquals((users + platforms) * per, counter[0], "lost increments");
        } finally {
            m.unlock();
        }
        assertFalse(m.isLocked());
    }

    @Test
    void reentrancyCountsHolds() {
        Mutex m = new Mutex();
        inUserThread(() -> {
            m.lock();
            m.lock();
            assertTrue(m.tryLock(), "tryLock on a lock the caller holds succeeds");
            assertEquals(3, m.getHoldCount());
            assertTrue(m.isHeldByCurrentThread());
            m.unlock();
            m.unlock();
            assertTrue(m.isLocked(), "still held once");
            AtomicBoolean otherGot = new AtomicBoolean();
            UserThread other = UserThread.start(() -> otherGot.set(m.tryLock()));
            other.join();
            assertFalse(otherGot.get(), "another thread cannot take a held lock");
            m.unlock();
            assertFalse(m.isLocked());
            assertEquals(0, m.getHoldCount());
            assertThrows(IllegalMonitorStateException.class, m::unlock, "one unlock too many");
        });
        assertTrue(m.tryLock(), "a platform thread takes it after the user thread released it");
        m.unlock();
    }

    @Test
    void tryLockAndTimedTryLock() throws InterruptedException {
        Mutex m = new Mutex();
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
        held.await();
        AtomicReference<Boolean> timedOut = new AtomicReference<>();
        AtomicReference<Boolean> zero = new AtomicReference<>();
        AtomicReference<Boolean> negative = new AtomicReference<>();
        AtomicReference<Boolean> immediate = new AtomicReference<>();
        UserThread contender = scheduler.start(() -> {
            try {
                immediate.set(m.tryLock());
                zero.set(m.tryLock(0, TimeUnit.SECONDS));
                negative.set(m.tryLock(-1, TimeUnit.SECONDS));
                timedOut.set(m.tryLock(2, TimeUnit.MILLISECONDS));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        join(contender);
        assertFalse(immediate.get());
        assertFalse(zero.get());
        assertFalse(negative.get());
        assertFalse(timedOut.get(), "timed tryLock gives up while the owner holds on");
        assertFalse(m.tryLock(), "platform thread: tryLock fails too");

        AtomicReference<Boolean> waited = new AtomicReference<>();
        UserThread patient = scheduler.start(() -> {
            try {
                waited.set(m.tryLock(1, TimeUnit.HOURS));
                m.unlock();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        awaitParked(patient);
        release.countDown();
        join(owner);
        join(patient);
        assertTrue(waited.get(), "a timed tryLock gets the lock when it is released in time");
    }

    @Test
    void lockInterruptiblyThrowsOnInterruptAndLockDoesNot() throws InterruptedException {
        Mutex m = new Mutex();
        m.lock(); // held by this platform thread
        AtomicReference<Throwable> interruptible = new AtomicReference<>();
        AtomicBoolean aFlag = new AtomicBoolean(true);
        UserThread a = scheduler.start(() -> {
            try {
                m.lockInterruptibly();
                m.unlock();
            } catch (Throwable e) {
                interruptible.set(e);
                aFlag.set(UserThread.current().isInterrupted());
            }
        });
        AtomicBoolean bGot = new AtomicBoolean();
        AtomicBoolean bFlag = new AtomicBoolean();
        UserThread b = scheduler.start(() -> {
            m.lock(); // ignores interrupts
            try {
                bGot.set(true);
                bFlag.set(UserThread.current().isInterrupted());
            } finally {
                m.unlock();
            }
        });
        awaitParked(a);
        awaitParked(b);
        a.interrupt();
        b.interrupt();
        join(a);
        assertInstanceOf(InterruptedException.class, interruptible.get());
        assertFalse(aFlag.get(), "throwing InterruptedException clears the interrupt flag");
        assertTrue(m.isHeldByCurrentThread(), "the owner keeps the lock");
        assertTrue(b.isAlive(), "lock() keeps waiting when interrupted");
        m.unlock();
        join(b);
        assertTrue(bGot.get());
        assertTrue(bFlag.get(), "lock() re-asserts the interrupt it swallowed");

        inUserThread(() -> {
            UserThread.current().interrupt();
            assertThrows(InterruptedException.class, m::lockInterruptibly, "already interrupted: throws at once");
            assertFalse(m.isLocked());
        });
    }

    @Test
    void unlockByNonOwnerThrows() throws InterruptedException {
        Mutex m = new Mutex();
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
        IllegalMonitorStateException fromPlatform = assertThrows(IllegalMonitorStateException.class, m::unlock);
        assertTrue(fromPlatform.getMessage().contains("does not hold"), fromPlatform.getMessage());
        inUserThread(() -> assertThrows(IllegalMonitorStateException.class, m::unlock));
        assertTrue(m.isLocked(), "a failed unlock leaves the owner's hold alone");
        release.countDown();
        join(owner);
        assertFalse(m.isLocked());
    }

    @Test
    void boundedBufferWithTwoConditionsMovesEveryItemOnce() {
        Mutex m = new Mutex();
        Condition notFull = m.newCondition();
        Condition notEmpty = m.newCondition();
        ArrayDeque<Integer> buffer = new ArrayDeque<>();
        int capacity = 4;
        int producers = 4;
        int consumers = 4;
        int perProducer = 2_000;
        BitSet seen = new BitSet();
        AtomicInteger duplicates = new AtomicInteger();
        List<Throwable> failures = new ArrayList<>();
        List<UserThread> ts = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int base = p * perProducer;
            ts.add(TestSupport.startChecked(scheduler, "producer-" + p, failures, () -> {
                for (int i = 0; i < perProducer; i++) {
                    m.lock();
                    try {
                        while (buffer.size() == capacity) {
                            notFull.await();
                        }
                        buffer.add(base + i);
                        notEmpty.signal();
                    } finally {
                        m.unlock();
                    }
                }
            }));
        }
        int total = producers * perProducer;
        for (int c = 0; c < consumers; c++) {
            ts.add(TestSupport.startChecked(scheduler, "consumer-" + c, failures, () -> {
                for (int i = 0; i < total / consumers; i++) {
                    int item;
                    m.lock();
                    try {
                        while (buffer.isEmpty()) {
                            notEmpty.await();
                        }
                        item = buffer.poll();
                        notFull.signal();
                    } finally {
                        m.unlock();
                    }
                    synchronized (seen) {
                        if (seen.get(item)) {
                            duplicates.incrementAndGet();
                        }
                        seen.set(item);
                    }
                }
            }));
        }
        TestSupport.joinAll(ts);
        TestSupport.assertNoFailures(failures);
        assertEquals(0, duplicates.get(), "an item was received twice");
        assertEquals(total, seen.cardinality(), "every item arrived");
    }

    @Test
    void awaitReleasesEveryHoldAndRestoresTheCount() {
        Mutex m = new Mutex();
        Condition c = m.newCondition();
        AtomicBoolean ready = new AtomicBoolean();
        AtomicInteger holdsAfter = new AtomicInteger();
        UserThread waiter = scheduler.start(() -> {
            m.lock();
            m.lock();
            try {
                while (!ready.get()) {
                    c.awaitUninterruptibly();
                }
                holdsAfter.set(m.getHoldCount());
            } finally {
                m.unlock();
                m.unlock();
            }
        });
        awaitParked(waiter);
        inUserThread(() -> {
            assertTrue(m.tryLock(), "await released both holds");
            try {
                ready.set(true);
                c.signal();
            } finally {
                m.unlock();
            }
        });
        join(waiter);
        assertEquals(2, holdsAfter.get(), "await restored the hold count");
    }

    @Test
    void signalAllWakesEveryWaiter() {
        Mutex m = new Mutex();
        Condition c = m.newCondition();
        boolean[] open = new boolean[1];
        int n = 50;
        AtomicInteger woke = new AtomicInteger();
        List<Throwable> failures = new ArrayList<>();
        List<UserThread> ts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ts.add(TestSupport.startChecked(scheduler, "waiter-" + i, failures, () -> {
                m.lock();
                try {
                    while (!open[0]) {
                        c.await();
                    }
                    woke.incrementAndGet();
                } finally {
                    m.unlock();
                }
            }));
        }
        for (UserThread t : ts) {
            awaitParked(t);
        }
        m.lock(); // from a platform thread
        try {
            open[0] = true;
            c.signalAll();
        } finally {
            m.unlock();
        }
        TestSupport.joinAll(ts);
        TestSupport.assertNoFailures(failures);
        assertEquals(n, woke.get());
    }

    @Test
    void timedAwaitsTimeOutAndReportIt() {
        Mutex m = new Mutex();
        Condition c = m.newCondition();
        inUserThread(() -> {
            m.lock();
            try {
                assertTrue(c.awaitNanos(1_000_000) <= 0, "awaitNanos reports the timeout with a value <= 0");
                assertFalse(c.await(1, TimeUnit.MILLISECONDS), "await(time) is false on timeout");
                assertFalse(c.awaitUntil(new Date(System.currentTimeMillis() - 1_000)), "awaitUntil a past date");
                assertEquals(0, c.awaitNanos(0), "awaitNanos(0) returns at once");
                assertEquals(-5, c.awaitNanos(-5));
                assertTrue(m.isHeldByCurrentThread(), "the lock is held again after each timed wait");
                assertEquals(1, m.getHoldCount());
            } finally {
                m.unlock();
            }
        });
    }

    @Test
    void timedAwaitSignalledInTime() {
        Mutex m = new Mutex();
        Condition c = m.newCondition();
        AtomicBoolean ready = new AtomicBoolean();
        AtomicReference<Boolean> result = new AtomicReference<>();
        UserThread waiter = scheduler.start(() -> {
            m.lock();
            try {
                boolean ok = true;
                while (!ready.get() && ok) {
                    ok = c.await(1, TimeUnit.HOURS);
                }
                result.set(ok);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            } finally {
                m.unlock();
            }
        });
        awaitParked(waiter);
        m.lock();
        try {
            ready.set(true);
            c.signal();
        } finally {
            m.unlock();
        }
        join(waiter);
        assertTrue(result.get(), "a signalled timed await reports true");
    }

    @Test
    void interruptedAwaitThrowsWithTheLockReheld() {
        Mutex m = new Mutex();
        Condition c = m.newCondition();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean heldInCatch = new AtomicBoolean();
        UserThread waiter = scheduler.start(() -> {
            m.lock();
            try {
                c.await();
            } catch (InterruptedException e) {
                thrown.set(e);
                heldInCatch.set(m.isHeldByCurrentThread() && !UserThread.current().isInterrupted());
            } finally {
                m.unlock();
            }
        });
        awaitParked(waiter);
        waiter.interrupt();
        join(waiter);
        assertInstanceOf(InterruptedException.class, thrown.get());
        assertTrue(heldInCatch.get(), "await re-acquires the lock before throwing, with the flag cleared");
        assertFalse(m.isLocked());
    }

    @Test
    void awaitUninterruptiblyKeepsWaitingAndReassertsTheFlag() {
        Mutex m = new Mutex();
        Condition c = m.newCondition();
        AtomicBoolean ready = new AtomicBoolean();
        AtomicBoolean flag = new AtomicBoolean();
        UserThread waiter = scheduler.start(() -> {
            m.lock();
            try {
                while (!ready.get()) {
                    c.awaitUninterruptibly();
                }
                flag.set(UserThread.current().isInterrupted());
            } finally {
                m.unlock();
            }
        });
        awaitParked(waiter);
        waiter.interrupt();
        TestSupport.awaitCondition("waiter to park again after the interrupt", () -> waiter.state() == UserThread.State.PARKED);
        assertTrue(waiter.isAlive(), "an interrupt does not end awaitUninterruptibly");
        m.lock();
        try {
            ready.set(true);
            c.signal();
        } finally {
            m.unlock();
        }
        join(waiter);
        assertTrue(flag.get(), "the swallowed interrupt is re-asserted");
    }

    @Test
    void conditionMethodsRequireTheLock() {
        Mutex m = new Mutex();
        Condition c = m.newCondition();
        assertThrows(IllegalMonitorStateException.class, c::await);
        assertThrows(IllegalMonitorStateException.class, c::signal);
        assertThrows(IllegalMonitorStateException.class, c::signalAll);
        assertThrows(IllegalMonitorStateException.class, () -> c.awaitNanos(0));
        inUserThread(() -> {
            assertThrows(IllegalMonitorStateException.class, c::awaitUninterruptibly);
            assertThrows(IllegalMonitorStateException.class, c::signal);
        });
        assertFalse(m.isLocked());
    }
}
