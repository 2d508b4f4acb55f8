package dev.activations.kernel;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The kernel's monitor ("sysmon"): a platform thread that finds activations blocked while
 * holding a VP and has the kernel hand their VP to a fresh activation, and that drives time
 * slicing between spaces with fractional portions ({@link Kernel#sliceTick}).
 *
 * <h2>Two modes</h2>
 * With blocking detection (the kernel's default) it starts with the kernel and does all of
 * the below. Without it ({@code blockingDetection(false)}) the kernel starts it only the first
 * time time slicing is needed, and it is just a ticker: it parks without a deadline while
 * {@link Kernel#slicing} is false (the kernel unparks it after setting the flag; a permit
 * left by that unpark makes a park that races it return at once) and otherwise calls
 * {@code sliceTick} every {@code monitorInterval}; it never hands anything off.
 *
 * <h2>Time slicing</h2>
 * On every slow tick (once per {@code monitorInterval}) while {@link Kernel#slicing} is set,
 * after sampling, it calls {@link Kernel#sliceTick}, which re-plans under the kernel lock. One
 * volatile read per tick when nothing needs slicing.
 *
 * <h2>What it looks for, every {@code monitorInterval}</h2>
 * <ul>
 *   <li><b>Bracketed:</b> holder in IN_KERNEL for at least {@code blockedAfter}.</li>
 *   <li><b>Undetected:</b> holder RUNNING with a user thread mounted, no scheduling progress
 *       ({@code dispatches} unchanged) since the previous sample, and the carrier seen waiting
 *       (Java {@code Thread.State} BLOCKED/WAITING/TIMED_WAITING, or, for calls the JVM reports
 *       as RUNNABLE such as a native read, Linux {@code /proc} state S or D while its CPU time
 *       stood still since the last sample: a computing thread that the sample catches waiting
 *       at a safepoint also shows S, but it burns CPU between samples), in two samples in a row. {@code /proc} is read only after a sample without progress, so busy carriers
 *       cost one {@code getState()} per interval.</li>
 * </ul>
 *
 * <h2>Cadence</h2>
 * Bracketed calls are checked on every tick, undetected blocking at most once per
 * {@code monitorInterval} (its two-sample rule and CPU-time test are tuned to that spacing).
 * While some VP holder is inside a bracketed call the monitor ticks every
 * {@code blockedAfter / 2} (at least 50 us, at most {@code monitorInterval}), so a blocked call
 * loses its VP between {@code blockedAfter} and 1.5 x {@code blockedAfter} after it began. The
 * monitor sets its own Linux timer slack to {@link #TIMER_SLACK_NANOS} so that short ticks are
 * not stretched by the default 50 µs.
 * Otherwise it sleeps a whole {@code monitorInterval} and sets {@link Kernel#monitorSlow}, and
 * the next {@code enterKernel} wakes it (one unpark per quiet period, not per call: while calls
 * keep coming the monitor stays on fast ticks). A workload that never makes bracketed calls pays
 * one sample per interval, as before.
 *
 * <p>Either way the decision is a CAS on the activation's state made under the kernel lock
 * ({@link Kernel#handOff}); a carrier that returns meanwhile wins its own CAS and keeps the VP.
 *
 * <p>A garbage collection stops every Java thread and makes carriers look asleep without
 * progress; so when the collectors' counts changed since the last sample (or the monitor
 * itself woke over 50 ms late: some other stop-the-world pause), it discards the suspicion
 * gathered so far instead of handing off. A merely loaded machine does not count as a pause.
 *
 * <p>Owns: the {@code sampledDispatches}/{@code suspectSamples}/{@code progressSeenAt} fields
 * of every activation (no other thread writes them; {@link ProcessorActivity} reads
 * {@code suspectSamples} racily). Parks without a deadline while no VP is allocated.
 */
final class Monitor implements Runnable {
    /**
     * The monitor's timer slack: Linux's default 50 µs made each 50 µs tick about 100 µs (so a
     * bracketed call at {@code blockedAfter} 50 µs was handed off after ~160 µs, not ~75 µs).
     */
    static final long TIMER_SLACK_NANOS = 1_000;
    private final Kernel kernel;
    private final long intervalNanos;
    private final long blockedAfterNanos;
    /** Hand off blocked activations; false: a time-slicing ticker only. */
    private final boolean detectBlocking;
    /** Tick while a bracketed call is in progress. */
    private final long fastNanos;
    /** Current sleep between ticks: fastNanos .. intervalNanos. */
    private long sleepNanos;
    /** When undetected blocking was last sampled. */
    private long lastSlowSample;
    /** A pause (GC, stall) was seen since the last slow tick: its suspicions are void. */
    private boolean pausedSinceSlow;

    Monitor(Kernel kernel, long intervalNanos, long blockedAfterNanos, boolean detectBlocking) {
        this.kernel = kernel;
        this.intervalNanos = intervalNanos;
        this.blockedAfterNanos = blockedAfterNanos;
        this.detectBlocking = detectBlocking;
        this.fastNanos = Math.min(intervalNanos, Math.max(50_000L, blockedAfterNanos / 2));
        this.sleepNanos = intervalNanos;
    }

    private long lastSample = System.nanoTime();
    private long lastCollections = collections();
    private static final List<GarbageCollectorMXBean> COLLECTORS =
            ManagementFactory.getGarbageCollectorMXBeans();

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean CPU_TIME = THREADS.isThreadCpuTimeSupported();

    /** CPU time of {@code a}'s thread (ns), or -1 if unknown. */
    private static long cpuTime(Activation a) {
        return CPU_TIME ? THREADS.getThreadCpuTime(a.threadId()) : -1;
    }

    private static long collections() {
        long n = 0;
        for (GarbageCollectorMXBean gc : COLLECTORS) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    @Override
    public void run() {
        ProcStat.setTimerSlack(TIMER_SLACK_NANOS);
        if (!detectBlocking) {
            tickSlices();
            return;
        }
        while (!kernel.isClosed()) {
            if (kernel.busyProcessors() == 0) {
                kernel.monitorSleeping = true;
                if (kernel.busyProcessors() == 0 && !kernel.isClosed()) { // re-check after publishing: pairs with Kernel.bind
                    LockSupport.park(this);
                }
                kernel.monitorSleeping = false;
                lastSample = System.nanoTime();
                continue;
            }
            if (sleepNanos > fastNanos) {
                kernel.monitorSlow = true; // then re-check: pairs with enterKernel's CAS, then read
                if (anyInKernel()) {
                    sleepNanos = fastNanos;
                }
            }
            LockSupport.parkNanos(this, sleepNanos);
            kernel.monitorSlow = false;
            long now = System.nanoTime();
            long gcs = collections();
            boolean paused = gcs != lastCollections || now - lastSample > 50_000_000L; // a pause, not a block
            lastCollections = gcs;
            lastSample = now;
            pausedSinceSlow |= paused;
            boolean slow = now - lastSlowSample >= intervalNanos - intervalNanos / 8; // parkNanos wakes a little early or late
            if (slow) {
                lastSlowSample = now;
            }
            boolean inKernel = sample(now, pausedSinceSlow, slow);
            if (slow) {
                pausedSinceSlow = false;
                if (kernel.slicing) {
                    kernel.sliceTick();
                }
            }
            sleepNanos = inKernel ? fastNanos : intervalNanos;
        }
    }

    /** The ticker-only loop (no blocking detection). */
    private void tickSlices() {
        while (!kernel.isClosed()) {
            if (!kernel.slicing) {
                LockSupport.park(this); // unparked when slicing starts, or by close
                continue;
            }
            LockSupport.parkNanos(this, intervalNanos);
            kernel.sliceTick();
        }
    }

    private boolean anyInKernel() {
        for (VirtualProcessor vp : kernel.processorsArray()) {
            Activation a = vp.holder;
            if (a != null && a.state() == Activation.IN_KERNEL) {
                return true;
            }
        }
        return false;
    }

    /** One tick; {@code slow}: also sample for undetected blocking. Returns true if a bracketed call is in progress. */
    private boolean sample(long now, boolean paused, boolean slow) {
        boolean inKernel = false;
        for (VirtualProcessor vp : kernel.processorsArray()) {
            Activation a = vp.holder;
            if (a == null) {
                continue;
            }
            int state = a.state();
            if (state == Activation.IN_KERNEL) {
                inKernel = true;
                a.suspectSamples = 0;
                if (now - a.kernelEnteredAt >= blockedAfterNanos) {
                    kernel.handOff(a, vp, Activation.IN_KERNEL, a.kernelThread);
                }
            } else if (!slow) {
                continue; // suspicion of undetected blocking is judged on slow ticks only
            } else if (state == Activation.RUNNING) {
                if (paused) {
                    a.suspectSamples = 0;
                    a.sampledDispatches = -1;
                } else {
                    sampleRunning(a, vp);
                }
            } else {
                a.suspectSamples = 0;
            }
            if (a.suspectSamples == 0) {
                a.progressSeenAt = now; // not suspected here: HandOffClock's unbracketed start
            }
        }
        return inKernel;
    }

    private void sampleRunning(Activation a, VirtualProcessor vp) {
        Object mounted = a.sampleMounted();
        long dispatches = a.sampleDispatches();
        boolean noProgress = dispatches == a.sampledDispatches;
        a.sampledDispatches = dispatches;
        if (mounted == null || !noProgress) {
            a.suspectSamples = 0;
            a.sampledCpu = -1;
            return;
        }
        Thread.State js = a.getState();
        long cpu = cpuTime(a);
        boolean burning = cpu >= 0 && a.sampledCpu >= 0 && cpu - a.sampledCpu > intervalNanos / 10;
        a.sampledCpu = cpu;
        boolean waiting = js == Thread.State.BLOCKED || js == Thread.State.WAITING
                || js == Thread.State.TIMED_WAITING
                || (js == Thread.State.RUNNABLE && !burning && ProcStat.sleeping(a.tid));
        if (!waiting) {
            a.suspectSamples = 0;
            return;
        }
        if (++a.suspectSamples >= 2) {
            a.suspectSamples = 0;
            kernel.handOff(a, vp, Activation.RUNNING, mounted);
        }
    }
}
