package dev.activations.kernel;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.locks.LockSupport;

/**
 * The kernel's allocation planning: which space should hold how many processors, and binding
 * VPs to spaces toward that. One per {@link Kernel}; every method runs under the kernel lock
 * unless it says otherwise.
 *
 * <h2>State (all under the lock)</h2>
 * The free list, the attached spaces, and the time-slicing account ({@code shareParts},
 * {@code accruedAt}; each space's {@code lag}, {@code entitled}, {@code sliced}). Each space's
 * {@code held}/{@code pending}/{@code lingering} are written here and by {@link Preemption}.
 *
 * <h2>Planning ({@link #targets})</h2>
 * Targets come from {@link ProcessorAllocator}, from each space's {@link Allocation}: minimums
 * first, then strict priority, shares (weights) within a level, caps always; with the default
 * allocation that is an even split within the highest priority level that wants processors,
 * leftovers down. A lingering (idle) VP is not part of its space's demand. {@link #rebalance}
 * gives free VPs to spaces below target that asked, then has {@link Preemption} reclaim VPs
 * from spaces above target.
 *
 * <h2>Time slicing (shares that do not divide the processors)</h2>
 * Shares 3:1 on 2 processors give portions of 1.5 and 0.5 VPs: no static split honours them,
 * so processors rotate. The allocator computes each space's exact portion and rounds it down or
 * up; which of the spaces with a fractional portion ("sliced") get the rounded-up VPs depends on
 * their <em>lag</em>, the VP time each is behind its portion. The account is kept here, in
 * {@link #targets}, the one place every allocation decision goes through:
 * <ol>
 *   <li>Each space's held VP time is exact: {@link AddressSpace#heldChanging} folds
 *       {@code held * elapsed} into {@code heldNanos} just before every change of {@code held}
 *       ({@link #bind}, {@link #takeProcessor}). That is also {@link AddressSpace#processorNanos}.</li>
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
 *       a quantum further behind. The move is an ordinary reclaim; the freed VP goes to the
 *       space now owed it by the same targets. Meanwhile the holder keeps falling behind less
 *       than the other, so the decision does not flip while the preemption is in flight.</li>
 *   <li>While any space is sliced ({@link #slicing}) the monitor calls {@link #sliceTick} every
 *       millisecond (or {@code monitorInterval} if longer), which re-plans and reclaims.</li>
 * </ol>
 * The quantum is {@code max(5 ms, 2 x monitorInterval)} of VP time. Nothing is sliced, and no
 * tick takes the lock, when every portion is whole.
 *
 * <h2>Levels ({@link #relevel})</h2>
 * Each space's OS level (see {@link OsPriorities}) is the number of distinct priorities of the
 * attached spaces above its own; it is recomputed when a space attaches or detaches, and sets the
 * nice value its carriers run at from their next upcall on.
 */
final class Planner {
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
    static final int LINGER_KEEP = 1;
    static final int LINGER_TAKEN = 2;

    private final Kernel k;
    /** lock */
    final ArrayDeque<VirtualProcessor> free = new ArrayDeque<>();
    /** lock */
    final List<AddressSpace> spaces = new ArrayList<>();
    /** Hysteresis of a rotating VP: how much further behind another space must be before it moves (ns of VP time). */
    final long quantumNanos;
    /** lock: denominator of every space's {@code entitled} portion at the last plan. */
    private long shareParts = 1;
    /** lock: System.nanoTime() of the last accrual of lags. */
    private long accruedAt = System.nanoTime();
    /**
     * Some space's portion is fractional: the monitor re-plans on every slicing tick. Written
     * under the lock by {@link #targets}; read by the monitor without it (a stale read costs one tick).
     */
    volatile boolean slicing;
    /** VPs allocated to some space; written under the lock, read by the monitor without it. */
    volatile int busy;

    Planner(Kernel k, long monitorIntervalNanos) {
        this.k = k;
        this.quantumNanos = Math.max(MIN_QUANTUM_NANOS, 2 * monitorIntervalNanos);
        for (VirtualProcessor vp : k.processors) {
            free.add(vp);
        }
    }

    // ------------------------------------------------------------------ spaces

    /** Attaches {@code s} (already validated by the kernel). */
    void attach(AddressSpace s) {
        spaces.add(s);
        relevel();
    }

