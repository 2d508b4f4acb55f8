package dev.activations.kernel;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The kernel shim: owns {@code P} virtual processors, allocates them among the attached
 * {@link AddressSpace}s, runs upcalls on {@link Activation}s (carrier threads) and hands the
 * VP of a blocked activation to a fresh one.
 *
 * <h2>Implementation overview</h2>
 * All allocation state (VP ownership, the free list, the spare pool, each space's
 * {@code held}/{@code pending}/{@code lingering}) is guarded by one monitor, {@link #lock}.
 * Allocation decisions are rare next to user-level scheduling (the runtime calls the kernel
 * only when it runs out of work or has more work than processors), so one lock keeps the
 * protocol easy to check. The fast paths that must not take it are the safepoint poll (a
 * volatile read of {@link Activation#signal}) and the blocking bracket (one CAS each way).
 *
 * <h2>Invariants (under the lock)</h2>
 * <ol>
 *   <li>Every VP is in exactly one of: the free list; held by one activation whose
 *       {@code processor} is that VP ({@code vp.holder == a && a.processor == vp}).</li>
 *   <li>{@code space.held} = number of VPs with {@code owner == space}.</li>
 *   <li>An activation in the spare pool holds no VP and has no assignment.</li>
 *   <li>Activations alive never exceed {@code maxActivations}; past it, hand-offs are
 *       refused and counted, never thrown into user code.</li>
 *   <li>{@code space.held <= space.allocation().maxProcessors()}: a VP is bound to a space only
 *       toward its target, and targets never exceed the cap (asserted in {@link #bind}).</li>
 *   <li>The minimums of the attached spaces add up to at most {@code P} ({@link #attach}
 *       refuses the space that would break it), so all of them can be met at once.</li>
 * </ol>
 *
 * <h2>Lifecycle of one upcall ({@link #runActivation})</h2>
 * An activation takes an {@link Assignment}, runs {@code processorAdded} or
 * {@code activationBlocked}, and when that returns, {@link #upcallReturned} decides under the
 * lock what happened: the VP was revoked while the carrier blocked (deliver
 * {@code activationUnblocked}), the VP was preempted (free it, deliver
 * {@code processorPreempted}, reallocate), or it was given up in {@code processorIdle}.
 * Upcalls are always delivered outside the lock. A freed VP is preferably reassigned to the
 * activation that freed it, so reallocation usually costs no thread wake-up.
 *
 * <h2>Processor allocation ({@link #rebalance})</h2>
 * Targets come from {@link ProcessorAllocator}, from each space's {@link Allocation}: minimums
 * first, then strict priority, shares (weights) within a level, caps always; with the default
 * allocation that is an even split within the highest priority level that wants processors,
 * leftovers down. A space below target that has requested processors gets free VPs first,
 * then lingering (idle) VPs of spaces above target, and only then are running VPs of spaces
 * above target preempted: the kernel sets PREEMPT in the holder's signal word, the user thread
 * honours it at its next safepoint, and the VP comes back through {@link #upcallReturned}.
 * Preemption is a race: for {@code n} VPs owed, {@code preemptsInFlight} counts {@code n} but
 * every running VP of the victim is flagged, and once {@code n} have come back the others'
 * flags are taken back ({@link #cancelRacingPreemptions}). The owed space then waits for the
 * victim's nearest safepoint, not an arbitrary one's, and a carrier the OS keeps off its CPU
 * (a loaded machine) does not hold it up. A flag taken back too late costs one extra upcall:
 * the VP comes back and is given straight back to its space.
 * An idle VP lingers with its space for {@code idleHysteresis}, so a space that goes idle for a
 * moment does not lose its processors, unless another space wants one: a lingering VP is not
 * part of its space's demand, so a space that has requested processors takes it at once (its
 * carrier runs the other space's {@code processorAdded}), and the first space gets it back, when
 * it has work again, by the ordinary preemption, at the borrower's next safepoint (a task
 * boundary, an unmount or a checkpoint). Processors are thus never left idle while some space
 * has asked for one; the price is that a latency-sensitive space beside a busy one waits up to
 * one safepoint interval of the other's code for a processor, where it would otherwise keep an
 * idle one for itself.
 *
 * <h2>Time slicing (shares that do not divide the processors)</h2>
 * Shares 3:1 on 2 processors give portions of 1.5 and 0.5 VPs: no static split honours them,
 * so processors rotate. The allocator computes each space's exact portion and rounds it down or
 * up; which of the spaces with a fractional portion ("sliced") get the rounded-up VPs depends on
 * their <em>lag</em>, the VP time each is behind its portion. The kernel keeps that account
 * under the lock, in {@link #targets}, the one place every allocation decision goes through:
 * <ol>
 *   <li>Each space's held VP time is exact: {@link AddressSpace#heldChanging} folds
 *       {@code held * elapsed} into {@code heldNanos} just before every change of {@code held}
 *       ({@link #bind}, {@link #releaseProcessor}). That is also {@link AddressSpace#processorNanos}.</li>
 *   <li>Before every plan, {@link #accrueLags} adds to each sliced space's lag the time its
 *       last portion gave it ({@code elapsed * entitled / shareParts}) and subtracts the VP time
 *       it held meanwhile. A space whose portion is whole lets its lag fade (time constant
 *       {@link #LAG_FADE_QUANTA} quanta), so a moment out of the rotation (its demand dips while
 *       a preempted thread is re-queued) does not wipe its account, but old history does not
 *       last. Lags stay within {@link #LAG_BOUND_QUANTA} quanta (200 ms at the default
 *       quantum) either way: wide enough that the OS keeping a carrier from its safepoint for
 *       tens of milliseconds (a loaded machine) is repaid in full, yet a space whose threads
 *       ignore preemption for seconds does not leave the others a debt that would later
 *       starve it for as long.</li>
 *   <li>The plan gives the rounded-up VPs to the sliced spaces furthest behind, with a
 *       quantum of hysteresis for the current holder: the VP moves only when another space is
 *       a quantum further behind. The move is an ordinary reclaim: lingering VP first, else
 *       PREEMPT in the holder's signal word, honoured at its next safepoint; the freed VP goes
 *       to the space now owed it by the same targets. Meanwhile the holder keeps falling
 *       behind less than the other, so the decision does not flip while the preemption is in
 *       flight.</li>
 *   <li>While any space is sliced ({@link #slicing}) the monitor calls {@link #sliceTick} every
 *       {@code monitorInterval}, which re-plans and reclaims. A kernel built without blocking
 *       detection starts its monitor for this the first time it is needed.</li>
 * </ol>
 * The quantum is {@code max(5 ms, 2 x monitorInterval)} of VP time. Two spaces at 1.5 and 0.5
 * then trade a VP about every 2 quanta; over a second each gets its portion to within a few
 * quanta of VP time (plus the time its threads take to reach a safepoint). Nothing is sliced,
 * and no tick takes the lock, when every portion is whole: one space, equal shares on an even
 * split, or spaces that want fewer processors than their portion.
 *
 * <h2>Hand-off latency</h2>
 * {@link HandOffClock} times every hand-off from timestamps taken on the hand-off path only
 * ({@link #handOff}, {@link #deliver}, the new activation's first dispatch); see
 * {@link #handOffStats()}.
 *
 * <h2>CPU pinning ({@code pinCarriers(true)}, Linux)</h2>
 * A carrier pins itself to its VP's CPU ({@link CpuAffinity#cpuFor}) in {@link #deliver},
 * before the upcall, unless it is pinned there already. A parked spare about to be woken for a
 * VP is pinned to that VP's CPU first ({@link #pinBeforeWaking}), so the OS wakes it where the
 * processor is free rather than behind another carrier on its old CPU. {@link #handOff} lets the blocked
 * carrier loose on every CPU, so when its call returns it runs wherever a core is free instead
 * of competing with the VP's new carrier. Affinity is a hint: nothing above depends on it.
 *
 * <h2>Rejected designs</h2>
 * A lock-free allocator (CAS on per-VP owner words) made the preempt/hand-off/linger races
 * hard to reason about for no measurable gain: the lock is taken per allocation event, not
 * per user-level context switch. Interrupting carriers to preempt was rejected: HotSpot cannot
 * preempt a mounted continuation, and an interrupt would leak into user code. For shares:
 * sampling {@code held} on the monitor's ticks to account VP time (the count changes between
 * ticks, and the error grows with the interval: the account is exact at no extra cost when it
 * is folded in where {@code held} changes); per-VP stride scheduling with a pass value per
 * space (it would rotate every VP, also the ones a static split already gets right, and
 * ignores minimums and caps: only the fractional remainder needs to move); carrying lags
 * unbounded (a space whose threads missed their safepoints for a while would later take
 * processors for as long).
 */
public final class Kernel implements AutoCloseable {
    private static final AtomicInteger KERNELS = new AtomicInteger();

    private final String name;
    private final int processorCount;
    private final int maxActivations;
    private final long blockedAfterNanos;
    private final long monitorIntervalNanos;
    private final long idleHysteresisNanos;
    private final long keepAliveNanos;
    private final boolean blockingDetection;
    private final boolean shared;
    /** Pins each VP's carrier to a CPU; null unless built with {@code pinCarriers(true)}. */
    private final CpuAffinity affinity;

    /** The allocation lock. */
    private final Object lock = new Object();
    private final VirtualProcessor[] processors;
    /** lock */
    private final ArrayDeque<VirtualProcessor> free = new ArrayDeque<>();
    /** lock */
    private final List<AddressSpace> spaces = new ArrayList<>();
    /** lock: parked activations holding nothing, most recently used first. */
    private final ArrayDeque<Activation> spares = new ArrayDeque<>();
    /** lock: every activation not yet retired. */
    private final Set<Activation> alive = new LinkedHashSet<>();
    /** lock */
    private int activationSerial;
    /** lock */
    private int peakActivations;
    /** lock */
    private int blockedNow;
    private volatile int busy;
    private volatile boolean closed;
    volatile boolean monitorSleeping;
    /**
     * The monitor is in a long sleep (no bracketed call in progress at its last tick): the next
     * {@link Activation#enterKernel} wakes it, so that call is checked on fast ticks from its
     * start. Dekker pair: the monitor writes this, then re-reads the VP holders' states;
     * enterKernel CASes its state, then reads this.
     */
    volatile boolean monitorSlow;
    /**
     * The monitor thread, or null. Built with {@code blockingDetection(true)} it starts with the
     * kernel; otherwise it is started (under the lock) the first time time slicing is needed,
     * and then only ticks while it is. Written under the lock; volatile for the reads outside it.
     */
    private volatile Thread monitorThread;

    // --- time slicing (see the overview); all under the lock except `slicing` ---
    /** Hysteresis of a rotating VP: how much further behind another space must be before it moves (ns of VP time). */
    private final long quantumNanos;
    /** lock: denominator of every space's {@code entitled} portion at the last plan. */
    private long shareParts = 1;
    /** lock: System.nanoTime() of the last accrual of lags. */
    private long accruedAt = System.nanoTime();
    /**
     * Some space's portion is fractional: the monitor re-plans on every tick. Written under the
     * lock by {@link #targets}; read by the monitor without it (a stale read costs one tick).
     */
    volatile boolean slicing;

    private final LongAdder processorAddedCount = new LongAdder();
    private final LongAdder processorPreemptedCount = new LongAdder();
    private final LongAdder activationBlockedCount = new LongAdder();
    private final LongAdder activationUnblockedCount = new LongAdder();
    private final LongAdder handOffCount = new LongAdder();
    private final LongAdder refusedHandOffCount = new LongAdder();
    private final LongAdder preemptionCount = new LongAdder();
    private final LongAdder affinityFailureCount = new LongAdder();
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
        this.quantumNanos = Math.max(MIN_QUANTUM_NANOS, 2 * monitorIntervalNanos);
        this.processors = new VirtualProcessor[processorCount];
        for (int i = 0; i < processorCount; i++) {
            processors[i] = new VirtualProcessor(this, i);
            free.add(processors[i]);
        }
        if (blockingDetection) {
            startMonitor();
        }
        KernelManagement.register(this);
    }

    /** Shortest quantum of time slicing: 5 ms of VP time. */
    static final long MIN_QUANTUM_NANOS = 5_000_000L;
    /**
     * A lag is kept within this many quanta either way, so old debts cannot buy long bursts.
     * Measured on 2 loaded cores (load average 10): a bound of 8 quanta was hit during OS stalls
     * and the 3:1 ratio drifted to 2.6; at 40 it is not reached and the ratio holds.
     */
    static final int LAG_BOUND_QUANTA = 40;
    /** While a space's portion is whole its lag fades with this time constant, in quanta. */
    static final int LAG_FADE_QUANTA = 10;

    /** Starts the monitor thread. In the constructor, or under the lock. */
    private void startMonitor() {
        Thread t = new Thread(new Monitor(this, monitorIntervalNanos, blockedAfterNanos, blockingDetection),
                name + "-monitor");
        t.setDaemon(true);
        monitorThread = t;
        t.start();
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
            for (AddressSpace o : spaces) {
                guaranteed += o.allocation().minProcessors();
            }
            int room = processorCount - guaranteed;
            if (allocation.minProcessors() > room) {
                throw new IllegalArgumentException("minProcessors must be at most " + room + " (kernel " + this.name + " has "
                        + processorCount + " processors, " + guaranteed + " already guaranteed to attached spaces), was "
                        + allocation.minProcessors());
            }
            AddressSpace s = new AddressSpace(this, name, allocation, upcalls);
            spaces.add(s);
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

    /** A consistent snapshot of the counters. */
    public KernelStats stats() {
        synchronized (lock) {
            List<SpaceStats> ss = new ArrayList<>();
            for (AddressSpace s : spaces) {
                ss.add(spaceStatsLocked(s));
            }
            return new KernelStats(processorCount, busy, alive.size(), peakActivations, blockedNow,
                    processorAddedCount.sum(), processorPreemptedCount.sum(), activationBlockedCount.sum(),
                    activationUnblockedCount.sum(), handOffCount.sum(), refusedHandOffCount.sum(),
                    preemptionCount.sum(), affinityFailureCount.sum(), slicing, List.copyOf(ss));
        }
    }

    /**
     * The hand-off latencies recorded since the kernel was built (racy snapshot: see
     * {@link LatencyHistogram}); {@link HandOffStats#minus} gives those of an interval.
     */
    public HandOffStats handOffStats() {
        return handOffs.snapshot();
    }

    /**
     * Stops the kernel: every activation is told to give its VP back at its next safepoint,
     * spares and lingering activations wake and retire, blocked ones are interrupted after a
     * grace period; each attached space then gets {@link Upcalls#kernelClosed}. Returns when no
     * carrier thread of this kernel is alive.
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
            for (Activation a : alive) {
                a.signal |= Activation.PREEMPT;
                if (a.state() == Activation.LINGERING) {
                    a.lingerOutcome = LINGER_TAKEN;
                }
                LockSupport.unpark(a);
            }
            toJoin = new ArrayList<>(alive);
            attached = new ArrayList<>(spaces);
        }
        KernelManagement.unregister(this);
        Thread monitor = monitorThread; // no new one starts once closed is set
        if (monitor != null) {
            LockSupport.unpark(monitor);
            joinQuietly(monitor, 2_000);
        }
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
        for (Activation a : toJoin) {
            joinQuietly(a, Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            if (a.isAlive()) {
                stuck.add(a.toString());
            }
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
        return "Kernel[" + name + ", " + processorCount + " processors]";
    }

    // ------------------------------------------------------------------ downcalls

    void requestProcessors(AddressSpace s, int n) {
        Activation toUnpark = null;
        synchronized (lock) {
            if (closed || s.detached) {
                return;
            }
            s.pending = Math.min(processorCount, s.pending + n);
            while (s.pending > 0 && !s.lingering.isEmpty()) {
                Activation a = s.lingering.poll();
                a.setState(Activation.RUNNING);
                a.lingerOutcome = LINGER_KEEP;
                s.pending--;
                LockSupport.unpark(a);
            }
            if (s.pending > 0) {
                Assignment none = rebalance(null);
                assert none == null;
            }
        }
    }

    static final int LINGER_KEEP = 1;
    static final int LINGER_TAKEN = 2;

    boolean processorIdle(AddressSpace s, VirtualProcessor vp) {
        Activation a = Activation.current();
        synchronized (lock) {
            if (a != null && a.state() == Activation.BLOCKED) {
                return false; // revoked while it ran: the VP is already someone else's
            }
            if (a == null || a.processor != vp || vp.owner != s) {
                throw new IllegalStateException("processorIdle(" + vp + ") must be called by the activation holding it; caller is "
                        + Thread.currentThread().getName());
            }
            if (closed || s.detached || a.signal != 0) {
                return false; // upcallReturned releases the VP
            }
            if (s.pending > 0) {
                s.pending--;
                return true;
            }
            a.setState(Activation.LINGERING);
            a.lingerOutcome = 0;
            s.lingering.add(a); // from here on its VP is no longer part of s's demand
            if (owedElsewhere(s)) {
                s.lingering.remove(a);
                releaseProcessor(a);
                a.setState(Activation.SPARE);
                a.assignment = rebalance(a);
                return false;
            }
        }
        long deadline = System.nanoTime() + idleHysteresisNanos;
        while (true) {
            int outcome = a.lingerOutcome;
            if (outcome == LINGER_KEEP) {
                return true;
            }
            if (outcome == LINGER_TAKEN) {
                return false;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                synchronized (lock) {
                    if (a.lingerOutcome != 0) {
                        continue; // decided while we timed out
                    }
                    s.lingering.remove(a);
                    releaseProcessor(a);
                    a.setState(Activation.SPARE);
                    a.assignment = rebalance(a);
                    return false;
                }
            }
            LockSupport.parkNanos(this, left);
        }
    }

    void preemptOwn(AddressSpace s, VirtualProcessor vp) {
        synchronized (lock) {
            if (vp.kernel() != this || vp.owner != s) {
                throw new IllegalArgumentException("vp must be a processor allocated to " + s.name() + ", was " + vp);
            }
            Activation h = vp.holder;
            if (h == null || vp.preemptPending || h.state() == Activation.LINGERING) {
                return; // already going, or idle: nothing to stop
            }
            vp.preemptPending = true;
            vp.selfPreempt = true;
            h.signal |= Activation.PREEMPT;
            preemptionCount.increment();
        }
    }

    void detach(AddressSpace s) {
        synchronized (lock) {
            if (s.detached) {
                return;
            }
            s.detached = true;
            s.pending = 0;
            for (VirtualProcessor vp : processors) {
                if (vp.owner == s) {
                    Activation h = vp.holder;
                    if (h.state() == Activation.LINGERING) {
                        s.lingering.remove(h);
                        h.lingerOutcome = LINGER_TAKEN;
                        LockSupport.unpark(h);
                    } else {
                        flag(vp); // not counted in preemptsInFlight: the space is going away
                    }
                }
            }
            spaces.remove(s);
        }
    }

    int heldBy(AddressSpace s) {
        synchronized (lock) {
            return s.held;
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
        Assignment next = a.assignment;
        a.assignment = null;
        while (next != null) {
            Object stopped = deliver(a, next);
            if (a.handOffPending) {
                handOffs.notRun(a); // the upcall returned before running any thread
            }
            next = upcallReturned(a, stopped);
            if (next == null) {
                next = awaitAssignment(a);
            }
        }
    }

    private Object deliver(Activation a, Assignment as) {
        AddressSpace s = as.space();
        if (affinity != null) {
            pin(a, as.vp());
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

    /**
     * Pins a parked spare {@code b} to {@code vp}'s CPU before waking it for {@code vp}, so that
     * the OS wakes it where the processor is (the CPU a blocked carrier just left idle), not on
     * the CPU of its previous VP, where another carrier computes and it would wait for the OS's
     * time slice (measured: wake-up p99 1.6 ms). A carrier not yet started pins itself in
     * {@link #deliver}. Caller holds the lock.
     */
    private void pinBeforeWaking(Activation b, VirtualProcessor vp) {
        if (affinity == null || b.getState() == Thread.State.NEW) {
            return;
        }
        int cpu = affinity.cpuFor(vp.id());
        if (b.pinnedCpu != cpu) {
            b.pinnedCpu = affinity.pin(b.tid, cpu) ? cpu : -1; // on failure deliver tries again, and counts it
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
        Assignment next;
        synchronized (lock) {
            if (a.state() == Activation.BLOCKED) {
                unblockedSpace = a.space;
                unblockedThread = stopped; // null: the thread left the carrier by itself (ended or parked)
                KernelEvents.activationUnblocked(this, a.space, a.blockedThread, a.blockedAt);
                a.space = null;
                a.blockedThread = null;
                blockedNow--;
                next = null;
            } else if (a.assignment != null) {
                next = a.assignment; // a lingering VP was moved to another space with this carrier
                a.assignment = null;
            } else if (a.processor != null) {
                VirtualProcessor vp = a.processor;
                AddressSpace s = a.space;
                boolean preempted = vp.preemptPending || stopped != null;
                boolean keep = (vp.selfPreempt || vp.withdrawn) && !closed && !s.detached;
                releaseProcessor(a);
                if (preempted) {
                    preemptedSpace = s;
                    preemptedVp = vp;
                }
                if (keep) {
                    free.remove(vp);
                    next = bind(a, vp, s);
                } else {
                    a.setState(Activation.SPARE);
                    next = rebalance(a);
                }
            } else {
                next = rebalance(a);
            }
        }
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
            synchronized (lock) {
                a.setState(Activation.SPARE);
                next = rebalance(a);
            }
        }
        return next;
    }

    /** Parks {@code a} in the spare pool until it gets an assignment; null when it retires. */
    private Assignment awaitAssignment(Activation a) {
        synchronized (lock) {
            Assignment as = a.assignment;
            if (as != null) {
                a.assignment = null;
                return as;
            }
            if (closed) {
                retire(a);
                return null;
            }
            a.setState(Activation.SPARE);
            a.signal = 0;
            spares.push(a);
        }
        long deadline = System.nanoTime() + keepAliveNanos;
        while (true) {
            Assignment as = a.assignment;
            if (as != null) {
                a.assignment = null;
                return as;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || closed) {
                synchronized (lock) {
                    if (a.assignment == null) {
                        spares.remove(a);
                        retire(a);
                        return null;
                    }
                }
                continue;
            }
            LockSupport.parkNanos(this, left);
            Thread.interrupted(); // an interrupt meant for a user thread that has left this carrier
        }
    }

    /** Caller holds the lock. */
    private void retire(Activation a) {
        a.setState(Activation.RETIRED);
        alive.remove(a);
    }

    /**
     * Monitor: {@code a} looks blocked while holding {@code vp}; hand {@code vp} to a fresh
     * activation. The CAS from {@code expected} to BLOCKED races the carrier's own
     * {@code exitKernel}/{@code enterKernel} CAS; whoever wins decides.
     */
    void handOff(Activation a, VirtualProcessor vp, int expected, Object thread) {
        synchronized (lock) {
            if (closed || vp.holder != a || a.state() != expected) {
                return;
            }
            if (spares.isEmpty() && alive.size() >= maxActivations) {
                refusedHandOffCount.increment();
                KernelEvents.compensationRefused(this, a.space, vp, a, thread, alive.size());
                return;
            }
            if (!a.casState(expected, Activation.BLOCKED)) {
                return; // the carrier came back first
            }
            AddressSpace s = a.space;
            a.signal |= Activation.REVOKED;
            a.blockedThread = thread;
            a.blockedAt = System.nanoTime();
            a.processor = null;
            if (affinity != null && a.pinnedCpu >= 0) {
                a.pinnedCpu = -1; // the blocked carrier returns on any CPU, not on its old VP's
                if (!affinity.release(a.tid)) {
                    affinityFailureCount.increment();
                }
            }
            blockedNow++;
            handOffCount.increment();
            Activation b = spares.isEmpty() ? newActivation() : spares.pop();
            handOffs.handedOff(a, b, expected == Activation.IN_KERNEL, a.blockedAt);
            vp.holder = b;
            b.processor = vp;
            b.space = s;
            b.signal = vp.preemptPending ? Activation.PREEMPT : 0;
            b.setState(Activation.RUNNING);
            pinBeforeWaking(b, vp);
            start(b, new Assignment(vp, s, a, thread));
        }
    }

    // ------------------------------------------------------------------ allocation (lock held)

    /** Gives {@code vp} to {@code s} on activation {@code a}. Caller holds the lock; vp is not free. */
    private Assignment bind(Activation a, VirtualProcessor vp, AddressSpace s) {
        assert Thread.holdsLock(lock);
        assert vp.holder == null && a.processor == null : vp + " " + a;
        vp.holder = a;
        vp.owner = s;
        vp.preemptPending = false;
        vp.selfPreempt = false;
        vp.withdrawn = false;
        a.processor = vp;
        a.space = s;
        a.signal = 0;
        a.setState(Activation.RUNNING);
        assert s.held < s.allocation().maxProcessors() : s + " is at its cap";
        s.heldChanging(System.nanoTime());
        s.held++;
        busy++; // pairs with the monitor's re-check before parking
        if (monitorSleeping && monitorThread != null) {
            LockSupport.unpark(monitorThread);
        }
        return Assignment.added(vp, s);
    }

    /** A bracketed call began: wake the monitor if it sleeps long (see {@link #monitorSlow}). */
    void kernelCallStarted() {
        if (monitorSlow) {
            monitorSlow = false;
            LockSupport.unpark(monitorThread);
        }
    }

    /** Takes {@code a}'s VP away and puts it on the free list. Caller holds the lock. */
    private void releaseProcessor(Activation a) {
        assert Thread.holdsLock(lock);
        VirtualProcessor vp = a.processor;
        AddressSpace s = vp.owner;
        if (vp.preemptPending && !vp.selfPreempt && s.preemptsInFlight > 0 && --s.preemptsInFlight == 0
                && !s.detached && !closed) {
            cancelRacingPreemptions(s, vp); // the race is won: the other flagged VPs may keep running
        }
        vp.holder = null;
        vp.owner = null;
        vp.preemptPending = false;
        vp.selfPreempt = false;
        vp.withdrawn = false;
        a.processor = null;
        a.space = null;
        s.heldChanging(System.nanoTime());
        s.held--;
        busy--;
        free.add(vp);
    }

    private Activation newActivation() {
        Activation a = new Activation(this, ++activationSerial, null);
        alive.add(a);
        peakActivations = Math.max(peakActivations, alive.size());
        return a;
    }

    private static void start(Activation a, Assignment as) {
        if (a.getState() == Thread.State.NEW) {
            a.assignment = as;
            a.start();
        } else {
            a.assign(as);
        }
    }

    /** True if some other space is below its target and wants processors. Caller holds the lock. */
    private boolean owedElsewhere(AddressSpace self) {
        int[] target = targets();
        for (int i = 0; i < spaces.size(); i++) {
            AddressSpace s = spaces.get(i);
            if (s != self && s.pending > 0 && s.held < target[i]) {
                return true;
            }
        }
        return false;
    }

    /**
     * The target of every attached space now (index as in {@link #spaces}): accrues the lags up
     * to now with the portions of the last plan, plans afresh, and records the new portions and
     * whether time slicing is needed. Caller holds the lock.
     */
    private int[] targets() {
        assert Thread.holdsLock(lock);
        long now = System.nanoTime();
        accrueLags(now);
        int n = spaces.size();
        ProcessorAllocator.Claim[] claims = new ProcessorAllocator.Claim[n];
        for (int i = 0; i < n; i++) {
            AddressSpace s = spaces.get(i);
            Allocation al = s.allocation();
            // a lingering VP is idle: not demand, so a space owed processors can take it at once
            int demand = s.detached ? 0 : Math.min(processorCount, s.held - s.lingering.size() + s.pending);
            claims[i] = new ProcessorAllocator.Claim(al.priority(), demand, s.held, al.minProcessors(), al.maxProcessors(),
                    al.share(), s.lag);
        }
        ProcessorAllocator.Plan plan = ProcessorAllocator.plan(processorCount, claims, quantumNanos);
        boolean slice = false;
        for (int i = 0; i < n; i++) {
            AddressSpace s = spaces.get(i);
            s.entitled = plan.entitled()[i];
            s.sliced = plan.sliced()[i];
            slice |= s.sliced;
        }
        shareParts = plan.parts();
        boolean was = slicing;
        slicing = slice; // then wake the ticker: pairs with its read of slicing before it parks
        if (slice && !was && !closed) {
            if (monitorThread == null) {
                startMonitor();
            } else if (!blockingDetection) {
                LockSupport.unpark(monitorThread); // a permit left for it makes its park return at once
            }
        }
        return plan.targets();
    }

    /**
     * Brings every space's lag up to {@code now}: a sliced space gains what its portion gave
     * it since the last accrual and loses the VP time it actually held; a space whose portion
     * is whole lets its lag fade. Lags stay within {@link #LAG_BOUND_QUANTA} quanta. Caller
     * holds the lock.
     */
    private void accrueLags(long now) {
        long dt = Math.min(now - accruedAt, 10_000_000_000L); // 10 s: keeps dt * entitled far from overflow
        accruedAt = now;
        long bound = LAG_BOUND_QUANTA * quantumNanos;
        long fade = LAG_FADE_QUANTA * quantumNanos;
        for (AddressSpace s : spaces) {
            long used = s.processorNanos(now);
            long got = used - s.accountedNanos;
            s.accountedNanos = used;
            long lag;
            if (s.sliced) {
                lag = s.lag + dt * s.entitled / shareParts - got;
            } else {
                lag = s.lag - (long) (s.lag * ((double) Math.min(dt, fade) / fade));
            }
            s.lag = Math.max(-bound, Math.min(bound, lag));
        }
    }

    /**
     * Monitor tick while {@link #slicing}: re-plans with the lags up to now and moves VPs toward
     * the new targets (a rotating VP is preempted at its holder's next safepoint).
     */
    void sliceTick() {
        synchronized (lock) {
            if (!closed && slicing) {
                Assignment none = rebalance(null);
                assert none == null;
            }
        }
    }

    /** The time-slicing quantum, ns of VP time. */
    long quantumNanos() {
        return quantumNanos;
    }

    /**
     * Moves processors toward the targets. {@code caller}, if non-null, holds no VP and may
     * take one itself: the assignment for it is returned instead of waking another thread.
     * Caller holds the lock.
     */
    private Assignment rebalance(Activation caller) {
        assert Thread.holdsLock(lock);
        if (closed || spaces.isEmpty()) {
            return null;
        }
        Assignment forCaller = null;
        int[] target = targets();
        for (int i = 0; i < spaces.size(); i++) {
            AddressSpace s = spaces.get(i);
            while (s.pending > 0 && s.held < target[i] && !free.isEmpty()) {
                Activation a;
                if (forCaller == null && caller != null && caller.processor == null) {
                    a = caller;
                } else if (!spares.isEmpty()) {
                    a = spares.pop();
                } else if (alive.size() < maxActivations) {
                    a = newActivation();
                } else {
                    refusedHandOffCount.increment();
                    KernelEvents.compensationRefused(this, s, null, null, null, alive.size());
                    return forCaller;
                }
                Assignment as = bind(a, free.poll(), s);
                s.pending--;
                if (a == caller) {
                    forCaller = as;
                } else {
                    pinBeforeWaking(a, as.vp());
                    start(a, as);
                }
            }
        }
        for (int i = 0; i < spaces.size(); i++) {
            AddressSpace owed = spaces.get(i);
            int deficit = Math.min(owed.pending, target[i] - owed.held); // freed VPs are reassigned by target
            for (int j = 0; j < spaces.size() && deficit > 0; j++) {
                AddressSpace victim = spaces.get(j);
                while (deficit > 0 && victim.held - victim.preemptsInFlight > target[j]) {
                    if (!reclaimOne(victim, owed)) {
                        break;
                    }
                    deficit--;
                }
            }
        }
        return forCaller;
    }

    /**
     * Takes one VP from {@code victim} for {@code owed}: a lingering one moves at once (its
     * carrier runs {@code owed}'s processorAdded); otherwise one more preemption is counted in
     * {@code victim.preemptsInFlight} and every running VP of the victim is flagged (a race,
     * see the overview). Returns false if {@code victim} has no VP that can be taken. Caller
     * holds the lock.
     */
    private boolean reclaimOne(AddressSpace victim, AddressSpace owed) {
        Activation l = victim.lingering.poll();
        if (l != null) {
            VirtualProcessor vp = l.processor;
            releaseProcessor(l);
            free.remove(vp);
            l.assignment = bind(l, vp, owed);
            owed.pending--;
            l.lingerOutcome = LINGER_TAKEN;
            LockSupport.unpark(l);
            return true;
        }
        int flagged = 0;
        VirtualProcessor best = null;
        for (VirtualProcessor vp : processors) {
            if (vp.owner == victim) {
                if (vp.preemptPending) {
                    flagged += vp.selfPreempt ? 0 : 1;
                } else if (vp.holder.state() == Activation.RUNNING || best == null) {
                    best = vp;
                }
            }
        }
        if (flagged <= victim.preemptsInFlight) { // no VP racing spare: flag one more
            if (best == null) {
                return false;
            }
            flag(best);
        }
        victim.preemptsInFlight++;
        preemptionCount.increment();
        for (VirtualProcessor vp : processors) { // the race: every running VP of the victim, first ones win
            if (vp.owner == victim && !vp.preemptPending && vp.holder.state() == Activation.RUNNING) {
                flag(vp);
            }
        }
        return true;
    }

    /** Asks {@code vp}'s holder to give it back at its next safepoint. Caller holds the lock. */
    private static void flag(VirtualProcessor vp) {
        vp.preemptPending = true;
        vp.selfPreempt = false;
        vp.withdrawn = false;
        vp.holder.signal |= Activation.PREEMPT;
    }

    /**
     * {@code s} has given back every VP it was asked for: takes PREEMPT back from the VPs still
     * flagged in the race ({@link #reclaimOne}), except {@code returned}, the one coming back
     * now. A holder that saw the flag already just comes back, and {@link #upcallReturned}
     * gives its VP straight back to {@code s} ({@code withdrawn}, like a self-preemption): not
     * through a re-plan, which would see {@code s} a VP short for a moment and could move the
     * time-slicing rotation on. Caller holds the lock.
     */
    private void cancelRacingPreemptions(AddressSpace s, VirtualProcessor returned) {
        for (VirtualProcessor vp : processors) {
            if (vp != returned && vp.owner == s && vp.preemptPending && !vp.selfPreempt) {
                vp.preemptPending = false;
                vp.withdrawn = true;
                vp.holder.signal &= ~Activation.PREEMPT;
            }
        }
    }

    int busyProcessors() {
        return busy;
    }

    VirtualProcessor[] processorsArray() {
        return processors;
    }

    // ------------------------------------------------------------------ read-only views for stress-tests
    // The jcstress suite (same package) checks the invariants above under the lock. Copies only.

    Object allocationLock() {
        return lock;
    }

    /** Caller holds the lock. */
    List<VirtualProcessor> freeSnapshot() {
        assert Thread.holdsLock(lock);
        return new ArrayList<>(free);
    }

    /** Caller holds the lock. */
    List<Activation> sparesSnapshot() {
        assert Thread.holdsLock(lock);
        return new ArrayList<>(spares);
    }

    /** Caller holds the lock. */
    List<AddressSpace> spacesSnapshot() {
        assert Thread.holdsLock(lock);
        return new ArrayList<>(spaces);
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
        private Duration blockedAfter = Duration.ofNanos(200_000);
        private Duration monitorInterval = Duration.ofMillis(1);
        private Duration idleHysteresis = Duration.ofMillis(2);
        private Duration keepAlive = Duration.ofSeconds(30);
        private boolean blockingDetection = true;
        private boolean pinCarriers;
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
         * How long a bracketed kernel call may hold its VP before it is handed off; > 0. Default
         * 200 us. While such a call is in progress the monitor ticks every half of this (at least
         * 50 us), so the VP moves between 1 and 1.5 times this after the call began. Shorter
         * wastes less processor time per blocking call, at the price of a hand-off (a spare
         * carrier woken, the caller re-queued when its call returns) for calls that block only a
         * little longer than this. Go's sysmon takes a P back from a syscall after 20 us to 10 ms.
         */
        public Builder blockedAfter(Duration d) {
            this.blockedAfter = positive("blockedAfter", d);
            return this;
        }

        /**
         * How often the monitor samples running activations for undetected blocking, and its
         * longest sleep; > 0. Default 1 ms. (Bracketed calls in progress are checked more often:
         * see {@link #blockedAfter}.) Also the tick of time slicing between spaces whose shares
         * give fractional portions ({@link Allocation}); its quantum is
         * {@code max(5 ms, 2 x monitorInterval)} of VP time.
         */
        public Builder monitorInterval(Duration d) {
            this.monitorInterval = positive("monitorInterval", d);
            return this;
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
