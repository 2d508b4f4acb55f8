package dev.activations.runtime;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Threshold;

/**
 * The runtime's JDK Flight Recorder events (category "Activations", names
 * {@code dev.activations.*}); the kernel's own events are in the kernel shim. Both are
 * duration events with a default threshold of 20 ms (like {@code jdk.VirtualThreadPinned}),
 * recorded with the stack trace of the carrier, which runs through the user thread's frames.
 *
 * <h2>Cost when not recording</h2>
 * Until JFR is initialized in this JVM the wrappers just run the wrapped code, after one
 * volatile read ({@link FlightRecorder#isInitialized()}), and never load an event class
 * (loading one initializes JFR's metadata; see the kernel's {@code KernelEvents}). After
 * that they allocate the event and call {@code begin()}/{@code end()}/
 * {@code shouldCommit()}; while the event is disabled these do nothing and the JIT removes
 * the allocation (escape analysis). Fields are filled only for an event that will be
 * committed. A section that began before JFR was initialized is not recorded.
 */
final class RuntimeEvents {
    private RuntimeEvents() {
    }

    @Name("dev.activations.UserThreadPinned")
    @Category("Activations")
    @Label("User Thread Pinned")
    @Description("A user thread parked while it could not unmount (a native frame on its stack); "
            + "its carrier waited instead, keeping its processor until the monitor handed it off")
    @Threshold("20 ms")
    static final class UserThreadPinned extends Event {
        @Label("User Thread")
        String userThread;
        @Label("User Thread Id")
        long userThreadId;
        @Label("Scheduler")
        String scheduler;
    }

    @Name("dev.activations.CriticalSection")
    @Category("Activations")
    @Label("Long Critical Section")
    @Description("A user thread ran an outermost UserThread.critical section; preemption waits until it ends")
    @Threshold("20 ms")
    static final class CriticalSection extends Event {
        @Label("User Thread")
        String userThread;
        @Label("User Thread Id")
        long userThreadId;
        @Label("Scheduler")
        String scheduler;
        @Label("Preemption Deferred")
        @Description("A preemption (or a revoked processor) arrived inside the section and waited for its end")
        boolean preemptionDeferred;
    }

    /** {@link UserThread#parkOnCarrier}, timed as a pinned park. Runs on {@code t}. */
    static void parkPinned(UserThread t, long nanos) {
        if (!FlightRecorder.isInitialized()) {
            t.parkOnCarrier(nanos);
            return;
        }
        UserThreadPinned e = new UserThreadPinned();
        e.begin();
        try {
            t.parkOnCarrier(nanos);
        } finally {
            e.end();
            if (e.shouldCommit()) {
                e.userThread = t.name();
                e.userThreadId = t.id();
                e.scheduler = t.scheduler.name();
                e.commit();
            }
        }
    }

    /**
     * Runs the body of {@link UserThread#critical}, timed; only an outermost section is
     * recorded. Runs on {@code t}, inside the section (its depth already counted).
     */
    static void runCritical(UserThread t, Runnable section) {
        if (!FlightRecorder.isInitialized()) {
            section.run();
            return;
        }
        CriticalSection e = new CriticalSection();
        e.begin();
        try {
            section.run();
        } finally {
            e.end();
            if (t.criticalDepth == 1 && e.shouldCommit()) {
                e.userThread = t.name();
                e.userThreadId = t.id();
                e.scheduler = t.scheduler.name();
                e.preemptionDeferred = t.stopDeferred;
                e.commit();
            }
        }
    }
}
