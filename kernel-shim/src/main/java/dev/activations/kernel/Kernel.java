package dev.activations.kernel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The kernel shim: owns {@code P} virtual processors, allocates them among the attached
 * {@link AddressSpace}s, runs upcalls on {@link Activation}s (carrier threads) and hands the
 * VP of a blocked activation to a fresh one. This class is the facade: the public API, the
 * lifecycle of an upcall, and the lock; each concern lives in a part of its own.
 *
 * <h2>Parts (read their overviews)</h2>
 * <ul>
 *   <li>{@link Planner}: allocation planning: targets from priorities, minimums, caps and
 *       shares ({@link ProcessorAllocator}), lending, time slicing, binding VPs to spaces.</li>
 *   <li>{@link Preemption}: taking a VP back: lending back, displacement (the owed space's
 *       carrier runs at once: before a lower space's, beside one of its own level), the
 *       cooperative race.</li>
 *   <li>{@link Spares}: carriers holding no VP (pools by nice value), the hand-off of a blocked
 *       carrier's VP, and standbys (a spare that is already there when a carrier blocks).</li>
 *   <li>{@link OsPriorities}: nice values that follow the allocation (Linux, native access).</li>
 *   <li>{@link Monitor}: the sampling thread: unbracketed blocking, slicing ticks, starts.</li>
 * </ul>
 *
 * <h2>Locking</h2>
 * All allocation state (VP ownership, the free list, the pools, each space's
 * {@code held}/{@code pending}/{@code lingering}, standbys) is guarded by one monitor,
 * {@link #lock}. Allocation decisions are rare next to user-level scheduling (the runtime calls
 * the kernel only when it runs out of work or has more work than processors), so one lock keeps
 * the protocol easy to check. The fast paths that must not take it are the safepoint poll (a
 * volatile read of {@link Activation#signal}) and the blocking bracket (one CAS each way, and one
 * volatile read while a standby is armed).
 *
 * <h2>Invariants (under the lock)</h2>
 * <ol>
 *   <li>Every VP is in exactly one of: the free list; held by one activation whose
 *       {@code processor} is that VP ({@code vp.holder == a && a.processor == vp}), in state
 *       RUNNING, IN_KERNEL or LINGERING.</li>
 *   <li>{@code space.held} = number of VPs with {@code owner == space}.</li>
 *   <li>An activation in a pool holds no VP and has no assignment; a STANDBY activation holds
 *       none and is its VP's {@code standby}.</li>
 *   <li>A BLOCKED or DISPLACED activation holds no VP, but may run user code until its next
 *       safepoint: a VP may have, besides its holder, any number of such former holders.
 *       DISPLACED ones run at a higher nice value than the VP's holder.</li>
 *   <li>Activations alive never exceed {@code maxActivations}; past it, hand-offs are
 *       refused and counted, never thrown into user code.</li>
 *   <li>{@code space.held <= space.allocation().maxProcessors()}: a VP is bound to a space only
 *       toward its target, and targets never exceed the cap (asserted in {@link Planner#bind}).</li>
 *   <li>The minimums of the attached spaces add up to at most {@code P} ({@link #attach}
 *       refuses the space that would break it), so all of them can be met at once.</li>
 * </ol>
 *
 * <h2>Lifecycle of one upcall ({@link #runActivation})</h2>
 * An activation takes an {@link Assignment}, runs {@code processorAdded} or
 * {@code activationBlocked} (or stands by: {@link Spares#watch}), and when that returns,
 * {@link #upcallReturned} decides under the lock what happened: the VP was revoked while the
 * carrier blocked (deliver {@code activationUnblocked}), the VP was given to a higher space while
 * it ran (displaced: deliver {@code processorPreempted}), the VP was preempted (free it, deliver
 * {@code processorPreempted}, reallocate), or it was given up in {@code processorIdle}. Upcalls
 * are always delivered outside the lock. A freed VP is preferably reassigned to the activation
 * that freed it, so reallocation usually costs no thread wake-up. Before each upcall the carrier
 * sets its own OS nice value to its space's ({@link OsPriorities#adjust}) and pins itself to its
 * VP's CPU when the kernel pins.
 *
 * <h2>Hand-off latency</h2>
 * {@link HandOffClock} times every hand-off from timestamps taken on the hand-off path only
 * ({@link Spares#handOff}, {@link #deliver}, the new activation's first dispatch); see
 * {@link #handOffStats()}.
 *
 * <h2>CPU pinning ({@code pinCarriers(true)}, Linux)</h2>
 * A carrier pins itself to its VP's CPU ({@link CpuAffinity#cpuFor}) in {@link #deliver},
 * before the upcall, unless it is pinned there already; a spare about to be woken for a VP is
 * pinned first ({@link Spares#pinBeforeWaking}); a carrier that loses its VP while it blocks or
 * is displaced is let loose on every CPU ({@link Spares#unpin}). Affinity is a hint: nothing
 * above depends on it.
 *
 * <h2>Rejected designs</h2>
 * A lock-free allocator (CAS on per-VP owner words) made the preempt/hand-off/linger races
 * hard to reason about for no measurable gain: the lock is taken per allocation event, not
 * per user-level context switch. The parts' overviews give theirs.
 */
public final class Kernel implements AutoCloseable {
    private static final AtomicInteger KERNELS = new AtomicInteger();

    private final String name;
    private final int processorCount;
    final int maxActivations;
    final long blockedAfterNanos;
    private final long monitorIntervalNanos;
    final long idleHysteresisNanos;
    final long keepAliveNanos;
    final boolean blockingDetection;
    private final boolean shared;
    /** Pins each VP's carrier to a CPU; null unless built with {@code pinCarriers(true)}. */
    final CpuAffinity affinity;
    /** OS nice values by level, or the cooperative fallback. */
    final OsPriorities os;

    /** The allocation lock. */
    final Object lock = new Object();
    final VirtualProcessor[] processors;
    final Planner planner;
    final Preemption preemption;
    final Spares spares;
    private volatile boolean closed;
    /** The monitor is parked without a deadline (nothing to watch): {@link #wakeMonitorIfSleeping}. */
    volatile boolean monitorSleeping;
    /**
     * The monitor thread, or null. Started with the kernel when it detects blocking or uses OS
     * priorities (then on the building thread, so that it runs at the base nice value and can
     * start carriers for any level); otherwise (under the lock) the first time time slicing is
     * needed. Volatile for the reads outside the lock.
     */
    private volatile Thread monitorThread;
    /** The monitor's runnable, set with {@link #monitorThread}: for sentinels' pokes. */
    private volatile Monitor monitor;
    /** Idle-CPU watchers that wake the monitor where a carrier's CPU went idle: {@link Sentinels}. */
    final Sentinels sentinels;
    /** The EEVDF slice the monitor asks Linux for, ns (0: Linux's default); see {@link OsPriorities#requestSlice}. */
    final long monitorSliceNanos;
    /** What became of it: written once by the monitor when it starts, read by {@link #osPriorities()}. */
    volatile String monitorSlice = "monitor slice: not set (no monitor yet)";
    /** Counted down once the monitor has written {@link #monitorSlice}. */
    final CountDownLatch monitorSliceSet = new CountDownLatch(1);
    /**
     * The EEVDF slice a carrier that displaces a holder runs with until it goes back to its pool,
     * ns ({@link Builder#displacementSlice}); 0 where it is not set (asked for none, OS priorities
     * off, or no custom slices here: {@link #displacementSlice} says why). See {@link OsPriorities}.
     */
    final long displacementSliceNanos;
    /** What {@link #osPriorities()} says of it. */
    private final String displacementSlice;

    final LongAdder processorAddedCount = new LongAdder();
    final LongAdder processorPreemptedCount = new LongAdder();
    final LongAdder activationBlockedCount = new LongAdder();
    final LongAdder activationUnblockedCount = new LongAdder();
    final LongAdder handOffCount = new LongAdder();
    final LongAdder standbyHandOffCount = new LongAdder();
    final LongAdder refusedHandOffCount = new LongAdder();
    final LongAdder preemptionCount = new LongAdder();
    final LongAdder displacementCount = new LongAdder();
    final LongAdder affinityFailureCount = new LongAdder();
    final LongAdder osPriorityFailureCount = new LongAdder();
    /** Hand-off latencies: see {@link HandOffClock}. */
    final HandOffClock handOffs = new HandOffClock();

    private Kernel(Builder b, boolean shared) {
        this.name = b.name != null ? b.name : "kernel-" + KERNELS.incrementAndGet();
        this.processorCount = b.processors;
        this.maxActivations = b.maxActivations > 0 ? b.maxActivations : b.processors + 256;
        if (maxActivations < processorCount) {
            throw new IllegalArgumentException("maxActivations must be >= processors (" + processorCount
                    + ") and <= " + Builder.MAX + ", was " + maxActivations);
        }
        this.blockedAfterNanos = b.blockedAfter.toNanos();
        this.monitorIntervalNanos = b.monitorInterval.toNanos();
        this.idleHysteresisNanos = b.idleHysteresis.toNanos();
        this.keepAliveNanos = b.keepAlive.toNanos();
        this.blockingDetection = b.blockingDetection;
        this.shared = shared;
        this.affinity = b.pinCarriers ? CpuAffinity.open() : null;
        this.os = OsPriorities.open(b.osPriorities);
        this.processors = new VirtualProcessor[processorCount];
        for (int i = 0; i < processorCount; i++) {
            processors[i] = new VirtualProcessor(this, i);
        }
        this.planner = new Planner(this, monitorIntervalNanos);
        this.preemption = new Preemption(this);
        this.spares = new Spares(this);
        this.monitorSliceNanos = b.monitorSlice.toNanos();
        this.sentinels = Sentinels.open(this, b.sentinels, blockingDetection);
        long asked = b.displacementSlice.toNanos();
        String why = asked == 0 ? "built with displacementSlice(0)"
                : !os.active() ? "no displacement" : OsPriorities.slicesUnavailable();
        this.displacementSliceNanos = why == null ? asked : 0;
        this.displacementSlice = "displacing carriers' slice" + (why == null ? " " + OsPriorities.describeSlice(asked)
                : ": Linux default (" + why + ")");
        if (blockingDetection || os.active()) {
            startMonitor();
            awaitMonitorSlice();
            sentinels.start();
        }
        KernelManagement.register(this);
        KernelEvents.kernelStarted(this);
    }

    /** Starts the monitor thread. In the constructor, or under the lock. */
    private void startMonitor() {
        Monitor mon = new Monitor(this, monitorIntervalNanos, blockedAfterNanos, blockingDetection);
        monitor = mon;
        Thread t = new Thread(mon, name + "-monitor");
        t.setDaemon(true);
        monitorThread = t;
        t.start();
    }

    /**
     * Waits (a thread start, well under a millisecond; at most 1 s on a starved machine) for the
     * monitor to say what became of its slice, so that {@link #osPriorities()} and the
     * {@code KernelStarted} event report it.
     */
    private void awaitMonitorSlice() {
        boolean interrupted = false;
        while (true) {
            try {
                monitorSliceSet.await(1, TimeUnit.SECONDS);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** A builder with the defaults documented on each setter. */
    public static Builder builder() {
        return new Builder();
    }

    /** The JVM-wide default kernel, built on first use with the builder's defaults. Cannot be closed. */
    public static Kernel shared() {
        return SharedHolder.KERNEL;
    }

    private static final class SharedHolder {
        static final Kernel KERNEL = new Kernel(new Builder().name("shared"), true);
    }

    // ------------------------------------------------------------------ public API

    /**
     * Attaches a new address space with priority {@code priority} and otherwise the
     * {@link Allocation#DEFAULT} allocation (no minimum, no cap, share 1).
     *
     * @param name     for diagnostics; not blank
     * @param priority 1 (lowest) to 10 (highest); higher-priority spaces get processors first
     * @param upcalls  the space's scheduler
     * @throws IllegalArgumentException if an argument is out of range, naming it
     * @throws IllegalStateException    if the kernel is closed
     */
    public AddressSpace attach(String name, int priority, Upcalls upcalls) {
        checkName(name);
        return attach(name, Allocation.ofPriority(priority), upcalls);
    }

    /**
     * Attaches a new address space that asks the allocator for {@code allocation}: its priority,
     * guaranteed minimum, cap and share (see {@link Allocation} for how they combine).
     *
     * @param name       for diagnostics; not blank
     * @param allocation what the space asks of the allocator
     * @param upcalls    the space's scheduler
     * @throws IllegalArgumentException if an argument is missing or out of range, naming it; in
     *     particular if {@code allocation}'s minimum is larger than the processors this kernel has
     *     not yet guaranteed to the spaces attached to it (the minimums must be able to hold all
     *     at once)
     * @throws IllegalStateException    if the kernel is closed
     */
    public AddressSpace attach(String name, Allocation allocation, Upcalls upcalls) {
        checkName(name);
        if (allocation == null) {
            throw new IllegalArgumentException("allocation must not be null: pass Allocation.DEFAULT or Allocation.ofPriority(p)");
        }
        if (upcalls == null) {
            throw new IllegalArgumentException("upcalls must not be null: pass the space's scheduler");
        }
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("kernel " + this.name + " is closed; build a new Kernel to attach \"" + name + "\"");
            }
            int guaranteed = 0;
            for (AddressSpace o : planner.spaces) {
                guaranteed += o.allocation().minProcessors();
            }
            int room = processorCount - guaranteed;
            if (allocation.minProcessors() > room) {
                throw new IllegalArgumentException("minProcessors must be at most " + room + " (kernel " + this.name + " has "
                        + processorCount + " processors, " + guaranteed + " already guaranteed to attached spaces), was "
                        + allocation.minProcessors());
            }
            AddressSpace s = new AddressSpace(this, name, allocation, upcalls);
            planner.attach(s);
            return s;
        }
    }

    private static void checkName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must be a non-blank string, was " + (name == null ? "null" : "\"" + name + "\""));
        }
    }

    public String name() {
        return name;
    }

    /** Number of virtual processors. */
    public int processors() {
        return processorCount;
    }

    public int maxActivations() {
        return maxActivations;
    }

    /** Whether the monitor hands off the VPs of blocked activations. */
    public boolean blockingDetection() {
        return blockingDetection;
    }

    /** Whether each VP's carrier is pinned to a CPU ({@link Builder#pinCarriers}). */
    public boolean pinsCarriers() {
        return affinity != null;
    }

    /**
     * The CPU VP {@code vp} is pinned to, from {@code 0}; -1 if this kernel does not pin.
     *
     * @throws IllegalArgumentException if vp is not between 0 and processors - 1
     */
    public int cpuOf(int vp) {
        if (vp < 0 || vp >= processorCount) {
            throw new IllegalArgumentException("vp must be between 0 and " + (processorCount - 1) + ", was " + vp);
        }
        return affinity == null ? -1 : affinity.cpuFor(vp);
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * How this kernel enforces priorities between its spaces: {@code "os priorities (nice 0 / 10 /
     * 19 by level)"} when the carriers of lower-priority spaces run at higher OS nice values, so
     * that a higher space gets a processor at once whatever the lower one is doing (Linux, with
     * {@code --enable-native-access}), or {@code "cooperative (why)"} when a higher space waits
     * for the lower holder's next safepoint; then the monitor's OS slice: {@code "; monitor slice
     * 100 µs"} when Linux gives it the short slice asked for ({@link Builder#monitorSlice}), else
     * {@code "; monitor slice: Linux default (why)"}; then that of a carrier that displaces a
     * holder ({@link Builder#displacementSlice}): {@code "; displacing carriers' slice 100 µs"}, or
     * {@code "; displacing carriers' slice: Linux default (why)"}; then the sentinels
     * ({@link Builder#sentinels}): {@code "; sentinels on 2 CPUs"} or {@code "; no sentinels (why)"}.
     */
    public String osPriorities() {
        return os.describe() + "; " + monitorSlice + "; " + displacementSlice + "; " + sentinels.describe();
    }

    /** A consistent snapshot of the counters. */
    public KernelStats stats() {
        synchronized (lock) {
            List<SpaceStats> ss = new ArrayList<>();
            for (AddressSpace s : planner.spaces) {
                ss.add(spaceStatsLocked(s));
            }
            return new KernelStats(processorCount, planner.busy, spares.alive.size(), spares.peak, spares.blockedNow,
                    processorAddedCount.sum(), processorPreemptedCount.sum(), activationBlockedCount.sum(),
                    activationUnblockedCount.sum(), handOffCount.sum(), standbyHandOffCount.sum(), refusedHandOffCount.sum(),
                    preemptionCount.sum(), displacementCount.sum(), affinityFailureCount.sum(),
                    osPriorityFailureCount.sum(), planner.slicing, List.copyOf(ss));
        }
    }

    /**
     * The hand-off latencies recorded since the kernel was built. Any thread, any time: it
     * waits only for recordings in flight ({@code LatencyRecorder}); {@link HandOffStats#minus}
     * gives those of an interval.
     */
    public HandOffStats handOffStats() {
        return handOffs.snapshot();
    }

    /**
     * Stops the kernel: every activation is told to give its VP back at its next safepoint,
     * spares, standbys and lingering activations wake and retire, blocked ones are interrupted
     * after a grace period; each attached space then gets {@link Upcalls#kernelClosed}. Returns
     * when no carrier, monitor or sentinel thread of this kernel is alive.
     *
     * @throws IllegalStateException if some carrier did not stop within 10 s (a user thread
     *     that never reaches a safepoint, or a blocking call that ignores interrupts); the
     *     message names them. They are daemon threads and do not keep the JVM alive.
     * @throws UnsupportedOperationException on {@link #shared()}
     */
    @Override
    public void close() {
        if (shared) {
            throw new UnsupportedOperationException("Kernel.shared() lives as long as the JVM and cannot be closed; build your own Kernel to control its lifetime");
        }
        List<Activation> toJoin;
        List<AddressSpace> attached;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            for (Activation a : spares.alive) {
                a.signal |= Activation.PREEMPT;
                if (a.state() == Activation.LINGERING) {
                    a.lingerOutcome = Planner.LINGER_TAKEN;
                }
                LockSupport.unpark(a);
            }
            toJoin = new ArrayList<>(spares.alive);
            attached = new ArrayList<>(planner.spaces);
        }
        KernelManagement.unregister(this);
        boolean allStarted = spares.awaitDeferredStarts(); // carriers asked for before closed was set: start, see closed, retire
        Thread monitor = monitorThread; // no new one starts once closed is set
        if (monitor != null) {
            LockSupport.unpark(monitor);
            joinQuietly(monitor, 2_000);
        }
        spares.startPending(); // carriers left for the monitor to start: they start, see closed, retire
        sentinels.stop(2_000);
        long deadline = System.nanoTime() + 2_000_000_000L;
        for (Activation a : toJoin) {
            joinQuietly(a, Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        }
        for (Activation a : toJoin) {
            if (a.isAlive()) {
                a.interrupt(); // still in a blocking call or never reached a safepoint
            }
        }
        deadline = System.nanoTime() + 8_000_000_000L;
        List<String> stuck = new ArrayList<>();
        if (!allStarted) {
            stuck.add("a carrier asked for before close that its thread did not start (a kernel bug)");
        }
        for (Activation a : toJoin) {
            joinQuietly(a, Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            if (a.isAlive()) {
                stuck.add(a.toString());
            }
        }
        if (sentinels.alive() > 0) {
            stuck.add(sentinels.alive() + " sentinel thread(s) (a kernel bug)");
        }
        for (AddressSpace s : attached) {
            try {
                s.upcalls().kernelClosed();
            } catch (RuntimeException | Error e) {
                s.upcallFailures.increment();
            }
        }
        if (!stuck.isEmpty()) {
            throw new IllegalStateException("kernel " + name + " closed, but " + stuck.size()
                    + " carrier(s) did not stop within 10 s (a user thread that never reaches a safepoint, "
                    + "or a blocking call that ignores interrupts): " + stuck);
        }
    }

    @Override
    public String toString() {
        return "Kernel[" + name + ", " + processorCount + " processors, " + os.describe() + "]";
    }

    // ------------------------------------------------------------------ downcalls (AddressSpace)

    void requestProcessors(AddressSpace s, int n) {
        Activation me = beginKernelWork();
        try {
            synchronized (lock) {
                planner.requestProcessors(s, n);
            }
            spares.startDeferred();
        } finally {
            endKernelWork(me);
        }
    }

    boolean processorIdle(AddressSpace s, VirtualProcessor vp) {
        try {
            return planner.processorIdle(s, vp, Activation.current());
        } finally {
            spares.startDeferred(); // it asks for carriers only on its way out, never before lingering
        }
    }

    void preemptOwn(AddressSpace s, VirtualProcessor vp) {
        Activation me = beginKernelWork();
        try {
            synchronized (lock) {
                preemption.preemptOwn(s, vp);
            }
        } finally {
            endKernelWork(me);
        }
    }

    void detach(AddressSpace s) {
        synchronized (lock) {
            planner.detach(s);
        }
        spares.startDeferred();
    }

    int heldBy(AddressSpace s) {
        Activation me = beginKernelWork();
        try {
            synchronized (lock) {
                return s.held;
            }
        } finally {
            endKernelWork(me);
        }
    }

    /**
     * Flags the calling carrier, if any, as doing kernel work ({@link Activation#inKernelWork})
     * for a downcall a user thread may make; returns it for {@link #endKernelWork}.
     */
    static Activation beginKernelWork() {
        Activation me = Activation.current();
        if (me != null) {
            me.inKernelWork = true;
        }
        return me;
    }

    static void endKernelWork(Activation me) {
        if (me != null) {
            me.inKernelWork = false;
        }
    }

    SpaceStats spaceStats(AddressSpace s) {
        synchronized (lock) {
            return spaceStatsLocked(s);
        }
    }

    private SpaceStats spaceStatsLocked(AddressSpace s) {
        Allocation al = s.allocation();
        return new SpaceStats(s.name(), al.priority(), al.minProcessors(), Math.min(al.maxProcessors(), processorCount),
                al.share(), s.held, s.pending, s.processorNanos(System.nanoTime()), s.added.sum(), s.preempted.sum(),
                s.blocked.sum(), s.unblocked.sum(), s.requests.sum(), s.upcallFailures.sum());
    }

    long processorNanos(AddressSpace s) {
        synchronized (lock) {
            return s.processorNanos(System.nanoTime());
        }
    }

    // ------------------------------------------------------------------ activations

    /** The body of every carrier thread. Runs on that carrier. */
    void runActivation(Activation a) {
        Assignment next = a.takeAssignment();
        while (next != null) {
            if (next.watch()) {
                if (affinity != null) {
                    pin(a, next.vp());
                }
                next = spares.watch(a, next.vp());
            } else {
                Object stopped = deliver(a, next);
                if (a.handOffPending) {
                    handOffs.notRun(a); // the upcall returned before running any thread
                }
                next = upcallReturned(a, stopped);
            }
            if (next == null) {
                if (a.shortSlice) { // it displaced a holder: Linux's default slice again in the pool
                    a.shortSlice = false;
                    OsPriorities.setSlice(0, 0);
                }
                next = spares.awaitAssignment(a);
            }
        }
    }

    private Object deliver(Activation a, Assignment as) {
        AddressSpace s = as.space();
        if (affinity != null) {
            pin(a, as.vp());
        }
        if (!os.adjust(a, s.nice)) {
            osPriorityFailureCount.increment(); // lowering a nice value needs privilege: runs at a lower priority
        }
        try {
            if (as.blocked() == null) {
                processorAddedCount.increment();
                s.added.increment();
                KernelEvents.processorAdded(this, s, as.vp());
                return s.upcalls().processorAdded(as.vp());
            }
            if (a.handOffPending) {
                handOffs.upcallStarted(a);
            }
            activationBlockedCount.increment();
            s.blocked.increment();
            KernelEvents.activationBlocked(this, s, as.vp(), as.blocked(), as.blockedThread(), a.handOffBracketed,
                    a.handOffAt - a.handOffSince);
            return s.upcalls().activationBlocked(as.vp(), as.blocked(), as.blockedThread());
        } catch (RuntimeException | Error e) {
            s.upcallFailures.increment();
            reportUpcallFailure(s, e);
            return null;
        }
    }

    /** Runs on carrier {@code a}: pins it to {@code vp}'s CPU unless it is there already. */
    private void pin(Activation a, VirtualProcessor vp) {
        int cpu = affinity.cpuFor(vp.id());
        if (a.pinnedCpu != cpu) {
            a.pinnedCpu = cpu;
            if (!affinity.pinCurrent(cpu)) {
                a.pinnedCpu = -1;
                affinityFailureCount.increment();
            }
        }
    }

    private static void reportUpcallFailure(AddressSpace s, Throwable e) {
        Thread t = Thread.currentThread();
        System.err.println("activations: upcall of space \"" + s.name() + "\" threw on " + t.getName() + " (scheduler bug; carrier kept):");
        e.printStackTrace();
    }

    /** Runs on carrier {@code a} after its upcall returned. Returns its next assignment, or null. */
    private Assignment upcallReturned(Activation a, Object stopped) {
        AddressSpace unblockedSpace = null;
        Object unblockedThread = null;
        AddressSpace preemptedSpace = null;
        VirtualProcessor preemptedVp = null;
        boolean lostWhileRunning = false;
        Assignment next;
        synchronized (lock) {
            int state = a.state();
            if (state == Activation.BLOCKED) {
                unblockedSpace = a.space;
                unblockedThread = stopped; // null: the thread left the carrier by itself (ended or parked)
                KernelEvents.activationUnblocked(this, a.space, a.blockedThread, a.blockedAt);
                a.space = null;
                a.blockedThread = null;
                spares.blockedNow--;
                lostWhileRunning = true;
                next = null;
            } else if (state == Activation.DISPLACED) {
                preemptedSpace = a.space;
                preemptedVp = a.displacedFrom; // kept until the state leaves DISPLACED, below
                preemptedSpace.displaced.remove(a); // at its safepoint: no longer waiting to be reinstated
                a.space = null;
                lostWhileRunning = true;
                next = null;
            } else if (a.assignment != null) {
                next = a.takeAssignment(); // a lingering VP was moved to another space with this carrier
            } else if (a.processor != null) {
                VirtualProcessor vp = a.processor;
                AddressSpace s = a.space;
                boolean preempted = vp.preemptPending || stopped != null;
                boolean keep = (vp.selfPreempt || vp.withdrawn) && !closed && !s.detached;
                planner.releaseProcessor(a);
                if (preempted) {
                    preemptedSpace = s;
                    preemptedVp = vp;
                }
                if (keep) {
                    planner.free.remove(vp);
                    next = planner.bind(a, vp, s);
                } else {
                    a.setState(Activation.SPARE);
                    next = planner.rebalance(a);
                }
            } else {
                next = planner.rebalance(a);
            }
        }
        spares.startDeferred();
        if (preemptedSpace != null) {
            processorPreemptedCount.increment();
            preemptedSpace.preempted.increment();
            KernelEvents.processorPreempted(this, preemptedSpace, preemptedVp, stopped);
            try {
                preemptedSpace.upcalls().processorPreempted(preemptedVp, stopped);
            } catch (RuntimeException | Error e) {
                preemptedSpace.upcallFailures.increment();
                reportUpcallFailure(preemptedSpace, e);
            }
        }
        if (unblockedSpace != null) {
            activationUnblockedCount.increment();
            unblockedSpace.unblocked.increment();
            try {
                unblockedSpace.upcalls().activationUnblocked(a, unblockedThread);
            } catch (RuntimeException | Error e) {
                unblockedSpace.upcallFailures.increment();
                reportUpcallFailure(unblockedSpace, e);
            }
        }
        if (lostWhileRunning) {
            synchronized (lock) {
                a.displacedFrom = null;
                a.setState(Activation.SPARE);
                next = planner.rebalance(a);
            }
            spares.startDeferred();
        }
        return next;
    }

    /**
     * Monitor (or a test): {@code a} looks blocked while holding {@code vp} in state
     * {@code expected}; hand {@code vp} off ({@link Spares#handOff}). Takes the lock.
     */
    void handOff(Activation a, VirtualProcessor vp, int expected, Object thread) {
        synchronized (lock) {
            spares.handOff(a, vp, expected, thread, null);
        }
        spares.startDeferred();
    }

    // ------------------------------------------------------------------ monitor

    /** Wakes the monitor if it parked with nothing to watch. Caller holds the lock (after busy changed). */
    void wakeMonitorIfSleeping() {
        Thread m = monitorThread;
        if (monitorSleeping && m != null) {
            LockSupport.unpark(m);
        }
    }

    /**
     * The monitor has work (slicing started, or a carrier to start): starts it if it does not
     * run, else unparks it (a permit left for it makes its next park return at once). Caller
     * holds the lock.
     */
    void monitorNeeded() {
        if (closed) {
            return;
        }
        Thread m = monitorThread;
        if (m == null) {
            startMonitor();
        } else {
            LockSupport.unpark(m);
        }
    }

    /** A sentinel on {@code cpu} saw a VP holder stand still: see {@link Monitor#poke}. */
    void pokeMonitor(int cpu) {
        Monitor m = monitor;
        if (m != null) {
            m.poke(cpu);
        }
    }

    int busyProcessors() {
        return planner.busy;
    }

    VirtualProcessor[] processorsArray() {
        return processors;
    }

    /** The time-slicing quantum, ns of VP time. */
    long quantumNanos() {
        return planner.quantumNanos;
    }

    // ------------------------------------------------------------------ read-only views for stress-tests
    // The jcstress suite (same package) checks the invariants above under the lock. Copies only.

    Object allocationLock() {
        return lock;
    }

    /** Caller holds the lock. */
    List<VirtualProcessor> freeSnapshot() {
        assert Thread.holdsLock(lock);
        return new ArrayList<>(planner.free);
    }

    /** Caller holds the lock. */
    List<Activation> sparesSnapshot() {
        assert Thread.holdsLock(lock);
        return spares.pooled();
    }

    /** Caller holds the lock. */
    List<Activation> aliveSnapshot() {
        assert Thread.holdsLock(lock);
        return new ArrayList<>(spares.alive);
    }

    /** Caller holds the lock. */
    List<AddressSpace> spacesSnapshot() {
        assert Thread.holdsLock(lock);
        return new ArrayList<>(planner.spaces);
    }

    private static void joinQuietly(Thread t, long millis) {
        try {
            t.join(Math.max(1, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ builder

    /** Builds a {@link Kernel}. Every setter rejects out-of-range values at once. */
    public static final class Builder {
        static final int MAX = 32_767;
        private int processors = Runtime.getRuntime().availableProcessors();
        private int maxActivations = -1;
        private Duration blockedAfter = Duration.ofNanos(100_000);
        private Duration monitorInterval = Duration.ofNanos(100_000);
        private Duration monitorSlice = Duration.ofNanos(OsPriorities.MIN_SLICE_NANOS);
        private Duration displacementSlice = Duration.ofNanos(OsPriorities.MIN_SLICE_NANOS);
        private Duration idleHysteresis = Duration.ofMillis(2);
        private Duration keepAlive = Duration.ofSeconds(30);
        private boolean blockingDetection = true;
        private boolean pinCarriers;
        private boolean osPriorities = true;
        private boolean sentinels = true;
        private String name;

        private Builder() {
        }

        /** Number of virtual processors, 1 to 32767. Default: available processors. */
        public Builder processors(int n) {
            if (n < 1 || n > MAX) {
                throw new IllegalArgumentException("processors must be between 1 and " + MAX + ", was " + n);
            }
            this.processors = n;
            return this;
        }

        /**
         * Most carrier threads alive at once (running, spare and blocked), from
         * {@code processors} to 32767. Default: processors + 256.
         */
        public Builder maxActivations(int n) {
            if (n < 1 || n > MAX) {
                throw new IllegalArgumentException("maxActivations must be between processors and " + MAX + ", was " + n);
            }
            this.maxActivations = n;
            return this;
        }

        /**
         * How long a carrier blocked in a call may keep its VP before the VP is handed to another
         * carrier; > 0. Default 100 us. A bracketed call ({@code enterKernel}) is handed off this
         * long after it began, by a standby spare already running beside it (no OS wake-up); an
         * unbracketed one once the monitor has seen its carrier asleep, off its CPU, for this long
         * (the monitor notices within one {@link #monitorInterval}). Shorter wastes less processor
         * time per blocking call, at the price of a hand-off (the caller re-queued when its call
         * returns) for calls that block only a little longer than this. Go's sysmon takes a P back
         * from a syscall after 20 us to 10 ms.
         */
        public Builder blockedAfter(Duration d) {
            this.blockedAfter = positive("blockedAfter", d);
            return this;
        }

        /**
         * How often the monitor samples the carriers running user code for unbracketed blocking
         * (their CPU time, and their OS state when it stood still); > 0. Default 100 us. The
         * monitor ticks only while some VP is allocated, and each tick costs about 10 us of CPU
         * (mostly the wake-up), so after 1 000 intervals without a carrier found asleep it backs off
         * to at most 10 intervals between ticks, and returns to this one at the first sleep it
         * sees. Time slicing between spaces whose shares give
         * fractional portions ({@link Allocation}) ticks every {@code max(1 ms, monitorInterval)};
         * its quantum is {@code max(5 ms, 2 x monitorInterval)} of VP time.
         */
        public Builder monitorInterval(Duration d) {
            this.monitorInterval = positive("monitorInterval", d);
            return this;
        }

        /**
         * The OS time slice the monitor asks Linux for: 100 us to 100 ms, or zero to leave Linux's
         * default (0.75 ms x (1 + log2 CPUs), at most 3 ms: 1.4 ms on 2 CPUs). Default 100 us. A shorter slice lets the monitor preempt a
         * CPU-bound carrier when it wakes for a tick instead of waiting behind it, so blocked
         * carriers are seen sooner on a busy machine. Linux 6.12 and later, unprivileged, through
         * the FFM API ({@code --enable-native-access}); elsewhere it is not set, nothing is
         * printed, and {@link Kernel#osPriorities()} says so.
         */
        public Builder monitorSlice(Duration d) {
            this.monitorSlice = slice("monitorSlice", d);
            return this;
        }

        /**
         * The OS time slice a carrier asks Linux for when it takes a processor from a running
         * holder of a space at the same or a lower priority (displacement, {@link #osPriorities}),
         * kept until it goes back to its pool: 100 us to 100 ms, or zero for Linux's default.
         * Default 100 us. Within one priority level the two carriers have one nice value, and with
         * Linux's default slice the displaced holder kept its CPU for the rest of its own slice
         * (up to 1.4 ms on 2 CPUs); a shorter slice than the holder's lets Linux run the new carrier
         * at once. Linux 6.12 and later, unprivileged, through the FFM API; elsewhere it is not
         * set, nothing is printed, and {@link Kernel#osPriorities()} says so.
         */
        public Builder displacementSlice(Duration d) {
            this.displacementSlice = slice("displacementSlice", d);
            return this;
        }

        private static Duration slice(String name, Duration d) {
            if (d == null || d.isNegative() || (!d.isZero() && (d.toNanos() < OsPriorities.MIN_SLICE_NANOS
                    || d.compareTo(Duration.ofNanos(OsPriorities.MAX_SLICE_NANOS)) > 0))) {
                throw new IllegalArgumentException(name + " must be zero (Linux's default) or between 100 us and 100 ms, was " + d);
            }
            return d;
        }

        /** How long an idle VP stays with its space before it is freed; > 0. Default 2 ms. */
        public Builder idleHysteresis(Duration d) {
            this.idleHysteresis = positive("idleHysteresis", d);
            return this;
        }

        /** How long a spare activation waits for work before its thread exits; > 0. Default 30 s. */
        public Builder keepAlive(Duration d) {
            this.keepAlive = positive("keepAlive", d);
            return this;
        }

        /**
         * Whether the monitor detects blocked activations and hands their VP off (default true).
         * Off, a blocked carrier keeps its VP: plain user-level threads on carriers.
         */
        public Builder blockingDetection(boolean on) {
            this.blockingDetection = on;
            return this;
        }

        /**
         * Whether each VP's carrier is pinned to a CPU (default false). On, VP {@code i} runs on
         * the {@code i}-th CPU the process may use (wrapping around when there are more VPs than
         * CPUs): a carrier pins itself when it is given a VP, and a carrier whose VP is handed off
         * while it blocks is let loose on every CPU again. Without pinning Linux may queue a VP's
         * carrier behind another thread on one core while the other core idles (measured in
         * BlockingMix: see the README). Linux only, through the FFM API: start java with
         * {@code --enable-native-access=dev.activations.kernel} ({@code ALL-UNNAMED} on the class
         * path). Pinning suits a kernel that owns the machine's processors; two pinning kernels in
         * one JVM share the same CPUs.
         */
        public Builder pinCarriers(boolean on) {
            this.pinCarriers = on;
            return this;
        }

        /**
         * Whether the carriers of lower-priority spaces run at higher OS nice values (default
         * true), so that when a higher space is owed a processor the OS runs its carrier at once,
         * whatever instruction the lower one is at (see {@link Kernel#osPriorities()}). Linux only,
         * through the FFM API: start java with {@code --enable-native-access=dev.activations.kernel}
         * ({@code ALL-UNNAMED} on the class path). Without those, or off, a higher space waits for
         * the lower holder's next safepoint (cooperative preemption); nothing is printed, and
         * {@link Kernel#osPriorities()} says which.
         */
        public Builder osPriorities(boolean on) {
            this.osPriorities = on;
            return this;
        }

        /**
         * Whether the kernel runs a sentinel on each CPU its VPs may use (as many as there are
         * VPs, at most; default true): a thread at nice 19 pinned there, which Linux runs when
         * that CPU has nothing else to run. When a carrier blocks in a call nobody bracketed, the
         * sentinel on the CPU it left idle sees it at once and wakes the monitor there, instead of
         * the monitor's next timer tick (see {@link Kernel#osPriorities()}). Sentinels watch only
         * while carriers have recently been seen asleep in such calls and other processes leave
         * the machine mostly idle; otherwise they park. Watching, they keep idle CPUs busy: power,
         * and a few percent of a pinning workload's throughput (4 % in the Promises benchmark,
         * for half its hand-off p99). Needs Linux, blocking
         * detection and native access ({@code --enable-native-access=dev.activations.kernel},
         * {@code ALL-UNNAMED} on the class path); without them there are none and nothing is printed.
         */
        public Builder sentinels(boolean on) {
            this.sentinels = on;
            return this;
        }

        /** Name used for carrier threads and diagnostics; not blank. */
        public Builder name(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name must be a non-blank string, was " + (name == null ? "null" : "\"" + name + "\""));
            }
            this.name = name;
            return this;
        }

        /**
         * Builds the kernel and starts its monitor (carriers start on demand).
         *
         * @throws IllegalArgumentException if maxActivations is below processors
         * @throws IllegalStateException with {@code pinCarriers(true)}, if native access is not enabled
         * @throws UnsupportedOperationException with {@code pinCarriers(true)}, not on Linux
         */
        public Kernel build() {
            return new Kernel(this, false);
        }

        private static Duration positive(String what, Duration d) {
            if (d == null || d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(what + " must be a positive duration (> 0), was " + d);
            }
            if (d.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException(what + " must be at most 1 day, was " + d);
            }
            return d;
        }
    }
}
