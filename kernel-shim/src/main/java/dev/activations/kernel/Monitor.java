package dev.activations.kernel;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The kernel's monitor ("sysmon"): a platform thread that finds carriers asleep in calls nobody
 * bracketed and hands their VP off, drives time slicing between spaces with fractional portions
 * ({@link Planner#sliceTick}), and starts carriers that must run at a lower nice value than the
 * thread that needed them ({@link Spares#startPending}). It runs at the base nice value.
 *
 * <h2>Unbracketed blocking: the rule</h2>
 * At each tick (every {@code monitorInterval}, default 100 µs, or less often: see Cadence), for each VP holder
 * that is RUNNING with a user thread mounted, it reads the carrier's CPU time (one
 * {@code ThreadMXBean} call, ~0.5 µs). A carrier that ran for at least half the time since the
 * last tick is computing: not suspect. Otherwise it asks whether the carrier sleeps (Java
 * {@code Thread.State} BLOCKED/WAITING/TIMED_WAITING, or, for calls the JVM reports as RUNNABLE
 * such as a native read, Linux {@code /proc} state S or D, ~2.5 µs through an open file, unless
 * the call it sleeps in is {@code futex}: the JVM's own waits, see {@link ProcStat.Reader}); a
 * carrier off its CPU but runnable is only waiting for the OS, not blocked. A sleeping carrier is
 * <em>suspected</em> from {@code now - offCpu}, the estimated start of its sleep: the monitor
 * arms the VP's standby ({@link Spares#arm}) and ticks again at {@code suspectSince +
 * blockedAfter}. If by then it has not run (CPU time grew by under a tenth of the time, no new
 * dispatch) and still sleeps, the VP is handed off, to the standby, after one more look under
 * the kernel lock if waiting for it took long enough for the carrier to wake. Any
 * sign of life clears the suspicion. A carrier seen in a bracketed call, or in kernel work in a downcall
 * ({@link Activation#inKernelWork}: arming its standby in {@code enterKernel}, asking for
 * processors; the kernel lock, perhaps a {@code Thread.start}, however long), or without its
 * VP loses its baseline, and so does one that holds a VP again since the baseline was taken (a
 * new tenure, {@link Activation#tenures}): the first tick after that only takes a new one. (A
 * baseline that spans a bracketed call or a spell without a VP makes a short wait just after
 * it, on a lock or at a safepoint, read as a sleep begun before, handed off at once; the likely
 * cause of one forbidden sample in 10 M of the jcstress test
 * {@code UserThread_RevokedInCriticalSection}. A carrier suspected while it started its standby
 * was handed off just before its bracketed call: the flaky CI failures of
 * {@code BracketedBlockingTest} and {@code JfrEventsTest}.) So at the fast cadence a block is
 * handed off between {@code blockedAfter} and {@code blockedAfter + monitorInterval} after it
 * began (plus the monitor's own wake-up), and a block shorter than {@code blockedAfter} costs at
 * most an armed standby.
 *
 * <h2>Bracketed calls</h2>
 * Left to the VP's standby, which hands off at {@code kernelEnteredAt + blockedAfter} without
 * waiting for a tick. Only when no standby could be armed (no carrier to be had) does the
 * monitor hand a bracketed call off itself, at its first tick past the deadline.
 *
 * <h2>Pauses</h2>
 * A garbage collection stops every Java thread and makes carriers look asleep without progress;
 * the monitor, a Java thread too, cannot sample during it. So when the collectors' counts
 * changed since the last tick, or the monitor woke more than {@link #PAUSE_NANOS} late, it
 * discards every suspicion and CPU baseline instead of handing off. A merely loaded machine does
 * not count as a pause.
 *
 * <h2>Cadence and idling</h2>
 * A tick costs about 10 µs of CPU, two thirds of it the wake-up and the context switches (perf, on
 * the 2-core reference VM under Jetty's compute handler), and on a busy machine each wake-up also
 * preempts a carrier: at 100 µs that was 8% of a CPU, and the compute handler ran at 0.87x virtual
 * threads. So, like Go's sysmon, the monitor slows down when it finds nothing: after
 * {@link #QUIET_TICKS} intervals without a carrier asleep under a user thread, the period doubles
 * at each tick up to {@link #SLOWEST} intervals (1 ms by default). A slow tick that finds a carrier
 * off its CPU for half an interval and asleep returns to the fast cadence at once; if the carrier
 * ran for most of the long window, it is not suspected yet, and the next tick, one interval
 * later, judges it with a fresh baseline. So the first unbracketed block after a quiet spell is
 * handed off within about half the slow period plus one interval and {@code blockedAfter} (or at
 * the slow tick itself when the carrier slept through half of it), and later ones as before.
 * Deadlines (a bracketed call without a standby, a suspicion's) and time slicing keep their own
 * wake-ups whatever the period.
 *
 * <p>It parks without a deadline while no VP is allocated (woken by {@link Kernel#wakeMonitorIfSleeping},
 * after {@code busy} changed: a Dekker pair with its own write of {@code monitorSleeping} then
 * re-read of {@code busy}), nothing is sliced and no carrier waits to be started. Without
 * blocking detection it is only the slicing ticker and the starter. It sets its own Linux timer
 * slack to {@link #TIMER_SLACK_NANOS} so that its short sleeps are not stretched by the default
 * 50 µs, and asks Linux for a short EEVDF slice ({@link OsPriorities#requestSlice}, default 100 µs),
 * so that its wake-ups preempt a CPU-bound carrier instead of waiting for the end of its slice.
 *
 * <h2>Sentinels</h2>
 * While the monitor is at its fast cadence and other processes leave the machine quiet, it wants
 * the kernel's {@link Sentinels} watching ({@link Sentinels#want}, at every tick; off when it
 * stops watching). A sentinel runs on a CPU that has nothing else to run and, when a holder's CPU
 * time stands still there, {@link #poke}s the monitor: pins it to that CPU and wakes it for a
 * tick now. The tick applies the rule above unchanged, so a poke can only make a tick earlier.
 * The monitor unpins itself whenever it does not want sentinels, which also undoes a poke that
 * raced with that decision (at its next loop).
 *
 * <h2>Rejected (measured on the 2-core reference VM, unprivileged)</h2>
 * Two samples a whole interval apart without progress (the old rule: ~2 intervals, 2.4 ms p50 at
 * 1 ms); Linux perf context-switch events (with {@code perf_event_paranoid} 2 an unprivileged
 * process may only count with {@code exclude_kernel}, and then context switches count 0); the
 * JDK's own {@code Blocker} brackets around file I/O (they act only when the carrier is a
 * {@code jdk.internal.misc.CarrierThread}, a {@code ForkJoinWorkerThread} of the JDK's pool).
 *
 * <p>Shared with the sentinels: {@code parkedUntil} (the monitor writes it around its timed park;
 * a sentinel reads it) and {@code pinnedCpu} (written by a poke and by {@link #unpin}; a hint).
 *
 * <p>Owns: the {@code sampledTenure}/{@code sampledDispatches}/{@code sampledCpu}/{@code sampledAt}/
 * {@code suspectSince}/{@code progressSeenAt} fields of every activation, its own cadence fields, and the
 * {@code suspected} flag of every VP (no other thread writes them; {@link ProcessorActivity} and
 * standbys read them racily).
 */
final class Monitor implements Runnable {
    /** The monitor's timer slack, so that a 100 µs tick is not a 150 µs one. */
    static final long TIMER_SLACK_NANOS = 1_000;
    /** A wait this long for the kernel lock makes a hand-off decision worth checking again ({@link #handOffIfStillAsleep}). */
    static final long STALE_NANOS = 20_000;
    /** Waking this much later than asked means the JVM (or the machine) stopped: not a block. */
    static final long PAUSE_NANOS = 10_000_000L;
    /**
     * Intervals without a sleeping carrier after which the monitor starts ticking less often (100
     * ms by default: longer than the gaps between a pinning workload's blocks, such as Promises'
     * 20 ms compute steps, so that those keep the fast cadence).
     */
    static final int QUIET_TICKS = 1_000;
    /** The slowest cadence, in intervals. */
    static final int SLOWEST = 10;
    /** A sentinel's poke is not worth a wake-up when the next tick is due sooner than this. */
    static final long POKE_MARGIN_NANOS = 10_000;
    private static final List<GarbageCollectorMXBean> COLLECTORS = ManagementFactory.getGarbageCollectorMXBeans();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean CPU_TIME = THREADS.isThreadCpuTimeSupported();

    private final Kernel kernel;
    private final long intervalNanos;
    private final long blockedAfterNanos;
    /** Hand off blocked activations; false: a time-slicing ticker and starter only. */
    private final boolean detectBlocking;
    /** Time slicing ticks this often. */
    private final long sliceNanos;
    private long lastSlice = System.nanoTime();
    private long lastCollections = collections();
    /** The current tick period: {@code intervalNanos} up to {@code SLOWEST} times that (see Cadence). */
    private long period;
    /** When a tick last found a carrier asleep with a user thread mounted. */
    private long sleepSeenAt = System.nanoTime();
    /** When the monitor's timed park ends; 0 while it is not parked with a deadline. Read by sentinels. */
    private volatile long parkedUntil;
    /** The monitor's Linux tid, once it runs; -1 before or where unknown. */
    private volatile int tid = -1;
    /** The monitor's thread, once it runs (for pokes). */
    private volatile Thread thread;
    /** The CPU a sentinel pinned the monitor to, -1: none (see {@link #poke}). */
    private volatile int pinnedCpu = -1;

    Monitor(Kernel kernel, long intervalNanos, long blockedAfterNanos, boolean detectBlocking) {
        this.kernel = kernel;
        this.intervalNanos = intervalNanos;
        this.blockedAfterNanos = blockedAfterNanos;
        this.detectBlocking = detectBlocking;
        this.sliceNanos = Math.max(1_000_000L, intervalNanos);
        this.period = intervalNanos;
    }

    /** CPU time of {@code a}'s thread (ns), or -1 if unknown. */
    static long cpuTime(Activation a) {
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
        tid = ProcStat.currentTid();
        thread = Thread.currentThread();
        ProcStat.setTimerSlack(TIMER_SLACK_NANOS);
        kernel.monitorSlice = OsPriorities.requestSlice(kernel.monitorSliceNanos);
        kernel.monitorSliceSet.countDown();
        long due = System.nanoTime();
        while (!kernel.isClosed()) {
            kernel.spares.startPending();
            boolean watch = detectBlocking && kernel.busyProcessors() > 0;
            if (!watch) {
                kernel.sentinels.want(false);
                unpin();
            }
            if (!watch && !kernel.planner.slicing) {
                kernel.monitorSleeping = true;
                // re-check after publishing: pairs with Planner.bind (busy, then monitorSleeping)
                if (!(detectBlocking && kernel.busyProcessors() > 0) && !kernel.planner.slicing
                        && !kernel.spares.startsPending() && !kernel.isClosed()) {
                    LockSupport.park(this);
                }
                kernel.monitorSleeping = false;
                forgetAll();
                period = intervalNanos;
                due = System.nanoTime();
                continue;
            }
            long now = System.nanoTime();
            long wake = !watch ? lastSlice + sliceNanos
                    : kernel.planner.slicing ? Math.min(due, lastSlice + sliceNanos) : due;
            if (wake - now > 0) {
                parkedUntil = wake;
                LockSupport.parkNanos(this, wake - now);
                parkedUntil = 0;
            }
            now = System.nanoTime();
            long gcs = collections();
            boolean paused = gcs != lastCollections || now - wake > PAUSE_NANOS;
            lastCollections = gcs;
            if (watch) {
                boolean fast = now - sleepSeenAt < QUIET_TICKS * intervalNanos;
                period = fast ? intervalNanos : Math.min(2 * period, SLOWEST * intervalNanos);
                boolean sentinels = fast && kernel.sentinels.count() > 0 && kernel.sentinels.othersQuiet(now);
                kernel.sentinels.want(sentinels);
                if (!sentinels) {
                    unpin();
                }
                due = now + period;
                if (paused) {
                    forgetAll();
                } else {
                    due = tick(now, due);
                }
            }
            if (now - lastSlice >= sliceNanos) {
                lastSlice = now;
                if (kernel.planner.slicing) {
                    kernel.planner.sliceTick();
                    kernel.spares.startDeferred();
                }
            }
        }
    }

    /**
     * Called by the sentinel on {@code cpu}, a CPU that has nothing else to run, on seeing a VP
     * holder's CPU time stand still ({@link Sentinels}): if the monitor sleeps until a tick more
     * than {@link #POKE_MARGIN_NANOS} away, it is pinned to {@code cpu} and woken, so that its tick
     * runs now, on an awake CPU, and the standby it arms is woken from there. Racy by design (two
     * sentinels may pin it in turn): an affinity is a hint, and a tick too many finds nothing.
     */
    void poke(int cpu) {
        long until = parkedUntil;
        Thread me = thread;
        if (until == 0 || until - System.nanoTime() < POKE_MARGIN_NANOS || me == null) {
            return; // awake, or ticking soon anyway
        }
        if (pinnedCpu != cpu && kernel.sentinels.affinity().pin(tid, cpu)) {
            pinnedCpu = cpu;
        }
        LockSupport.unpark(me);
    }

    /** Lets the monitor run on every CPU again once sentinels stop watching. Monitor thread only. */
    private void unpin() {
        if (pinnedCpu >= 0) {
            pinnedCpu = -1;
            kernel.sentinels.affinity().release(tid);
        }
    }

    /** One detection tick at {@code now}. Returns when the next tick is due (at most {@code due}). */
    private long tick(long now, long due) {
        for (VirtualProcessor vp : kernel.processors) {
            Activation h = vp.holder;
            if (h == null) {
                continue;
            }
            int state = h.state();
            if (state != Activation.RUNNING || h.inKernelWork) {
                clear(h, vp, now);
                // No baseline across a bracketed call, or kernel work in a downcall: at the first
                // tick after it, that time would read as an unbracketed sleep begun before it, and
                // any short wait then (a lock, a safepoint) would be handed off at once.
                h.sampledCpu = -1;
                if (state == Activation.IN_KERNEL && vp.standby == null) {
                    // no standby could be armed: the monitor hands off itself
                    long deadline = h.kernelEnteredAt + blockedAfterNanos;
                    if (now - deadline >= 0) {
                        kernel.handOff(h, vp, Activation.IN_KERNEL, h.kernelThread);
                    } else {
                        due = Math.min(due, deadline);
                    }
                }
                continue;
            }
            int tenure = h.tenures; // racy but ordered after the holder read: see Activation.tenures
            if (tenure != h.sampledTenure) {
                // a new tenure: the baseline is from before this activation last lost a VP, and
                // the spell without one would read as a sleep (handed off at the first short wait)
                h.sampledTenure = tenure;
                h.sampledCpu = -1;
            }
            Object mounted = h.sampleMounted();
            long dispatches = h.sampleDispatches();
            long cpu = cpuTime(h);
            long elapsed = now - h.sampledAt;
            long prevCpu = h.sampledCpu;
            long prevDispatches = h.sampledDispatches;
            h.sampledAt = now;
            h.sampledCpu = cpu;
            h.sampledDispatches = dispatches;
            if (mounted == null || prevCpu < 0 || cpu < 0 || elapsed <= 0) {
                clear(h, vp, now); // idle in the scheduler, or no baseline yet
                continue;
            }
            long ran = cpu - prevCpu;
            if (h.suspectSince != 0) {
                if (dispatches != prevDispatches || ran * 10 > elapsed || !asleep(h)) {
                    clear(h, vp, now); // it ran, or it is runnable again
                    continue;
                }
                sleepSeenAt = now;
            } else {
                long offCpu = elapsed - ran;
                // off its CPU for half an interval (at the fast cadence: half the time since the
                // last tick) and asleep now: back to the fast cadence
                if (offCpu * 2 < Math.min(elapsed, intervalNanos) || !asleep(h)) {
                    h.progressSeenAt = now; // computing, or only waiting for a CPU
                    continue;
                }
                sleepSeenAt = now;
                due = Math.min(due, now + intervalNanos);
                if (offCpu * 2 < elapsed) {
                    // a slow tick: it ran for most of the long window and may have just begun a
                    // sleep; the next tick, one interval from now, has the baseline to judge it
                    h.progressSeenAt = now;
                    continue;
                }
                h.suspectSince = now - offCpu;
                h.progressSeenAt = h.suspectSince; // HandOffClock's unbracketed start
                vp.suspected = true;
                if (now - h.suspectSince < blockedAfterNanos) {
                    synchronized (kernel.lock) {
                        kernel.spares.arm(vp, h); // a spare is there when the decision comes
                    }
                    kernel.spares.startDeferred();
                }
            }
            long deadline = h.suspectSince + blockedAfterNanos;
            if (now - deadline >= 0) {
                h.suspectSince = 0;
                handOffIfStillAsleep(h, vp, mounted, dispatches);
                vp.suspected = false;
            } else {
                due = Math.min(due, deadline);
            }
        }
        return due;
    }

    /**
     * Hands off {@code vp} of carrier {@code h}, judged asleep in {@code mounted}'s call, unless it
     * woke meanwhile. If waiting for the kernel lock took longer than {@link #STALE_NANOS} (behind
     * a holder the OS descheduled, perhaps the very lock {@code h} waited for in a downcall), the
     * carrier may be running again by then: it is looked at again under the lock (its state and
     * {@code /proc}, ~5 µs, else not paid).
     */
    private void handOffIfStillAsleep(Activation h, VirtualProcessor vp, Object mounted, long dispatches) {
        long asked = System.nanoTime();
        synchronized (kernel.lock) {
            boolean stale = System.nanoTime() - asked > STALE_NANOS;
            if (h.sampleDispatches() == dispatches && !h.inKernelWork && (!stale || asleep(h))) {
                kernel.spares.handOff(h, vp, Activation.RUNNING, mounted, null);
            }
        }
        kernel.spares.startDeferred();
    }

    /** {@code h} shows no suspicious sleep at {@code now}. */
    private static void clear(Activation h, VirtualProcessor vp, long now) {
        h.suspectSince = 0;
        h.progressSeenAt = now;
        if (vp.suspected) {
            vp.suspected = false;
        }
    }

    /** After a pause or an idle spell: every suspicion and baseline is void. */
    private void forgetAll() {
        for (VirtualProcessor vp : kernel.processors) {
            Activation h = vp.holder;
            if (h != null) {
                h.suspectSince = 0;
                h.sampledCpu = -1;
            }
            vp.suspected = false;
        }
    }

    /**
     * Whether carrier {@code a} sleeps: Java thread state, else the OS state; never in kernel work.
     * The flag is read after the state: a carrier sets it before it can block on the kernel lock,
     * so a BLOCKED read here comes with the flag, even if the tick read it clear just before.
     */
    private static boolean asleep(Activation a) {
        Thread.State js = a.getState();
        if (a.inKernelWork) {
            return false;
        }
        if (js == Thread.State.BLOCKED || js == Thread.State.WAITING || js == Thread.State.TIMED_WAITING) {
            return true;
        }
        ProcStat.Reader r = a.procStat;
        return js == Thread.State.RUNNABLE && r != null && r.sleeping();
    }
}