    /** Recomputes every attached space's OS level and nice value (see the class comment). */
    private void relevel() {
        TreeSet<Integer> priorities = new TreeSet<>();
        for (AddressSpace s : spaces) {
            priorities.add(s.priority());
        }
        for (AddressSpace s : spaces) {
            s.nice = k.os.niceFor(priorities.tailSet(s.priority(), false).size());
        }
    }

    /** Detaches {@code s}: no more processors for it, and its VPs are taken back. */
    void detach(AddressSpace s) {
        if (s.detached) {
            return;
        }
        s.detached = true;
        s.pending = 0;
        for (VirtualProcessor vp : k.processors) {
            if (vp.owner == s) {
                Activation h = vp.holder;
                if (h.state() == Activation.LINGERING) {
                    s.lingering.remove(h);
                    h.lingerOutcome = LINGER_TAKEN;
                    LockSupport.unpark(h);
                } else {
                    Preemption.flag(vp); // not counted in preemptsInFlight: the space is going away
                }
            }
        }
        spaces.remove(s);
        relevel();
    }

    // ------------------------------------------------------------------ downcalls

    /** Downcall {@code requestProcessors}. Caller holds the lock. */
    void requestProcessors(AddressSpace s, int n) {
        if (k.isClosed() || s.detached) {
            return;
        }
        s.pending = Math.min(k.processors.length, s.pending + n);
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

    /**
     * Downcall {@code processorIdle}, on the carrier {@code a} holding {@code vp}: may park it for
     * the idle hysteresis (outside the lock). Returns true if {@code a} keeps {@code vp}.
     * Called without the lock.
     */
    boolean processorIdle(AddressSpace s, VirtualProcessor vp, Activation a) {
        synchronized (k.lock) {
            if (a != null && (a.state() == Activation.BLOCKED || a.state() == Activation.DISPLACED)) {
                return false; // revoked or displaced while it ran: the VP is already someone else's
            }
            if (a != null && a.processor != null && a.processor != vp && a.processor.owner == s) {
                vp = a.processor; // reinstated on another VP after a displacement: idle there
            }
            if (a == null || a.processor != vp || vp.owner != s) {
                throw new IllegalStateException("processorIdle(" + vp + ") must be called by the activation holding it; caller is "
                        + Thread.currentThread().getName());
            }
            if (k.isClosed() || s.detached || a.signal != 0) {
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
        long deadline = System.nanoTime() + k.idleHysteresisNanos;
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
                synchronized (k.lock) {
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

    // ------------------------------------------------------------------ binding

    /** Gives {@code vp} to {@code s} on activation {@code a}. vp is not free; a holds none. */
    Assignment bind(Activation a, VirtualProcessor vp, AddressSpace s) {
        assert Thread.holdsLock(k.lock);
        assert vp.holder == null && a.processor == null : vp + " " + a;
        a.tenures++; // before the holder: see Activation.tenures
        vp.holder = a;
        vp.owner = s;
        Activation standby = vp.standby;
        if (standby != null && standby.nice != s.nice) {
            vp.standby = null; // armed for another space's nice value: it leaves at its next look
        }
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
        k.wakeMonitorIfSleeping();
        return Assignment.added(vp, s);
    }

    /**
     * Gives {@code vp} back to {@code h}, an activation of {@code s} displaced earlier that has
     * not yet reached its safepoint: it goes on running the same thread, now on {@code vp}
     * (perhaps another VP than the one it lost: the runtime asks the kernel about the caller's
     * processor, not the upcall's argument), its PREEMPT taken back. If it saw the PREEMPT
     * already, it comes back through {@code upcallReturned} as after any preemption.
     */
    void reinstate(Activation h, VirtualProcessor vp, AddressSpace s) {
        assert h.state() == Activation.DISPLACED && h.space == s : h;
        h.displacedFrom = null;
        bind(h, vp, s); // RUNNING, signal cleared
        k.spares.pinBeforeWaking(h, vp);
    }

    /** Takes {@code a}'s VP away and puts it on the free list. */
    void releaseProcessor(Activation a) {
        VirtualProcessor vp = takeProcessor(a);
        a.space = null;
        free.add(vp);
    }

    /**
     * Takes {@code a}'s VP away, accounting it to nobody, and returns it (neither free nor
     * held: the caller frees or rebinds it at once). {@code a.space} is left as it was.
     */
    VirtualProcessor takeProcessor(Activation a) {
        assert Thread.holdsLock(k.lock);
        VirtualProcessor vp = a.processor;
        AddressSpace s = vp.owner;
        if (vp.preemptPending && !vp.selfPreempt && s.preemptsInFlight > 0 && --s.preemptsInFlight == 0
                && !s.detached && !k.isClosed()) {
            k.preemption.cancelRacing(s, vp); // the race is won: the other flagged VPs may keep running
        }
        vp.holder = null;
        vp.owner = null;
        vp.preemptPending = false;
        vp.selfPreempt = false;
        vp.withdrawn = false;
        a.processor = null;
        s.heldChanging(System.nanoTime());
        s.held--;
        busy--;
        return vp;
    }

    // ------------------------------------------------------------------ planning

    /** True if some other space is below its target and wants processors. */
    boolean owedElsewhere(AddressSpace self) {
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
     * whether time slicing is needed.
     */
    int[] targets() {
        assert Thread.holdsLock(k.lock);
        long now = System.nanoTime();
        accrueLags(now);
        int n = spaces.size();
        ProcessorAllocator.Claim[] claims = new ProcessorAllocator.Claim[n];
        for (int i = 0; i < n; i++) {
            AddressSpace s = spaces.get(i);
            Allocation al = s.allocation();
            // a lingering VP is idle: not demand, so a space owed processors can take it at once
            // a displaced activation still runs a thread of s: demand, to be reinstated on a VP
            int demand = s.detached ? 0
                    : Math.min(k.processors.length, s.held - s.lingering.size() + s.pending + s.displaced.size());
            claims[i] = new ProcessorAllocator.Claim(al.priority(), demand, s.held, al.minProcessors(), al.maxProcessors(),
                    al.share(), s.lag);
        }
        ProcessorAllocator.Plan plan = ProcessorAllocator.plan(k.processors.length, claims, quantumNanos);
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
        if (slice && !was) {
            k.monitorNeeded();
        }
        return plan.targets();
    }

    /**
     * Brings every space's lag up to {@code now}: a sliced space gains what its portion gave
     * it since the last accrual and loses the VP time it actually held; a space whose portion
     * is whole lets its lag fade. Lags stay within {@link #LAG_BOUND_QUANTA} quanta.
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
     * the new targets. Takes the lock.
     */
    void sliceTick() {
        synchronized (k.lock) {
            if (!k.isClosed() && slicing) {
                Assignment none = rebalance(null);
                assert none == null;
            }
        }
    }

    /**
     * Moves processors toward the targets. {@code caller}, if non-null, holds no VP and may
     * take one itself: the assignment for it is returned instead of waking another thread.
     */
    Assignment rebalance(Activation caller) {
        assert Thread.holdsLock(k.lock);
        if (k.isClosed() || spaces.isEmpty()) {
            return null;
        }
        Assignment forCaller = null;
        int[] target = targets();
        for (int i = 0; i < spaces.size(); i++) {
            AddressSpace s = spaces.get(i);
            while (!s.displaced.isEmpty() && s.held < target[i] && !free.isEmpty()) {
                reinstate(s.displaced.poll(), free.poll(), s);
            }
            while (s.pending > 0 && s.held < target[i] && !free.isEmpty()) {
                Activation mayUse = forCaller == null && caller != null && caller.processor == null ? caller : null;
                Activation a = k.spares.pick(s, mayUse);
                if (a == null) {
                    k.spares.refused(s, null, null, null);
                    return forCaller;
                }
                Assignment as = bind(a, free.poll(), s);
                s.pending--;
                if (a == caller) {
                    forCaller = as;
                } else {
                    k.spares.pinBeforeWaking(a, as.vp());
                    k.spares.start(a, as);
                }
            }
        }
        for (int i = 0; i < spaces.size(); i++) {
            AddressSpace owed = spaces.get(i);
            // freed VPs are reassigned by target
            int deficit = Math.min(owed.pending + owed.displaced.size(), target[i] - owed.held);
            for (int j = 0; j < spaces.size() && deficit > 0; j++) {
                AddressSpace victim = spaces.get(j);
                while (deficit > 0 && victim.held - victim.preemptsInFlight > target[j]) {
                    if (!k.preemption.reclaimOne(victim, owed)) {
                        break;
                    }
                    deficit--;
                }
            }
        }
        return forCaller;
    }
}
