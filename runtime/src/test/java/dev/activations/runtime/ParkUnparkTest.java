package dev.activations.runtime;

import static dev.activations.runtime.TestSupport.awaitCondition;
import static dev.activations.runtime.TestSupport.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.activations.kernel.Kernel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Park/unpark never loses a wake-up and never runs a thread twice (DESIGN.md §3,
 * "Park/unpark"), whoever the unparker is.
 *
 * <p>What it proves:
 * <ul>
 *   <li>the permit: an unpark before the park makes it return at once; permits do not
 *       accumulate (two unparks let exactly one park through);</li>
 *   <li>no lost wake-up under races: a strict post/consume handshake of many rounds where the
 *       consumer parks between posts and the unpark lands before, during or after the park
 *       (RUNNING → PARKING → PARKED), with the unparker a platform thread, a user thread of
 *       the same scheduler, of another scheduler on the same kernel, and of another kernel;
 *       with timed parks mixed in, so stale timers race real unparks;</li>
 *   <li>thousands of threads unparked while they are still on their way to park;</li>
 *   <li>ping-pong correctness: two user threads alternate strictly for many rounds on one
 *       and on two processors, each seeing exactly the value the other left;</li>
 *   <li>a timed park returns without an unpark, and starts no thread (the timer thread runs from the
 *       scheduler's construction); an interrupt ends a park and keeps the flag.</li>
 * </ul>
 * A lost wake-up shows as a hang, caught by the join guard with the parked stack; a thread
 * run twice shows as a failed upcall (checked after every test) or a corrupted count.
 */
class ParkUnparkTest extends RuntimeTestBase {
    private static final int ROUNDS = 20_000;

    @Test
    void unparkBeforeParkLetsTheParkReturnAtOnce() {
        inUserThread(() -> {
            UserThread.current().unpark();
            UserThread.park(); // consumes the permit; a lost permit would hang here
        });
    }

    @Test
    void permitsDoNotAccumulate() {
        AtomicInteger phase = new AtomicInteger();
        AtomicInteger seenAfterSecondPark = new AtomicInteger(-1);
        UserThread t = scheduler.start(() -> {
            UserThread me = UserThread.current();
            me.unpark();
            me.unpark();
            UserThread.park(); // one permit: returns at once
            phase.set(1);
            UserThread.park(); // no permit left: must wait for the test's unpark
            seenAfterSecondPark.set(phase.get());
        });
        awaitCondition("second park", () -> (phase.get() == 1 && t.state() == UserThread.State.PARKED) || !t.isAlive());
        phase.set(2);
        t.unpark();
        join(t);
        assertEquals(2, seenAfterSecondPark.get(), "the second park returned before its unpark: two unparks left two permits");
    }

    @Test
    void unparkAfterParkWakesTheThread() {
        AtomicBoolean go = new AtomicBoolean();
        UserThread t = scheduler.start(() -> {
            while (!go.get()) {
                UserThread.park();
            }
        });
        TestSupport.awaitParked(t);
        go.set(true);
        t.unpark();
        join(t);
    }

    @Test
    void handshakeWithPlatformUnparker() {
        Handshake h = new Handshake(ROUNDS, false);
        UserThread consumer = h.startConsumer(scheduler);
        Thread producer = new Thread(() -> h.produce(consumer, Thread::onSpinWait), "platform-producer");
        producer.start();
        TestSupport.join(producer);
        join(consumer);
        h.check();
    }

    @Test
    void handshakeWithUserUnparkerInTheSameScheduler() {
        Handshake h = new Handshake(ROUNDS, false);
        UserThread consumer = h.startConsumer(scheduler);
        UserThread producer = scheduler.start(() -> h.produce(consumer, UserThread::yield));
        join(producer);
        join(consumer);
        h.check();
    }

    @Test
    void handshakeWithUserUnparkerInAnotherScheduler() {
        Scheduler other = newScheduler("other", 5);
        Handshake h = new Handshake(ROUNDS / 2, false);
        UserThread consumer = h.startConsumer(scheduler);
        UserThread producer = other.start(() -> h.produce(consumer, UserThread::yield));
        join(producer);
        join(consumer);
        h.check();
    }

    @Test
    void handshakeWithUserUnparkerOnAnotherKernel() {
        try (Kernel k2 = Kernel.builder().processors(1).name(kernel.name() + "-second").build()) {
            Scheduler other = track(Scheduler.builder().kernel(k2).name("other").policy(policy()).build());
            Handshake h = new Handshake(ROUNDS / 4, false);
            UserThread consumer = h.startConsumer(scheduler);
            UserThread producer = other.start(() -> h.produce(consumer, UserThread::yield));
            join(producer);
            join(consumer);
            h.check();
        }
    }

    @Test
    void handshakeWithTimedParksRacingUnparks() {
        Handshake h = new Handshake(ROUNDS / 2, true);
        UserThread consumer = h.startConsumer(scheduler);
        Thread producer = new Thread(() -> h.produce(consumer, Thread::onSpinWait), "platform-producer");
        producer.start();
        UserThread userProducerOfNothing = scheduler.start(() -> {
            // A second source of unparks: spurious ones must be harmless.
            while (consumer.isAlive()) {
                consumer.unpark();
                UserThread.yield();
            }
        });
        TestSupport.join(producer);
        join(consumer);
        join(userProducerOfNothing);
        h.check();
    }

    @Test
    void threadsUnparkedWhileOnTheirWayToPark() {
        int n = 2_000;
        AtomicLongArray released = new AtomicLongArray(n);
        AtomicInteger finished = new AtomicInteger();
        List<UserThread> ts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int me = i;
            ts.add(scheduler.start(() -> {
                while (released.get(me) == 0) {
                    UserThread.park();
                }
                finished.incrementAndGet();
            }));
        }
        // No waiting: each unpark races the thread's start, its check and its park.
        for (int i = 0; i < n; i++) {
            released.set(i, 1);
            ts.get(i).unpark();
        }
        TestSupport.joinAll(ts);
        assertEquals(n, finished.get());
    }

    @Test
    void pingPongOnTwoProcessors() {
        pingPong(scheduler, 50_000);
    }

    @Test
    void pingPongOnOneProcessor() {
        try (Kernel k1 = Kernel.builder().processors(1).name(kernel.name() + "-one").build()) {
            Scheduler s = track(Scheduler.builder().kernel(k1).name("pingpong").policy(policy()).seed(TestSupport.seed()).build());
            pingPong(s, 50_000);
        }
    }

    private static void pingPong(Scheduler s, int rounds) {
        AtomicLong ball = new AtomicLong();
        UserThread[] pair = new UserThread[2];
        List<Throwable> failures = new ArrayList<>();
        for (int side = 0; side < 2; side++) {
            int me = side;
            pair[side] = s.thread().name(side == 0 ? "ping" : "pong").unstarted(() -> {
                try {
                    for (long i = 0; i < rounds; i++) {
                        long expect = 2 * i + me;
                        while (ball.get() != expect) {
                            if (ball.get() > expect) {
                                throw new AssertionError((me == 0 ? "ping" : "pong") + " expected " + expect + " but the ball moved on to " + ball.get());
                            }
                            UserThread.park();
                        }
                        ball.set(expect + 1); // only this side may move the ball now
                        pair[1 - me].unpark();
                    }
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                    pair[1 - me].unpark();
                }
            });
        }
        pair[0].start();
        pair[1].start();
        join(pair[0]);
        join(pair[1]);
        TestSupport.assertNoFailures(failures);
        assertEquals(2L * rounds, ball.get(), "every hop moved the ball exactly once");
    }

    @Test
    void timedParkReturnsWithoutUnpark() {
        inUserThread(() -> {
            UserThread.parkNanos(1_000_000);
            UserThread.parkNanos(0); // no-op
            UserThread.parkNanos(-1); // no-op
        });
    }

    /**
     * The timer thread of timed parks starts with the first user thread started from outside
     * the scheduler, on the starting thread, before the user thread runs: started at the first
     * timed park, it was a {@code Thread.start} on a carrier, inside a user thread, long enough
     * for the monitor to take it for a block and hand the VP off. An executor of Java threads
     * never starts it.
     */
    @Test
    void aTimedParkStartsNoThread() throws Exception {
        try (ExecutorService javaThreads = Activations.newExecutor(newScheduler("java-only-" + System.nanoTime(), 5))) {
            javaThreads.submit(() -> LockSupport.parkNanos(1_000_000)).get();
        }
        assertEquals(0, Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("java-only-")).count(),
                "an executor of Java threads, even with a timed park, started no timer thread");

        Scheduler s = newScheduler("timed-park-" + System.nanoTime(), 5);
        String timer = s.name() + "-timer";
        assertEquals(0, timerThreads(timer).length, "no timer thread before a user thread");
        AtomicBoolean go = new AtomicBoolean();
        UserThread t = s.start(() -> {
            while (!go.get()) {
                Thread.onSpinWait();
            }
            UserThread.parkNanos(1_000_000);
        });
        Thread[] before = timerThreads(timer);
        assertEquals(1, before.length, "the timer thread runs once the first user thread is started, before that thread parks");
        go.set(true);
        join(t);
        assertEquals(List.of(before), List.of(timerThreads(timer)), "the timed park used the timer thread already there");
    }

    private static Thread[] timerThreads(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name) && t.isAlive()).toArray(Thread[]::new);
    }

    @Test
    void interruptEndsParkAndKeepsTheFlag() {
        AtomicBoolean sawFlag = new AtomicBoolean();
        AtomicBoolean clearedAfter = new AtomicBoolean();
        UserThread t = scheduler.start(() -> {
            UserThread me = UserThread.current();
            while (!me.isInterrupted()) {
                UserThread.park();
            }
            UserThread.park(); // flag set: returns at once, like LockSupport.park
            sawFlag.set(UserThread.interrupted());
            clearedAfter.set(!me.isInterrupted());
        });
        TestSupport.awaitParked(t);
        t.interrupt();
        join(t);
        assertTrue(sawFlag.get(), "interrupted() reports the interrupt");
        assertTrue(clearedAfter.get(), "interrupted() clears the flag");
        assertFalse(t.isInterrupted());
    }

    /**
     * Post/consume handshake: the producer posts round i, unparks the consumer and waits
     * until round i is consumed; the consumer parks while nothing new is posted.
     */
    private static final class Handshake {
        final int rounds;
        final boolean timed;
        final AtomicLong posted = new AtomicLong();
        final AtomicLong consumed = new AtomicLong();
        final AtomicLong parks = new AtomicLong();

        Handshake(int rounds, boolean timed) {
            this.rounds = rounds;
            this.timed = timed;
        }

        UserThread startConsumer(Scheduler s) {
            return s.thread().name("consumer").start(() -> {
                SplittableRandom rnd = new SplittableRandom(7);
                for (long i = 1; i <= rounds; i++) {
                    while (posted.get() < i) {
                        parks.incrementAndGet();
                        if (timed && rnd.nextInt(3) == 0) {
                            UserThread.parkNanos(rnd.nextLong(1_000, 300_000));
                        } else {
                            UserThread.park();
                        }
                    }
                    consumed.set(i);
                }
            });
        }

        volatile Throwable failure;

        void produce(UserThread consumer, Runnable pause) {
            try {
                for (long i = 1; i <= rounds; i++) {
                    posted.set(i);
                    consumer.unpark();
                    long deadline = System.nanoTime() + TestSupport.HANG.toNanos();
                    while (consumed.get() < i) {
                        if (System.nanoTime() - deadline > 0) {
                            throw new AssertionError("lost wake-up: round " + i + " posted but not consumed; consumer " + consumer);
                        }
                        pause.run();
                    }
                }
            } catch (Throwable e) {
                failure = e;
                posted.set(Long.MAX_VALUE); // let the consumer finish so the test reports this failure
                consumer.unpark();
            }
        }

        void check() {
            TestSupport.rethrow(failure);
            assertEquals(rounds, consumed.get(), "every round consumed");
            assertTrue(parks.get() > 0, "the consumer parked at least once, so the race was exercised");
        }
    }
}
