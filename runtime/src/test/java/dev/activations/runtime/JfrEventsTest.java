package dev.activations.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.activations.kernel.Kernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Records JFR in-process while a workload blocks in the kernel, is preempted, hits the
 * activation cap, parks pinned and runs a critical section, and finds each
 * {@code dev.activations.*} event with sane fields. Each scenario has its own kernel, whose
 * name the events are filtered by. Waits are on counters, never on elapsed time.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JfrEventsTest {
    private static final String ADDED = "dev.activations.ProcessorAdded";
    private static final String PREEMPTED = "dev.activations.ProcessorPreempted";
    private static final String BLOCKED = "dev.activations.ActivationBlocked";
    private static final String UNBLOCKED = "dev.activations.ActivationUnblocked";
    private static final String REFUSED = "dev.activations.CompensationRefused";
    private static final String PINNED = "dev.activations.UserThreadPinned";
    private static final String CRITICAL = "dev.activations.CriticalSection";

    interface Workload {
        void run() throws Exception;
    }

    /** Runs {@code workload} under a recording of every event type here, thresholds at zero. */
    private static List<RecordedEvent> record(Workload workload) throws Exception {
        Path file = Files.createTempFile("activations-", ".jfr");
        try (Recording r = new Recording()) {
            for (String e : List.of(ADDED, PREEMPTED, BLOCKED, UNBLOCKED, REFUSED)) {
                r.enable(e);
            }
            r.enable(PINNED).withThreshold(Duration.ZERO).withStackTrace();
            r.enable(CRITICAL).withThreshold(Duration.ZERO);
            r.start();
            workload.run();
            r.stop();
            r.dump(file);
            return RecordingFile.readAllEvents(file);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static List<RecordedEvent> of(List<RecordedEvent> events, String type, String kernel) {
        return events.stream()
                .filter(e -> e.getEventType().getName().equals(type))
                .filter(e -> kernel == null || kernel.equals(e.getString("kernel")))
                .toList();
    }

    @Test
    void blockingInTheKernelRecordsAddedBlockedAndUnblocked() throws Exception {
        List<RecordedEvent> events = record(() -> {
            try (Kernel k = Kernel.builder().name("jfr-block").processors(1)
                    .blockedAfter(Duration.ofMillis(1)).monitorInterval(Duration.ofMillis(1)).build();
                 Scheduler s = Scheduler.builder().kernel(k).name("blocker").build()) {
                UserThread t = s.thread().name("sleeper").start(() -> {
                    try {
                        UserThread.blocking(() -> {
                            while (k.stats().activationBlocked() == 0) { // stay blocked until the hand-off
                                Thread.sleep(1);
                            }
                            return null;
                        });
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                t.join();
            }
        });

        List<RecordedEvent> added = of(events, ADDED, "jfr-block");
        assertFalse(added.isEmpty(), "no ProcessorAdded for kernel jfr-block");
        assertEquals("blocker", added.get(0).getString("space"));
        assertEquals(0, added.get(0).getInt("processor"));
        assertTrue(added.get(0).getEventType().getCategoryNames().contains("Activations"));

        List<RecordedEvent> blocked = of(events, BLOCKED, "jfr-block");
        assertEquals(1, blocked.size(), "ActivationBlocked events: " + blocked);
        RecordedEvent b = blocked.get(0);
        assertEquals("blocker", b.getString("space"));
        assertEquals(0, b.getInt("processor"));
        assertTrue(b.getString("userThread").contains("sleeper"), b.getString("userThread"));
        assertNotNull(b.getThread("blockedActivation"), "blockedActivation");
        assertTrue(b.getThread("blockedActivation").getJavaName().startsWith("jfr-block-activation-"));
        assertFalse(b.getThread("blockedActivation").getJavaName().equals(b.getThread().getJavaName()),
                "the upcall runs on a fresh activation, not on the blocked one");
        assertTrue(b.getBoolean("bracketed"), "a UserThread.blocking call");
        assertTrue(b.getDuration("detectionTime").toNanos() >= Duration.ofMillis(1).toNanos(),
                "handed off no earlier than blockedAfter: " + b.getDuration("detectionTime"));

        List<RecordedEvent> unblocked = of(events, UNBLOCKED, "jfr-block");
        assertEquals(1, unblocked.size(), "ActivationUnblocked events: " + unblocked);
        RecordedEvent u = unblocked.get(0);
        assertEquals("blocker", u.getString("space"));
        assertTrue(u.getString("userThread").contains("sleeper"), u.getString("userThread"));
        assertTrue(u.getDuration("blockedTime").toNanos() > 0, "blockedTime " + u.getDuration("blockedTime"));
        assertEquals(b.getThread("blockedActivation").getJavaName(), u.getThread().getJavaName(),
                "activationUnblocked runs on the activation that blocked");
    }

    @Test
    void aHigherPriorityRequestPreemptsAndRecordsTheStoppedThread() throws Exception {
        List<RecordedEvent> events = record(() -> {
            try (Kernel k = Kernel.builder().name("jfr-preempt").processors(1).build();
                 Scheduler low = Scheduler.builder().kernel(k).name("low").priority(1).build();
                 Scheduler high = Scheduler.builder().kernel(k).name("high").priority(10).build()) {
                AtomicBoolean stop = new AtomicBoolean();
                UserThread spinner = low.thread().name("spinner").start(() -> {
                    while (!stop.get()) {
                        UserThread.checkpoint();
                    }
                });
                while (spinner.state() != UserThread.State.RUNNING) {
                    Thread.onSpinWait();
                }
                // urgent keeps the processor until the spinner has been stopped for the kernel (with OS
                // priorities the spinner is displaced and stops at its next checkpoint; if urgent gave the
                // processor back first, the spinner would simply get it back, never stopped, no event)
                UserThread urgent = high.thread().name("urgent").start(() -> TestSupport.holdProcessorUntilPreempted(low));
                urgent.join();
                stop.set(true); // the spinner leaves its loop only after it was stopped: the event names it
                spinner.join();
            }
        });

        List<RecordedEvent> preempted = of(events, PREEMPTED, "jfr-preempt").stream()
                .filter(e -> "low".equals(e.getString("space"))).toList();
        assertFalse(preempted.isEmpty(), "no ProcessorPreempted of space low for kernel jfr-preempt");
        // A preemption that came between threads names none (null), and a recording file is in
        // buffer order, not time order: the one that stopped the spinner is somewhere in the list.
        List<RecordedEvent> stopping = preempted.stream().filter(e -> e.getString("userThread") != null).toList();
        assertFalse(stopping.isEmpty(), "no ProcessorPreempted of space low names the thread it stopped: " + preempted);
        for (RecordedEvent p : stopping) {
            assertEquals(0, p.getInt("processor"));
            assertTrue(p.getString("userThread").contains("spinner"), p.getString("userThread"));
        }
        assertTrue(of(events, ADDED, "jfr-preempt").stream().anyMatch(e -> "high".equals(e.getString("space"))),
                "the preempted processor goes to the high-priority space");
    }

    @Test
    void aHandOffAtMaxActivationsIsRefusedAndRecorded() throws Exception {
        List<RecordedEvent> events = record(() -> {
            try (Kernel k = Kernel.builder().name("jfr-refuse").processors(1).maxActivations(1)
                    .blockedAfter(Duration.ofMillis(1)).monitorInterval(Duration.ofMillis(1)).build();
                 Scheduler s = Scheduler.builder().kernel(k).name("capped").build()) {
                UserThread t = s.thread().name("stuck").start(() -> {
                    try {
                        UserThread.blocking(() -> {
                            while (k.stats().refusedHandOffs() == 0) { // stay blocked until the monitor gave up
                                Thread.sleep(1);
                            }
                            return null;
                        });
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                t.join();
            }
        });

        List<RecordedEvent> refused = of(events, REFUSED, "jfr-refuse");
        assertFalse(refused.isEmpty(), "no CompensationRefused for kernel jfr-refuse");
        RecordedEvent r = refused.get(0);
        assertEquals("capped", r.getString("space"));
        assertEquals(0, r.getInt("processor"));
        assertTrue(r.getString("userThread").contains("stuck"), r.getString("userThread"));
        assertEquals(1, r.getInt("maxActivations"));
        assertEquals(1, r.getInt("activationsAlive"));
        assertTrue(r.getThread("blockedActivation").getJavaName().startsWith("jfr-refuse-activation-"));
        assertTrue(of(events, BLOCKED, "jfr-refuse").isEmpty(), "a refused hand-off delivers no activationBlocked");
    }

    /** Its initializer parks: the VM's call into {@code <clinit>} is a native frame, so the park is pinned. */
    static final class ParksWhileInitializing {
        static final boolean DONE;

        static {
            UserThread.parkNanos(1_000_000L);
            DONE = true;
        }
    }

    @Test
    void aPinnedParkAndACriticalSectionAreRecorded() throws Exception {
        List<RecordedEvent> events = record(() -> {
            try (Kernel k = Kernel.builder().name("jfr-pin").processors(1).build();
                 Scheduler s = Scheduler.builder().kernel(k).name("pinning").build()) {
                s.thread().name("pinned").start(() -> assertTrue(ParksWhileInitializing.DONE)).join();
                s.thread().name("critical").start(() -> UserThread.critical(() -> UserThread.critical(() -> { }))).join();
            }
        });

        List<RecordedEvent> pinned = of(events, PINNED, null);
        assertEquals(1, pinned.size(), "UserThreadPinned events: " + pinned);
        RecordedEvent p = pinned.get(0);
        assertEquals("pinned", p.getString("userThread"));
        assertEquals("pinning", p.getString("scheduler"));
        assertTrue(p.getLong("userThreadId") > 0);
        assertFalse(p.getDuration().isNegative());
        assertNotNull(p.getStackTrace(), "pinned parks are recorded with the stack");
        assertTrue(p.getStackTrace().getFrames().stream()
                        .anyMatch(f -> f.getMethod().getType().getName().endsWith("ParksWhileInitializing")),
                "the stack shows where the thread parked");

        List<RecordedEvent> critical = of(events, CRITICAL, null);
        assertEquals(1, critical.size(), "only the outermost critical section is recorded: " + critical);
        RecordedEvent c = critical.get(0);
        assertEquals("critical", c.getString("userThread"));
        assertEquals("pinning", c.getString("scheduler"));
        assertFalse(c.getBoolean("preemptionDeferred"));
    }

    @Test
    void workOutsideARecordingLeavesNoEventsInALaterOne() throws Exception {
        // Not recording: the hooks run and commit nothing; the workload still works.
        try (Kernel k = Kernel.builder().name("jfr-off").processors(1).build();
             Scheduler s = Scheduler.builder().kernel(k).name("quiet").build()) {
            s.start(() -> UserThread.critical(() -> { })).join();
            assertEquals(0, k.stats().activationBlocked());
        }
        List<RecordedEvent> none = record(() -> { });
        assertNull(none.stream().filter(e -> e.getEventType().getName().startsWith("dev.activations.")).findAny().orElse(null));
    }
}
