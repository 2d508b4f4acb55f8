package dev.activations.runtime;

import static dev.activations.runtime.TestSupport.awaitCondition;
import static dev.activations.runtime.TestSupport.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.activations.kernel.Activation;
import dev.activations.kernel.KernelStats;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Critical-section recovery (DESIGN.md §3): a preemption signalled while a thread is inside
 * {@link UserThread#critical} is honoured only when the outermost section exits, and a thread
 * whose blocking call returns inside a section runs on until it leaves it.
 *
 * <p>Observed through ordering and the kernel's signal word, never timing. On a 1-processor
 * kernel a low-priority thread enters a section and waits there until the kernel has raised
 * the preemption signal on its own carrier ({@link Activation#signal()} != 0); it then passes
 * safepoints ({@link UserThread#checkpoint()}) that would otherwise stop it, and checks that
 * the higher-priority thread has still not run. After the section it checks that it has.
 * What it proves:
 * <ul>
 *   <li>deferral of a preemption from the priority policy (downcall {@code preempt}), in
 *       nested sections until the outermost exit;</li>
 *   <li>deferral of a preemption from the kernel's processor allocator (a higher-priority
 *       address space wants the processor), under the configured policy;</li>
 *   <li>a thread unblocked inside a section continues on its old carrier, which no longer
 *       holds a processor, until the section ends; then it stops and resumes on a carrier
 *       that holds one.</li>
 * </ul>
 */
class CriticalSectionTest extends RuntimeTestBase {

    @Override
    protected int processors() {
        return 1;
    }

    @Test
    void policyPreemptionIsDeferredToTheOutermostExit() {
        Scheduler prio = newPriorityScheduler();
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean inside = new AtomicBoolean();
        AtomicBoolean highRan = new AtomicBoolean();
        UserThread low = prio.thread().name("low").priority(2).start(() -> {
            UserThread.critical(() -> {
                UserThread.critical(() -> {
                    inside.set(true);
                    awaitSignalOnOwnCarrier(events);
                    for (int i = 0; i < 1_000; i++) {
                        UserThread.checkpoint(); // deferred
                    }
                    events.add("inner section done, high ran: " + highRan.get());
                });
                UserThread.checkpoint();
                events.add("outer section done, high ran: " + highRan.get() + ", inCritical: " + UserThread.inCritical());
            });
            events.add("after the sections, high ran: " + highRan.get() + ", inCritical: " + UserThread.inCritical());
        });
        awaitCondition("low inside its critical section", inside::get);
        UserThread high = prio.thread().name("high").priority(9).start(() -> highRan.set(true));
        join(low);
        join(high);
        assertEquals(List.of(
                "signal raised inside the section",
                "inner section done, high ran: false",
                "outer section done, high ran: false, inCritical: true",
                "after the sections, high ran: true, inCritical: false"), events);
        KernelStats ks = kernel.stats();
        assertTrue(ks.preemptions() >= 1 && ks.processorPreempted() >= 1, ks::toString);
    }

    @Test
    void allocatorPreemptionIsDeferredToTheExit() {
        Scheduler highSpace = newScheduler("high-space", 9); // the test scheduler has priority 5
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean inside = new AtomicBoolean();
        AtomicBoolean highRan = new AtomicBoolean();
        UserThread low = scheduler.thread().name("low").start(() -> {
            UserThread.critical(() -> {
                inside.set(true);
                awaitSignalOnOwnCarrier(events);
                Mutex m = new Mutex();
                m.lock(); // runtime calls are safepoints too: still deferred
                m.unlock();
                UserThread.checkpoint();
                events.add("section done, high space ran: " + highRan.get());
            });
            events.add("after the section, high space ran: " + highRan.get());
        });
        awaitCondition("low inside its critical section", inside::get);
        UserThread high = highSpace.start(() -> highRan.set(true));
        join(high);
        join(low);
        assertEquals(List.of(
                "signal raised inside the section",
                "section done, high space ran: false",
                "after the section, high space ran: true"), events);
        assertTrue(kernel.stats().preemptions() >= 1);
        assertTrue(scheduler.stats().preemptions() >= 1, "the low thread was stopped for the kernel");
    }

    @Test
    void threadUnblockedInsideASectionRunsOnUntilItsEnd() {
        CountDownLatch jdkLatch = new CountDownLatch(1);
        AtomicReference<Thread> before = new AtomicReference<>();
        AtomicReference<Thread> afterBlocking = new AtomicReference<>();
        AtomicReference<Thread> afterCheckpoint = new AtomicReference<>();
        AtomicInteger signalAfterBlocking = new AtomicInteger();
        AtomicBoolean heldAfterBlocking = new AtomicBoolean(true);
        AtomicBoolean heldAfterSection = new AtomicBoolean();
        AtomicBoolean entered = new AtomicBoolean();
        UserThread t = scheduler.start(() -> {
            UserThread.critical(() -> {
                before.set(Thread.currentThread());
                try {
                    UserThread.blocking(() -> {
                        entered.set(true);
                        jdkLatch.await(); // only another user thread can count down: the VP is handed off
                        return null;
                    });
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                afterBlocking.set(Thread.currentThread());
                signalAfterBlocking.set(Activation.current().signal());
                heldAfterBlocking.set(Activation.current().holdsProcessor());
                UserThread.checkpoint(); // deferred: still inside
                afterCheckpoint.set(Thread.currentThread());
            });
            heldAfterSection.set(Activation.current().holdsProcessor());
        });
        awaitCondition("the thread inside its blocking call", entered::get);
        join(scheduler.start(jdkLatch::countDown));
        join(t);
        assertSame(before.get(), afterBlocking.get(), "continued on its old carrier inside the section");
        assertSame(before.get(), afterCheckpoint.get(), "a safepoint inside the section did not stop it");
        assertNotEquals(0, signalAfterBlocking.get() & Activation.REVOKED, "its carrier had lost the processor");
        assertFalse(heldAfterBlocking.get(), "the old carrier held no processor while the thread ran on");
        assertTrue(heldAfterSection.get(), "after the section it stopped and resumed on a carrier with a processor");
        assertTrue(kernel.stats().activationUnblocked() >= 1);
    }

    private Scheduler newPriorityScheduler() {
        return track(Scheduler.builder().kernel(kernel).name("prio").policy(Policy.PRIORITY).build());
    }

    /** Inside a section: spins (no safepoint) until the kernel raised a signal on this carrier. */
    private static void awaitSignalOnOwnCarrier(List<String> events) {
        Activation a = Activation.current();
        long deadline = System.nanoTime() + TestSupport.HANG.toNanos();
        while (a.signal() == 0) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("no preemption signal arrived (hang guard)");
            }
            Thread.onSpinWait();
        }
        events.add("signal raised inside the section");
    }
}
