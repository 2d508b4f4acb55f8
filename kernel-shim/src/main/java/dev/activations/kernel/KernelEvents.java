package dev.activations.kernel;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Throttle;
import jdk.jfr.Timespan;

/**
 * The kernel's JDK Flight Recorder events (category "Activations", names
 * {@code dev.activations.*}) and the one-line hooks {@link Kernel} calls to emit them.
 *
 * <h2>Cost when not recording</h2>
 * Until JFR is initialized in this JVM (a recording started by {@code -XX:StartFlightRecording},
 * {@code jcmd JFR.start} or the {@code jdk.jfr} API) no recording can exist, and each hook
 * returns after one volatile read, {@link FlightRecorder#isInitialized()}, without loading
 * an event class: the first load of an event class registers it with JFR, which initializes
 * JFR's metadata (a hundred classes, tens to hundreds of milliseconds), a price only
 * recording JVMs should pay. After that, each hook allocates its event and asks
 * {@link Event#isEnabled()} (or {@link Event#shouldCommit()} for the throttled one) before it
 * reads or formats any field; while the event is disabled that answers false and the JIT
 * removes the dead allocation (escape analysis). {@code Object.toString()} of a user thread
 * handle is paid only for an event that will be committed.
 *
 * <p>Every hook is called where the matching counter of {@link KernelStats} is incremented,
 * so a recording and the counters agree. None records a stack trace: the carrier's stack at
 * an upcall is always the kernel's own dispatch loop. The event thread is the carrier
 * (activation) the upcall runs on.
 */
final class KernelEvents {
    private KernelEvents() {
    }

    /** Fields every kernel event carries. */
    @Category("Activations")
    @StackTrace(false)
    abstract static class KernelEvent extends Event {
        @Label("Kernel")
        String kernel;
        @Label("Address Space")
        String space;
        @Label("Processor")
        @Description("Index of the virtual processor in its kernel; -1 when none is involved")
        int processor;

        final void where(Kernel k, AddressSpace s, VirtualProcessor vp) {
            kernel = k.name();
            space = s == null ? null : s.name();
            processor = vp == null ? -1 : vp.id();
        }
    }

    @Name("dev.activations.ProcessorAdded")
    @Label("Processor Added")
    @Description("The kernel gave a virtual processor to an address space (upcall processorAdded)")
    static final class ProcessorAdded extends KernelEvent {
    }

    @Name("dev.activations.ProcessorPreempted")
    @Label("Processor Preempted")
    @Description("The kernel took a virtual processor back from an address space (upcall processorPreempted)")
    static final class ProcessorPreempted extends KernelEvent {
        @Label("Stopped User Thread")
        @Description("The user thread stopped at its safepoint, or null if the processor was idle")
        String userThread;
    }

    @Name("dev.activations.ProcessorDisplaced")
    @Label("Processor Displaced")
    @Description("The kernel gave a virtual processor to a higher-priority space's carrier at once; the lower holder "
            + "runs on at a higher OS nice value until its next safepoint, where processorPreempted follows")
    @Throttle("1000/s")
    static final class ProcessorDisplaced extends KernelEvent {
        @Label("To Address Space")
        String to;
        @Label("Holder Was Running")
        @Description("true: the holder was running user code (DISPLACED); false: it was inside a bracketed call (BLOCKED)")
        boolean running;
    }

    @Name("dev.activations.KernelStarted")
    @Label("Kernel Started")
    @Description("A kernel was built: its processors and how it enforces priorities between address spaces")
    static final class KernelStarted extends KernelEvent {
        @Label("Processors")
        int processors;
        @Label("OS Priorities")
        @Description("\"os priorities (...)\" when lower spaces' carriers run at higher nice values, or \"cooperative (why)\"")
        String osPriorities;
    }

    @Name("dev.activations.ActivationBlocked")
    @Label("Activation Blocked")
    @Description("A carrier blocked in the kernel; its processor was handed to a fresh activation (upcall activationBlocked)")
    static final class ActivationBlocked extends KernelEvent {
        @Label("Blocked Activation")
        Thread blockedActivation;
        @Label("User Thread")
        String userThread;
        @Label("Bracketed")
        @Description("The carrier blocked inside enterKernel/exitKernel; false: found blocked by the monitor's sampling")
        boolean bracketed;
        @Label("Detection Time")
        @Description("From the carrier entering the kernel (bracketed) or the monitor's last sample that saw it make "
                + "progress (unbracketed, +-1 monitor interval) to the hand-off")
        @Timespan(Timespan.NANOSECONDS)
        long detectionTime;
    }

