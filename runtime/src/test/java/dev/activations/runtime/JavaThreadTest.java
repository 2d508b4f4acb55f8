package dev.activations.runtime;

import static dev.activations.runtime.TestSupport.awaitCondition;
import static dev.activations.runtime.TestSupport.join;
import static dev.activations.runtime.TestSupport.schedulerHere;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.activations.kernel.Activation;
import dev.activations.kernel.Kernel;
import dev.activations.kernel.KernelStats;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Java-thread kind (DESIGN.md §3a): {@link Scheduler#ofVirtual()} and
 * {@link Scheduler#threadFactory()} build real {@code java.lang.Thread} virtual threads that
 * this scheduler runs on the kernel's processors.
 *
 * <p>What it proves, by order of events and the kernel's counters (no timing):
 * <ul>
 *   <li>they are virtual threads, run on the scheduler's carriers ({@link Carrier}), see no
 *       {@link UserThread#current()}, and {@code Thread.ofVirtual()} inside one builds a
 *       thread of the same scheduler (a JDK rule);</li>
 *   <li>under {@link Policy#PRIORITY} on one processor, a higher-priority Java thread made
 *       ready while a lower one computes with {@link UserThread#checkpoint()} preempts it;
 *       ready Java threads run highest priority first; a thread started inside one with
 *       {@code Thread.ofVirtual()} has its parent's priority;</li>
 *   <li>{@link UserThread#critical} defers a preemption to the end of the outermost section,
 *       as for user threads;</li>
 *   <li>kernel events for Java threads that cannot unmount: a bracketed
 *       {@link UserThread#blocking} call, a JUC wait inside a critical section (pinned), and
 *       reads of FIFOs (native, unannounced) block the carrier; the kernel hands its
 *       processor off and another Java thread of the same scheduler runs meanwhile (each test
 *       would deadlock otherwise); when the call returns, the thread completes; an interrupt
 *       reaches a Java thread sleeping inside {@code blocking};</li>
 *   <li>closing a scheduler with live Java threads (parked, computing, or blocked in a
 *       bracketed call): they still finish, off our carriers
 *       (orphaned to platform threads of their own); builders and factories can no longer be taken
 *       from it, and a builder taken before the close starts threads that run the same way.</li>
 * </ul>
 */
class JavaThreadTest extends RuntimeTestBase {
    private final List<Kernel> ownKernels = new ArrayList<>();

    @AfterEach
    void closeOwnKernels() {
        for (Kernel k : ownKernels) {
            k.close();
            TestSupport.assertNoCarriersAlive(k.name());
        }
    }

    /**
     * A scheduler on a kernel of its own with {@code processors} VPs, closed after the test.
     * The priority and preemption tests turn blocking detection off: nothing blocks there, and
     * on a loaded machine the monitor may take a computing carrier caught at a VM safepoint for
     * a blocked one and hand its processor off, which would let the high-priority thread run
     * without the preemption those tests are about.
     */
    private Scheduler schedulerOn(int processors, Policy policy, boolean blockingDetection) {
        Kernel k = Kernel.builder().processors(processors).blockingDetection(blockingDetection)
                .name(kernel.name() + "-own-" + ownKernels.size()).build();
        ownKernels.add(k);
        return track(Scheduler.builder().kernel(k).name("own").policy(policy).seed(TestSupport.seed()).build());
    }

    // ------------------------------------------------------------------ identity

    @Test
    void ofVirtualThreadsAreVirtualAndRunOnOurCarriers() throws Exception {
        AtomicReference<Scheduler> where = new AtomicReference<>();
        AtomicReference<Scheduler> childWhere = new AtomicReference<>();
        AtomicReference<Object> userThread = new AtomicReference<>("not set");
        AtomicReference<Thread> self = new AtomicReference<>();
        AtomicReference<Thread> child = new AtomicReference<>();
        Thread t = scheduler.ofVirtual().name("java-1").start(() -> {
            self.set(Thread.currentThread());
            where.set(schedulerHere());
            userThread.set(UserThread.current());
            Thread c = Thread.ofVirtual().start(() -> childWhere.set(schedulerHere()));
            child.set(c);
            try {
                c.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        join(t);
        assertTrue(t.isVirtual());
        assertEquals("java-1", t.getName());
        assertSame(t, self.get(), "Thread.currentThread() is the Java thread itself");
        assertSame(scheduler, where.get(), "ran on a carrier of the scheduler that built it");
        assertNull(userThread.get(), "UserThread.current() is null in a Java thread");
        assertTrue(child.get().isVirtual());
        assertSame(scheduler, childWhere.get(), "Thread.ofVirtual() inside one of ours inherits our scheduler");

        ThreadFactory factory = scheduler.threadFactory();
        AtomicReference<Scheduler> fromFactory = new AtomicReference<>();
        Thread f = factory.newThread(() -> fromFactory.set(schedulerHere()));
        assertTrue(f.isVirtual());
        assertEquals(Thread.State.NEW, f.getState());
        f.start();
        join(f);
        assertSame(scheduler, fromFactory.get(), "threadFactory() threads run on our carriers");

        Scheduler other = newScheduler("other", 5);
        TestSupport.inJavaThread(other, () -> assertSame(other, schedulerHere(), "each scheduler runs its own Java threads"));
        assertThrows(IllegalArgumentException.class, () -> scheduler.ofVirtual(0));
        assertThrows(IllegalArgumentException.class, () -> scheduler.ofVirtual(11));
    }

    @Test
    void manyJavaThreadsRunToCompletion() {
        int n = 2_000;
        AtomicInteger ours = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            threads.add(scheduler.ofVirtual().start(() -> {
                Thread.yield();
                if (schedulerHere() == scheduler) {
                    ours.incrementAndGet();
                }
            }));
        }
        threads.forEach(TestSupport::join);
        assertEquals(n, ours.get(), "every thread ran on our carriers, before and after a yield");
    }

    /**
     * JUC and monitor waits unmount Java threads (the JDK does it; the re-submission comes to
     * us from a Java thread, a platform thread, or the JDK's unblocker): on one processor
     * without blocking detection, where a wait that held the carrier would hang.
     */
    @Test
    void jucAndMonitorWaitsUnmountOnOneProcessorWithoutDetection() throws Exception {
        Scheduler s = schedulerOn(1, policy(), false);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        java.util.concurrent.SynchronousQueue<Integer> ping = new java.util.concurrent.SynchronousQueue<>();
        java.util.concurrent.SynchronousQueue<Integer> pong = new java.util.concurrent.SynchronousQueue<>();
        int hops = 5_000;
        AtomicInteger last = new AtomicInteger();
        Thread a = TestSupport.startJava(s, "ping", failures, () -> {
            for (int i = 0; i < hops; i++) {
                ping.put(i);
                last.set(pong.take());
            }
        });
        Thread b = TestSupport.startJava(s, "pong", failures, () -> {
            for (int i = 0; i < hops; i++) {
                pong.put(ping.take() + 1);
            }
        });
        join(a);
        join(b);
        assertEquals(hops, last.get());

        Object monitor = new Object();
        int[] buffer = new int[1];
        boolean[] full = new boolean[1];
        long[] sum = new long[1];
        int producers = 50;
        int each = 20;
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            threads.add(TestSupport.startJava(s, "producer-" + p, failures, () -> {
                for (int i = 1; i <= each; i++) {
                    synchronized (monitor) {
                        while (full[0]) {
                            monitor.wait();
                        }
                        buffer[0] = i;
                        full[0] = true;
                        monitor.notifyAll();
                    }
                }
            }));
        }
        threads.add(TestSupport.startJava(s, "consumer", failures, () -> {
            for (int n = 0; n < producers * each; n++) {
                synchronized (monitor) {
                    while (!full[0]) {
                        monitor.wait();
                    }
                    sum[0] += buffer[0];
                    full[0] = false;
                    monitor.notifyAll();
                }
            }
        }));
        threads.forEach(TestSupport::join);
        TestSupport.assertNoFailures(failures);
        synchronized (monitor) {
            assertEquals((long) producers * each * (each + 1) / 2, sum[0], "every item passed through the monitor once");
        }
    }

    // ------------------------------------------------------------------ priorities, checkpoint, critical

    @Test
    void readyJavaThreadsRunHighestPriorityFirst() {
        Scheduler prio = schedulerOn(1, Policy.PRIORITY, false);
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        int[] priorities = {3, 7, 1, 9, 5, 2, 8, 4, 6};
        List<Thread> started = Collections.synchronizedList(new ArrayList<>());
        // The starter has the top priority and never unmounts while starting: all of them queue.
        Thread starter = prio.ofVirtual(UserThread.MAX_PRIORITY).start(() -> {
            for (int p : priorities) {
                started.add(prio.ofVirtual(p).start(() -> order.add(p)));
            }
        });
        join(starter);
        new ArrayList<>(started).forEach(TestSupport::join);
        List<Integer> expected = new ArrayList<>();
        for (int p : priorities) {
            expected.add(p);
        }
        expected.sort(Comparator.reverseOrder());
        assertEquals(expected, order, "Java threads ran out of priority order");
    }

    @Test
    void higherPriorityJavaThreadPreemptsAComputingLowerOneAtItsCheckpoint() {
        Scheduler prio = schedulerOn(1, Policy.PRIORITY, false);
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean lowRunning = new AtomicBoolean();
        Thread low = prio.ofVirtual(2).name("low").start(() -> computeUntil(stop, lowRunning, events));
        awaitCondition("low to compute", lowRunning::get);
        Thread high = prio.ofVirtual(9).name("high").start(() -> {
            events.add("high ran");
            stop.set(true);
        });
        join(high);
        join(low);
        assertEquals(List.of("high ran", "low saw stop"), events);
        assertTrue(prio.stats().preemptRequests() >= 1, () -> "the policy asked for a preemption: " + prio.stats());
        assertTrue(prio.kernel().stats().preemptions() >= 1, () -> "the kernel raised the signal: " + prio.kernel().stats());
    }

    /** Computes, polling only checkpoint(): never gives the processor up by itself. */
    private static void computeUntil(AtomicBoolean stop, AtomicBoolean running, List<String> events) {
        running.set(true);
        long deadline = System.nanoTime() + TestSupport.HANG.toNanos();
        long x = 0;
        while (!stop.get()) {
            x += x * 31 + 7;
            UserThread.checkpoint();
            if (System.nanoTime() - deadline > 0) {
                events.add("low gave up waiting (hang guard): " + x);
                return;
            }
        }
        events.add("low saw stop");
    }

    /** How the high-priority thread becomes ready while the low one computes. */
    enum Readied { STARTED, UNPARKED_BY_A_PLATFORM_THREAD, WOKEN_FROM_SLEEP }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(Readied.class)
    void aHigherPriorityJavaThreadMadeReadyAnyWayPreemptsALowerOne(Readied how) {
        Scheduler prio = schedulerOn(1, Policy.PRIORITY, false);
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean lowRunning = new AtomicBoolean();
        AtomicBoolean go = new AtomicBoolean();
        Runnable highBody = () -> {
            try {
                switch (how) {
                    case STARTED -> { }
                    case UNPARKED_BY_A_PLATFORM_THREAD -> {
                        while (!go.get()) {
                            java.util.concurrent.locks.LockSupport.park();
                        }
                    }
                    case WOKEN_FROM_SLEEP -> {
                        while (!lowRunning.get()) {
                            Thread.sleep(1); // the JDK's timer readies it while low computes
                        }
                    }
                    default -> throw new AssertionError(how);
                }
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            events.add("high ran");
            stop.set(true);
        };
        Thread high = null;
        if (how != Readied.STARTED) {
            high = prio.ofVirtual(9).name("high").start(highBody);
            TestSupport.awaitWaiting(high);
        }
        Thread low = prio.ofVirtual(2).name("low").start(() -> computeUntil(stop, lowRunning, events));
        awaitCondition("low to compute", lowRunning::get);
        switch (how) {
            case STARTED -> high = prio.ofVirtual(9).name("high").start(highBody);
            case UNPARKED_BY_A_PLATFORM_THREAD -> {
                go.set(true);
                java.util.concurrent.locks.LockSupport.unpark(high);
            }
            case WOKEN_FROM_SLEEP -> { }
            default -> throw new AssertionError(how);
        }
        join(high);
        join(low);
        assertEquals(List.of("high ran", "low saw stop"), events, how.toString());
        assertTrue(prio.stats().preemptRequests() >= 1, () -> "the policy asked for a preemption: " + prio.stats());
    }

    @Test
    void aPreemptionInsideACriticalSectionIsHonouredAtTheOutermostExit() {
        Scheduler prio = schedulerOn(1, Policy.PRIORITY, false);
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean inside = new AtomicBoolean();
        AtomicBoolean highRan = new AtomicBoolean();
        Thread low = prio.ofVirtual(2).name("low").start(() -> {
            UserThread.critical(() -> {
                UserThread.critical(() -> {
                    inside.set(true);
                    awaitSignalOnOwnCarrier(events);
                    for (int i = 0; i < 1_000; i++) {
                        UserThread.checkpoint(); // deferred
                    }
                    Thread.yield(); // pinned: cannot unmount either
                    events.add("inner section done, high ran: " + highRan.get());
                });
                UserThread.checkpoint();
                events.add("outer section done, high ran: " + highRan.get() + ", inCritical: " + UserThread.inCritical());
            });
            events.add("after the sections, high ran: " + highRan.get() + ", inCritical: " + UserThread.inCritical());
        });
        awaitCondition("low inside its critical section", inside::get);
        Thread high = prio.ofVirtual(9).name("high").start(() -> highRan.set(true));
        join(low);
        join(high);
        assertEquals(List.of(
                "signal raised inside the section",
                "inner section done, high ran: false",
                "outer section done, high ran: false, inCritical: true",
                "after the sections, high ran: true, inCritical: false"), events);
        assertTrue(prio.kernel().stats().preemptions() >= 1, () -> prio.kernel().stats().toString());
    }

    @Test
    void aHigherPrioritySpacesJavaThreadTakesTheProcessorFromALowerSpacesComputingOne() {
        Scheduler low = schedulerOn(1, policy(), false);
        Scheduler high = track(Scheduler.builder().kernel(low.kernel()).name("high-space").priority(9).policy(policy()).build());
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean lowRunning = new AtomicBoolean();
        Thread computing = low.ofVirtual().name("low").start(() -> computeUntil(stop, lowRunning, events));
        awaitCondition("low to compute", lowRunning::get);
        Thread preempting = high.ofVirtual().name("high").start(() -> {
            events.add("high space ran");
            stop.set(true);
            // With OS priorities low was displaced: it stops (processorPreempted) at the safepoint after
            // its thread ends. Hold the processor until then: given back first, it would go straight
            // back to low's still-running carrier (reinstated), and no preemption would ever be delivered.
            TestSupport.holdProcessorUntilPreempted(low);
        });
        join(preempting);
        join(computing);
        assertEquals(List.of("high space ran", "low saw stop"), events);
        assertTrue(low.stats().preemptions() >= 1, () -> "the kernel preempted the low space: " + low.stats());
    }

    @Test
    void aJavaThreadUnblockedInsideACriticalSectionRunsOnUntilItsEnd() {
        Scheduler s = schedulerOn(1, policy(), true);
        CountDownLatch jdkLatch = new CountDownLatch(1);
        AtomicReference<Activation> before = new AtomicReference<>();
        AtomicReference<Activation> afterBlocking = new AtomicReference<>();
        AtomicReference<Activation> afterCheckpoint = new AtomicReference<>();
        AtomicInteger signalAfterBlocking = new AtomicInteger();
        AtomicBoolean heldAfterBlocking = new AtomicBoolean(true);
        AtomicBoolean heldAfterSection = new AtomicBoolean();
        AtomicBoolean entered = new AtomicBoolean();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Thread t = TestSupport.startJava(s, "unblocked", failures, () -> {
            UserThread.critical(() -> {
                before.set(Carrier.current());
                try {
                    UserThread.blocking(() -> {
                        entered.set(true);
                        jdkLatch.await(); // only another Java thread can count down: the VP is handed off
                        return null;
                    });
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                afterBlocking.set(Carrier.current());
                signalAfterBlocking.set(Carrier.current().signal());
                heldAfterBlocking.set(Carrier.current().holdsProcessor());
                UserThread.checkpoint(); // deferred: still inside
                afterCheckpoint.set(Carrier.current());
            });
            heldAfterSection.set(Carrier.current().holdsProcessor());
        });
        awaitCondition("the thread inside its blocking call", entered::get);
        join(TestSupport.startJava(s, "releaser", failures, jdkLatch::countDown));
        join(t);
        TestSupport.assertNoFailures(failures);
        assertSame(before.get(), afterBlocking.get(), "continued on its old carrier inside the section");
        assertSame(before.get(), afterCheckpoint.get(), "a safepoint inside the section did not stop it");
        assertTrue((signalAfterBlocking.get() & Activation.REVOKED) != 0, "its carrier had lost the processor");
        assertFalse(heldAfterBlocking.get(), "the old carrier held no processor while the thread ran on");
        assertTrue(heldAfterSection.get(), "after the section it unmounted and resumed on a carrier with a processor");
        // A Java thread is re-submitted by the JDK when it unmounts, before its old carrier's
        // activationUnblocked upcall is counted: the count may lag the thread's end.
        awaitCondition(() -> "the old carrier's activationUnblocked upcall: " + s.kernel().stats(),
                () -> s.kernel().stats().activationUnblocked() >= 1);
    }

    /** Inside a section: spins (no safepoint) until the kernel raised a signal on this carrier. */
    private static void awaitSignalOnOwnCarrier(List<String> events) {
        Activation a = Carrier.current();
        assertNotNull(a, "a Java thread of ours runs on an activation");
        long deadline = System.nanoTime() + TestSupport.HANG.toNanos();
        while (a.signal() == 0) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("no preemption signal arrived (hang guard)");
            }
            Thread.onSpinWait();
        }
        events.add("signal raised inside the section");
    }

    @Test
    void criticalBlockingAndCheckpointInsideAJavaThread() {
        TestSupport.inJavaThread(scheduler, () -> {
            assertFalse(UserThread.inCritical());
            AtomicReference<Thread> carrierInside = new AtomicReference<>();
            UserThread.critical(() -> {
                assertTrue(UserThread.inCritical());
                carrierInside.set(Carrier.current());
                UserThread.checkpoint();
                assertSame(carrierInside.get(), Carrier.current(), "pinned: a critical section stays on its carrier");
            });
            assertFalse(UserThread.inCritical());
            assertEquals(42, UserThread.blocking(() -> 42));
            IOException io = new IOException("io");
            assertSame(io, assertThrows(IOException.class, () -> UserThread.blocking(() -> {
                throw io;
            })));
            UserThread.checkpoint();
            UserThread.yield();
            assertSame(scheduler, schedulerHere());
        });
    }

    // ------------------------------------------------------------------ kernel events for pinned Java threads

    @Test
    void aBracketedBlockingCallHandsTheProcessorOffToAnotherJavaThread() {
        Scheduler s = schedulerOn(1, policy(), true);
        AtomicBoolean done = new AtomicBoolean();
        AtomicBoolean entered = new AtomicBoolean();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        AtomicReference<Object> result = new AtomicReference<>();
        AtomicReference<Scheduler> blockerEndedOn = new AtomicReference<>();
        Thread blocker = TestSupport.startJava(s, "blocker", failures, () -> {
            result.set(UserThread.blocking(() -> {
                entered.set(true);
                long until = System.nanoTime() + TestSupport.HANG.toNanos();
                while (!done.get() && System.nanoTime() < until) {
                    Thread.sleep(1); // pinned inside blocking: the carrier sleeps
                }
                return done.get() ? "returned" : "gave up (hang guard)";
            }));
            Thread.yield();
            blockerEndedOn.set(schedulerHere());
        });
        awaitCondition("the blocker inside its call", entered::get);
        Thread other = TestSupport.startJava(s, "other", failures, () -> {
            assertSame(s, schedulerHere());
            done.set(true); // needs the only processor
        });
        join(other);
        join(blocker);
        TestSupport.assertNoFailures(failures);
        assertEquals("returned", result.get());
        assertSame(s, blockerEndedOn.get(), "after the call the blocker ran on, on a carrier of its scheduler");
        KernelStats ks = s.kernel().stats();
        assertTrue(ks.handOffs() >= 1, "the processor was handed off: " + ks);
        assertTrue(s.stats().kernelBlocks() >= 1, () -> s.stats().toString());
    }

    @Test
    void anInterruptReachesAJavaThreadInsideABlockingCall() {
        Scheduler s = schedulerOn(1, policy(), true);
        AtomicReference<Object> outcome = new AtomicReference<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Thread blocker = TestSupport.startJava(s, "blocker", failures, () -> {
            try {
                UserThread.blocking(() -> {
                    Thread.sleep(java.time.Duration.ofHours(1)); // pinned: the carrier sleeps
                    return null;
                });
                outcome.set("slept an hour");
            } catch (InterruptedException e) {
                outcome.set(e);
            }
        });
        TestSupport.awaitWaiting(blocker);
        awaitCondition(() -> "the blocker's processor to be handed off: " + s.kernel().stats(), () -> s.kernel().stats().handOffs() >= 1);
        AtomicBoolean otherRan = new AtomicBoolean();
        join(TestSupport.startJava(s, "other", failures, () -> otherRan.set(true))); // on the handed-off processor
        blocker.interrupt();
        join(blocker);
        TestSupport.assertNoFailures(failures);
        assertTrue(otherRan.get());
        assertTrue(outcome.get() instanceof InterruptedException, "the sleep inside blocking was interrupted: " + outcome.get());
        assertFalse(blocker.isInterrupted(), "the call consumed the interrupt");
    }

    @Test
    void aJavaThreadStartedInsideOneInheritsItsPriority() {
        Scheduler prio = schedulerOn(1, Policy.PRIORITY, false);
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        List<Thread> started = Collections.synchronizedList(new ArrayList<>());
        // The parent (priority 9) starts a child with Thread.ofVirtual() (inheriting priority 9),
        // then a priority-5 thread of the same scheduler; it never unmounts while starting, so
        // both queue, and the inherited priority decides which runs first.
        Thread parent = prio.ofVirtual(9).start(() -> {
            started.add(prio.ofVirtual(5).start(() -> order.add("priority 5")));
            started.add(Thread.ofVirtual().start(() -> order.add("child of priority 9")));
        });
        join(parent);
        new ArrayList<>(started).forEach(TestSupport::join);
        assertEquals(List.of("child of priority 9", "priority 5"), order);
    }

    @Test
    void aJucWaitInsideACriticalSectionParksTheCarrierAndIsHandedOff() {
        Scheduler s = schedulerOn(1, policy(), true);
        CountDownLatch jdkLatch = new CountDownLatch(1);
        AtomicBoolean entered = new AtomicBoolean();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        AtomicReference<Scheduler> afterSection = new AtomicReference<>();
        Thread waiter = TestSupport.startJava(s, "pinned-waiter", failures, () -> {
            UserThread.critical(() -> {
                entered.set(true);
                try {
                    jdkLatch.await(); // pinned: parks the carrier, unannounced
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            afterSection.set(schedulerHere());
        });
        awaitCondition("the waiter inside its section", entered::get);
        join(TestSupport.startJava(s, "releaser", failures, jdkLatch::countDown)); // needs the only processor
        join(waiter);
        TestSupport.assertNoFailures(failures);
        assertSame(s, afterSection.get(), "the waiter finished on our carriers");
        assertTrue(s.kernel().stats().handOffs() >= 1, () -> s.kernel().stats().toString());
    }

    /**
     * Two Java threads read from FIFOs no one has opened for writing yet: a native call that
     * cannot unmount, on which the carrier sleeps while the JVM says RUNNABLE. They take both
     * processors; the writer, a third Java thread of the same scheduler, can only run if the
     * kernel hands their processors off.
     */
    @Test
    void fifoReadsBlockTheirCarriersAndTheKernelHandsBothProcessorsOff() throws Exception {
        assertEquals(2, kernel.processors());
        Path dir = Files.createTempDirectory("activations-fifo");
        try {
            Path[] fifos = {dir.resolve("a"), dir.resolve("b")};
            Process mkfifo = new ProcessBuilder("mkfifo", fifos[0].toString(), fifos[1].toString()).inheritIO().start();
            assertEquals(0, mkfifo.waitFor(), "mkfifo failed");
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            int[] read = new int[2];
            AtomicInteger entered = new AtomicInteger();
            AtomicReference<Scheduler> writerRan = new AtomicReference<>();
            List<Thread> readers = new ArrayList<>();
            List<Scheduler> readersFinishedOn = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 2; i++) {
                int me = i;
                readers.add(TestSupport.startJava(scheduler, "reader-" + i, failures, () -> {
                    entered.incrementAndGet();
                    try (FileInputStream in = new FileInputStream(fifos[me].toFile())) { // blocks until a writer opens
                        read[me] = in.read();
                    }
                    readersFinishedOn.add(schedulerHere());
                }));
            }
            awaitCondition("both readers to enter their reads", () -> entered.get() == 2);
            Thread writer = TestSupport.startJava(scheduler, "writer", failures, () -> {
                writerRan.set(schedulerHere());
                for (int i = 0; i < 2; i++) {
                    try (FileOutputStream out = new FileOutputStream(fifos[i].toFile())) {
                        out.write(40 + i);
                    }
                }
            });
            join(writer);
            readers.forEach(TestSupport::join);
            TestSupport.assertNoFailures(failures);
            assertSame(scheduler, writerRan.get(), "the writer ran on a carrier of the same scheduler");
            assertEquals(40, read[0]);
            assertEquals(41, read[1]);
            assertEquals(List.of(scheduler, scheduler), readersFinishedOn, "the readers completed on our carriers");
            KernelStats ks = kernel.stats();
            assertTrue(ks.handOffs() >= 1, "a blocked reader's processor was handed off: " + ks);
            assertTrue(scheduler.stats().kernelBlocks() >= 1, () -> scheduler.stats().toString());
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    // ------------------------------------------------------------------ closing

    @Test
    void closingASchedulerLetsItsLiveJavaThreadsFinishOffItsCarriers() {
        Scheduler s = newScheduler("closing", 5);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean computing = new AtomicBoolean();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Scheduler> before = new CopyOnWriteArrayList<>();
        List<Scheduler> after = new CopyOnWriteArrayList<>();
        Thread parked = TestSupport.startJava(s, "parked", failures, () -> {
            before.add(schedulerHere());
            release.await();
            Thread.yield(); // a safepoint: from here on it runs where a closed scheduler's threads run
            after.add(schedulerHere());
        });
        Thread computer = TestSupport.startJava(s, "computing", failures, () -> {
            before.add(schedulerHere());
            computing.set(true);
            while (!stop.get()) {
                UserThread.checkpoint(); // the close's preemption unmounts it here
            }
            Thread.yield(); // a safepoint: from here on it runs where a closed scheduler's threads run
            after.add(schedulerHere());
        });
        CountDownLatch kernelRelease = new CountDownLatch(1);
        AtomicBoolean inKernel = new AtomicBoolean();
        Thread blocked = TestSupport.startJava(s, "blocked", failures, () -> {
            before.add(schedulerHere());
            UserThread.blocking(() -> {
                inKernel.set(true);
                kernelRelease.await(); // pinned: parks the carrier
                return null;
            });
            Thread.yield(); // a safepoint: from here on it runs where a closed scheduler's threads run
            after.add(schedulerHere());
        });
        TestSupport.awaitWaiting(parked);
        awaitCondition("the computing thread to run", computing::get);
        awaitCondition("the blocked thread inside its call", inKernel::get);

        s.close();

        assertThrows(IllegalStateException.class, s::ofVirtual, "no Java threads from a closed scheduler");
        assertThrows(IllegalStateException.class, s::threadFactory);
        assertThrows(IllegalStateException.class, () -> Activations.newExecutor(s));
        release.countDown();
        stop.set(true);
        kernelRelease.countDown();
        join(parked);
        join(computer);
        join(blocked);
        TestSupport.assertNoFailures(failures);
        assertEquals(List.of(s, s, s), before, "all three started on the scheduler's carriers");
        assertEquals(3, after.size(), "all three finished after the close");
        assertTrue(after.stream().allMatch(x -> x == null), "after the close, once past a safepoint, they ran off our carriers: " + after);
        TestSupport.assertStillWorks(scheduler); // the kernel's other scheduler is untouched
    }

    /** What is closed under running Java threads. */
    enum Closed { SCHEDULER, KERNEL }

    /**
     * Closing the scheduler, or its kernel, while Java threads yield, park and unpark one
     * another on both processors: every one of them still finishes (a thread lost between our
     * queues would hang its join). Ten rounds, each closing at a different
     * point.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(Closed.class)
    void closingMidTrafficLosesNoJavaThread(Closed closed) throws Exception {
        for (int round = 0; round < 10; round++) {
            Scheduler s = closed == Closed.SCHEDULER ? newScheduler("traffic-" + round, 5) : schedulerOn(2, policy(), true);
            AtomicInteger progress = new AtomicInteger();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int pair = 0; pair < 50; pair++) {
                java.util.concurrent.SynchronousQueue<Integer> q = new java.util.concurrent.SynchronousQueue<>();
                threads.add(TestSupport.startJava(s, "ping-" + pair, failures, () -> {
                    for (int i = 0; i < 100; i++) {
                        q.put(i);
                        progress.incrementAndGet();
                    }
                }));
                threads.add(TestSupport.startJava(s, "pong-" + pair, failures, () -> {
                    for (int i = 0; i < 100; i++) {
                        assertEquals(i, q.take());
                        Thread.yield();
                    }
                }));
            }
            int closeAt = 500 * (round + 1);
            awaitCondition("traffic to reach " + closeAt, () -> progress.get() >= closeAt || threads.stream().noneMatch(Thread::isAlive));
            if (closed == Closed.SCHEDULER) {
                s.close();
            } else {
                s.kernel().close();
            }
            threads.forEach(TestSupport::join);
            TestSupport.assertNoFailures(failures);
            assertEquals(50 * 100, progress.get(), "round " + round + ": every hop happened");
        }
    }

    @Test
    void aBuilderTakenBeforeTheCloseStartsThreadsThatRunOffOurCarriersAndAFactoryRefuses() {
        Scheduler s = newScheduler("closed", 5);
        Thread.Builder.OfVirtual builder = s.ofVirtual().name("late");
        ThreadFactory factory = s.threadFactory();
        s.close();
        AtomicReference<Scheduler> ranOn = new AtomicReference<>(s);
        Thread late = builder.start(() -> ranOn.set(schedulerHere()));
        join(late);
        assertNull(ranOn.get(), "a thread started from a JDK builder of a closed scheduler runs, unscheduled by the kernel");
        RejectedExecutionException refused = assertThrows(RejectedExecutionException.class, () -> factory.newThread(() -> { }));
        assertTrue(refused.getMessage().contains("closed"), refused.getMessage());
    }

    @Test
    void anExecutorOverAClosedKernelRefusesNewTasksAndStillTerminates() throws Exception {
        Scheduler s = schedulerOn(1, policy(), true);
        ExecutorService ex = Activations.newExecutor(s);
        assertSame(s, ex.submit(TestSupport::schedulerHere).get());
        s.kernel().close();
        assertThrows(RejectedExecutionException.class, () -> ex.submit(TestSupport::schedulerHere),
                "after the kernel closed, the executor refuses new tasks, as the ExecutorService contract allows");
        ex.close();
        assertTrue(ex.isTerminated());
    }
}
