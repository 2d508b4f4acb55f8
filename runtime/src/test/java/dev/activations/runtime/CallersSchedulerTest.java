package dev.activations.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A thread started from inside one of ours without naming a scheduler runs in the caller's
 * scheduler (issue 23), whichever kind of thread calls and whichever way it starts one; never
 * in {@link Scheduler#shared()} on {@code Kernel.shared()}, which the program never asked for.
 *
 * <p>Each case starts the child inside a caller of the test scheduler, joins it there, and
 * checks where the child ran: on a carrier of the test scheduler
 * ({@link TestSupport#schedulerHere()}), and for a user thread that its {@code scheduler()} is
 * the test scheduler. A raw user thread that calls {@code Thread.ofVirtual()} gets a virtual
 * thread of the JDK's own scheduler: the JDK picks it from {@code Thread.currentThread()},
 * which there is the carrier, a platform thread (README, "Which thread kind").
 */
class CallersSchedulerTest extends RuntimeTestBase {
    /** The thread that starts the child. */
    enum Caller {
        USER_THREAD, JAVA_THREAD, EXECUTOR_TASK, JAVA_THREAD_STARTED_BY_A_JAVA_THREAD;

        /** Runs {@code body} in a caller of this kind in {@code s} and waits for it. */
        void run(Scheduler s, TestSupport.Body body) throws Exception {
            switch (this) {
                case USER_THREAD -> TestSupport.inUserThread(s, body);
                case JAVA_THREAD -> TestSupport.inJavaThread(s, body);
                case EXECUTOR_TASK -> {
                    try (ExecutorService tasks = Activations.newExecutor(s)) {
                        tasks.submit(() -> {
                            try {
                                body.run();
                            } catch (Throwable e) {
                                TestSupport.rethrow(e);
                            }
                            return null;
                        }).get();
                    }
                }
                case JAVA_THREAD_STARTED_BY_A_JAVA_THREAD -> TestSupport.inJavaThread(s, () -> {
                    List<Throwable> failures = new ArrayList<>();
                    TestSupport.join(Thread.ofVirtual().start(() -> {
                        try {
                            body.run();
                        } catch (Throwable e) {
                            synchronized (failures) {
                                failures.add(e);
                            }
                        }
                    }));
                    TestSupport.assertNoFailures(failures);
                });
            }
        }
    }

    /** How the caller starts the child. */
    enum Way {
        USER_THREAD_START, BUILDER_START, BUILDER_UNSTARTED_THEN_START, THREAD_OF_VIRTUAL;

        /** Starts {@code child} this way in the caller's default scheduler and joins it. */
        void startAndJoin(Runnable child) throws InterruptedException {
            switch (this) {
                case USER_THREAD_START -> TestSupport.join(UserThread.start(child));
                case BUILDER_START -> TestSupport.join(UserThread.builder().name("child").start(child));
                case BUILDER_UNSTARTED_THEN_START -> {
                    UserThread t = UserThread.builder().name("child").unstarted(child);
                    t.start();
                    TestSupport.join(t);
                }
                case THREAD_OF_VIRTUAL -> TestSupport.join(Thread.ofVirtual().start(child));
            }
        }
    }

    static Stream<Arguments> callersAndWays() {
        List<Arguments> all = new ArrayList<>();
        for (Caller c : Caller.values()) {
            for (Way w : Way.values()) {
                if (c != Caller.USER_THREAD || w != Way.THREAD_OF_VIRTUAL) { // the JDK's scheduler: see the class comment
                    all.add(Arguments.of(c, w));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest
    @MethodSource("callersAndWays")
    void aThreadStartedInsideOneOfOursRunsInTheCallersScheduler(Caller caller, Way way) throws Exception {
        AtomicReference<Scheduler> ranOn = new AtomicReference<>();
        AtomicReference<Scheduler> userThreadsOwn = new AtomicReference<>();
        caller.run(scheduler, () -> way.startAndJoin(() -> {
            ranOn.set(TestSupport.schedulerHere());
            UserThread self = UserThread.current();
            userThreadsOwn.set(self != null ? self.scheduler() : scheduler);
        }));
        assertSame(scheduler, ranOn.get(), () -> "carrier of the child started by " + way + " in a " + caller
                + ": ran on " + ranOn.get());
        assertSame(scheduler, userThreadsOwn.get(), () -> "scheduler() of the user thread started by " + way + " in a " + caller);
    }

    /**
     * A Java thread still alive when its scheduler closes runs on as an orphan; a user thread it
     * starts has no open scheduler of its own to go to, and must not go to the shared one.
     */
    @Test
    void aJavaThreadOfAClosedSchedulerIsRefusedRatherThanSentElsewhere() throws Exception {
        Scheduler closing = newScheduler("closing", 5);
        CountDownLatch closed = new CountDownLatch(1);
        List<String> outcomes = new ArrayList<>();
        Thread orphan = closing.ofVirtual().start(() -> {
            try {
                closed.await(); // unmounts; runs on as an orphan once the scheduler is closed
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            for (Way way : List.of(Way.USER_THREAD_START, Way.BUILDER_START)) {
                try {
                    way.startAndJoin(() -> { });
                    outcomes.add(way + " started a user thread");
                } catch (Throwable e) {
                    outcomes.add(way + " threw " + e);
                }
            }
        });
        TestSupport.awaitWaiting(orphan);
        closing.close();
        closed.countDown();
        TestSupport.join(orphan);
        String refused = " threw java.lang.IllegalStateException: scheduler \"closing\" was closed; start threads on an open Scheduler";
        assertEquals(List.of(Way.USER_THREAD_START + refused, Way.BUILDER_START + refused), outcomes);
    }

    /**
     * Many Java threads of one scheduler fork and join user threads at once: the start path of a
     * Java thread pushes onto its carrier's own structures, and must keep to that carrier while
     * it does (the base class then checks that no upcall failed).
     */
    @Test
    void javaThreadsForkingUserThreadsAtOnceLoseNone() {
        int threads = 40;
        int forks = 200;
        AtomicInteger ran = new AtomicInteger();
        List<Throwable> failures = new ArrayList<>();
        List<Thread> all = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            all.add(TestSupport.startJava(scheduler, "forker-" + i, failures, () -> {
                for (int k = 0; k < forks; k++) {
                    UserThread t = UserThread.start(() -> {
                        ran.incrementAndGet();
                        UserThread.yield();
                    });
                    if (k % 4 == 0) {
                        Thread.yield(); // unmount now and then: go on on whichever carrier
                    }
                    TestSupport.join(t);
                    assertSame(scheduler, t.scheduler());
                }
            }));
        }
        all.forEach(TestSupport::join);
        TestSupport.assertNoFailures(failures);
        assertEquals(threads * forks, ran.get(), "user threads that ran");
    }
}