    @Name("dev.activations.ActivationUnblocked")
    @Label("Activation Unblocked")
    @Description("A blocked carrier's call returned after its processor was handed off (upcall activationUnblocked)")
    static final class ActivationUnblocked extends KernelEvent {
        @Label("User Thread")
        @Description("The user thread that was running when the carrier blocked")
        String userThread;
        @Label("Blocked Time")
        @Description("From the hand-off of the processor to the delivery of this upcall")
        @Timespan(Timespan.NANOSECONDS)
        long blockedTime;
    }

    @Name("dev.activations.CompensationRefused")
    @Label("Compensation Refused")
    @Description("No activation could be started at maxActivations: a blocked carrier keeps its processor, "
            + "or a processor stays unallocated")
    @Throttle("100/s")
    static final class CompensationRefused extends KernelEvent {
        @Label("Blocked Activation")
        @Description("The blocked carrier whose processor was not handed off; null for an allocation")
        Thread blockedActivation;
        @Label("User Thread")
        String userThread;
        @Label("Activations Alive")
        int activationsAlive;
        @Label("Max Activations")
        int maxActivations;
    }

    // ------------------------------------------------------------------ hooks, called by Kernel

    static void processorAdded(Kernel k, AddressSpace s, VirtualProcessor vp) {
        if (!FlightRecorder.isInitialized()) {
            return;
        }
        ProcessorAdded e = new ProcessorAdded();
        if (e.isEnabled()) {
            e.where(k, s, vp);
            e.commit();
        }
    }

    static void processorPreempted(Kernel k, AddressSpace s, VirtualProcessor vp, Object stopped) {
        if (!FlightRecorder.isInitialized()) {
            return;
        }
        ProcessorPreempted e = new ProcessorPreempted();
        if (e.isEnabled()) {
            e.where(k, s, vp);
            e.userThread = describe(stopped);
            e.commit();
        }
    }

    static void processorDisplaced(Kernel k, AddressSpace from, AddressSpace to, VirtualProcessor vp, boolean running) {
        if (!FlightRecorder.isInitialized()) {
            return;
        }
        ProcessorDisplaced e = new ProcessorDisplaced();
        if (e.shouldCommit()) {
            e.where(k, from, vp);
            e.to = to.name();
            e.running = running;
            e.commit();
        }
    }

    static void kernelStarted(Kernel k) {
        if (!FlightRecorder.isInitialized()) {
            return;
        }
        KernelStarted e = new KernelStarted();
        if (e.isEnabled()) {
            e.where(k, null, null);
            e.processors = k.processors();
            e.osPriorities = k.osPriorities();
            e.commit();
        }
    }

    static void activationBlocked(Kernel k, AddressSpace s, VirtualProcessor vp, Activation blocked, Object thread,
                                  boolean bracketed, long detectionNanos) {
        if (!FlightRecorder.isInitialized()) {
            return;
        }
        ActivationBlocked e = new ActivationBlocked();
        if (e.isEnabled()) {
            e.where(k, s, vp);
            e.blockedActivation = blocked;
            e.userThread = describe(thread);
            e.bracketed = bracketed;
            e.detectionTime = detectionNanos;
            e.commit();
        }
    }

    /** {@code blockedAt}: System.nanoTime of the hand-off. */
    static void activationUnblocked(Kernel k, AddressSpace s, Object thread, long blockedAt) {
        if (!FlightRecorder.isInitialized()) {
            return;
        }
        ActivationUnblocked e = new ActivationUnblocked();
        if (e.isEnabled()) {
            e.where(k, s, null);
            e.userThread = describe(thread);
            e.blockedTime = System.nanoTime() - blockedAt;
            e.commit();
        }
    }

    /** {@code blocked}: null when the refused activation was for an allocation, not a hand-off. */
    static void compensationRefused(Kernel k, AddressSpace s, VirtualProcessor vp, Activation blocked, Object thread,
                                    int alive) {
        if (!FlightRecorder.isInitialized()) {
            return;
        }
        CompensationRefused e = new CompensationRefused();
        if (e.shouldCommit()) {
            e.where(k, s, vp);
            e.blockedActivation = blocked;
            e.userThread = describe(thread);
            e.activationsAlive = alive;
            e.maxActivations = k.maxActivations();
            e.commit();
        }
    }

    private static String describe(Object userThread) {
        return userThread == null ? null : userThread.toString();
    }
}
