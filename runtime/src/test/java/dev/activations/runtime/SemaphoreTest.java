package dev.activations.runtime;

import static dev.activations.runtime.TestSupport.awaitParked;
import static dev.activations.runtime.TestSupport.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link Semaphore}: counting, FIFO grants (multi-permit requests included), timeouts and
 * interrupts.
 *
 * <p>What it proves:
 * <ul>
 *   <li>never more permits in use than exist, with single- and multi-permit acquirers, user
 *       and platform threads; all permits are back at the end;</li>
 *   <li>FIFO: waiters are granted strictly in arrival order, and a waiting multi-permit
 *       request at the head is not overtaken by smaller ones (nor by {@code tryAcquire});
 *       grants happen inside {@code release}, so this is checked without timing;</li>
 *   <li>a timed acquire gives up, and when the head of the queue gives up (timeout or
 *       interrupt) the next waiter that now fits is granted;</li>
 *   <li>{@code acquire} throws {@link InterruptedException} on interrupt (and at once if the
 *       flag is already set) without losing permits; {@code acquireUninterruptibly} keeps
 *       waiting and re-asserts the flag.</li>
 * </ul>
 */
class SemaphoreTest extends RuntimeTestBase {

    @Test
    void neverMorePermitsInUseThanExist() {
        int permits = 3;
        Semaphore sem = new Semaphore(permits);
        AtomicInteger inUse = new AtomicInteger();
        AtomicInteger overdrawn = new AtomicInteger();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<UserThread> ts = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            int seed = i;
            ts.add(TestSupport.startChecked(scheduler, "sem-" + i, failures, () -> {
                SplittableRandom rnd = new SplittableRandom(seed);
                for (int k = 0; k < 300; k++) {
                    int n = 1 + rnd.nextInt(permits);
                    sem.acquire(n);
                    if (inUse.addAndGet(n) > permits) {
                        overdrawn.incrementAndGet();
                    }
                    if (k % 3 == 0) {
                        UserThread.yield();
                    }
                    inUse.addAndGet(-n);
                    sem.release(n);
                }
            }));
        }
        Thread platform = new Thread(() -> {
            for (int k = 0; k < 300; k++) {
                sem.acquireUninterruptibly(1);
                if (inUse.incrementAndGet() > permits) {
                    overdrawn.incrementAndGet();
                }
                inUse.decrementAndGet();
                sem.release();
            }
        }, "platform-sem");
        platform.start();
        TestSupport.joinAll(ts);
        TestSupport.join(platform);
        TestSupport.assertNoFailures(failures);
        assertEquals(0, overdrawn.get(), "more permits in use than the semaphore has");
        assertEquals(permits, sem.availablePermits(), "every permit came back");
    }

    @Test
    void multiPermitHeadIsNotOvertaken() throws InterruptedException {
        Semaphore sem = new Semaphore(0);
        List<String> order = new CopyOnWriteArrayList<>();
        UserThread big = scheduler.start(() -> {
            acquire(sem, 3);
            order.add("big");
        });
        awaitParked(big);
        UserThread small = scheduler.start(() -> {
            acquire(sem, 1);
            order.add("small");
        });
        awaitParked(small);

        sem.release(1);
        assertEquals(1, sem.availablePermits(), "one permit free, but the head needs three: nobody is granted");
        assertFalse(sem.tryAcquire(), "tryAcquire does not overtake waiters");
        sem.release(2);
        join(big);
        assertEquals(0, sem.availablePermits(), "the head took all three");
        assertTrue(small.isAlive(), "the small request waits for its own permit");
        sem.release(1);
        join(small);
        assertEquals(List.of("big", "small"), order);
    }

    @Test
    void waitersAreGrantedInArrivalOrder() {
        Semaphore sem = new Semaphore(0);
        List<Integer> order = new CopyOnWriteArrayList<>();
        List<UserThread> ts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int me = i;
            UserThread t = scheduler.start(() -> {
                acquire(sem, 1);
                order.add(me);
            });
            awaitParked(t); // queued before the next one arrives
            ts.add(t);
        }
        for (int i = 0; i < ts.size(); i++) {
            sem.release();
            join(ts.get(i)); // the grant happened inside release(): only the head can finish
            assertEquals(i + 1, order.size());
        }
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), order);
    }

    @Test
    void timedAcquireGivesUpAndTheNextWaiterMovesUp() throws InterruptedException {
        Semaphore sem = new Semaphore(1);
        AtomicReference<Boolean> bigGot = new AtomicReference<>();
        UserThread big = scheduler.start(() -> {
            try {
                bigGot.set(sem.tryAcquire(3, Duration.ofMillis(20)));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        awaitParked(big);
        UserThread small = scheduler.start(() -> acquire(sem, 1));
        join(big);
        assertFalse(bigGot.get(), "three permits never became free");
        join(small); // granted once the head gave up
        assertEquals(0, sem.availablePermits());

        inUserThread(() -> {
            assertFalse(sem.tryAcquire(1, Duration.ofMillis(1)));
            assertFalse(sem.tryAcquire(1, Duration.ZERO));
            assertFalse(sem.tryAcquire(1, Duration.ofMillis(-1)));
        });
        AtomicReference<Boolean> patientGot = new AtomicReference<>();
        UserThread patient = scheduler.start(() -> {
            try {
                patientGot.set(sem.tryAcquire(2, Duration.ofHours(1)));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        awaitParked(patient);
        sem.release(2);
        join(patient);
        assertTrue(patientGot.get());
    }

    @Test
    void interruptedAcquireThrowsAndLosesNoPermit() throws InterruptedException {
        Semaphore sem = new Semaphore(1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean flagAfter = new AtomicBoolean(true);
        UserThread head = scheduler.start(() -> {
            try {
                sem.acquire(2);
            } catch (InterruptedException e) {
                thrown.set(e);
                flagAfter.set(UserThread.current().isInterrupted());
            }
        });
        awaitParked(head);
        UserThread next = scheduler.start(() -> acquire(sem, 1));
        awaitParked(next);
        head.interrupt();
        join(head);
        assertInstanceOf(InterruptedException.class, thrown.get());
        assertFalse(flagAfter.get(), "throwing InterruptedException clears the interrupt flag");
        join(next); // the head left: the one permit goes to the next waiter
        assertEquals(0, sem.availablePermits());
        sem.release();
        assertEquals(1, sem.availablePermits());

        inUserThread(() -> {
            UserThread.current().interrupt();
            assertThrows(InterruptedException.class, sem::acquire, "already interrupted: throws at once");
            assertFalse(UserThread.current().isInterrupted(), "and clears the flag");
            assertEquals(1, sem.availablePermits(), "and takes nothing");
        });
    }

    @Test
    void acquireUninterruptiblyKeepsWaitingAndReassertsTheFlag() {
        Semaphore sem = new Semaphore(0);
        AtomicBoolean flag = new AtomicBoolean();
        UserThread t = scheduler.start(() -> {
            sem.acquireUninterruptibly(1);
            flag.set(UserThread.current().isInterrupted());
        });
        awaitParked(t);
        t.interrupt();
        TestSupport.awaitCondition("parked again after the interrupt", () -> t.state() == UserThread.State.PARKED);
        assertTrue(t.isAlive());
        sem.release();
        join(t);
        assertTrue(flag.get());
    }

    private static void acquire(Semaphore sem, int n) {
        try {
            sem.acquire(n);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
