package dev.activations.kernel;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Carriers that hold no processor, and the hand-off that gives a blocked carrier's processor to
 * one of them. One per {@link Kernel}; everything runs under the kernel lock unless it says
 * otherwise.
 *
 * <h2>Pools by nice value</h2>
 * A spare parks in the pool of its OS nice value ({@link OsPriorities}: a nice value can only go
 * up without privilege). {@link #pick} finds a carrier for a space in this order: the caller
 * itself if it runs at the space's value (no wake-up), a pooled one of that value, a new thread
 * (it then stays in that pool), and only at {@code maxActivations} a carrier of a higher
 * priority, the caller or a pooled one, that raises its value for good (converting a carrier
 * would leave its own pool a carrier short, to be made anew the next time its level needs one). A
 * new carrier inherits its creator's nice value, so one that must run below its creator's value is
 * started by the monitor, which runs at the base value ({@link #start}). The monitor looks for such
 * carriers at every tick by reading the volatile {@code startsWaiting}, which {@link #start} sets
 * under the lock with each addition, before it unparks the monitor, and which the monitor clears
 * under the lock when it takes them: it takes the lock only then. With OS priorities off every
 * carrier is at the base value: one pool.
 *
 * <h2>Thread starts after the lock</h2>
 * {@code Thread.start} takes 50-100 µs, more on a busy machine. Under the kernel lock it made
 * every other carrier's downcall wait for it, a wait the monitor can read as a block. So
 * {@link #start} only records a new carrier in the asking thread's own list ({@code deferred},
 * a thread-local) and counts it in {@code unstarted}; the asking thread starts it in
 * {@link #startDeferred} right after it releases the lock. Every block that may reach
 * {@link #start} is followed by that call (the downcalls in {@link Kernel}, the monitor's tick,
 * {@link #standBy}). Until it starts, the new carrier already holds its VP and assignment (it
 * runs them when it starts: {@code assign} and {@code unpark} on it in the meantime are
 * harmless), and {@link Kernel#close} waits for {@code unstarted} to reach zero before it joins
 * the carriers, so that none starts after close returned.
 *
 * <h2>Hand-off ({@link #handOff})</h2>
 * A holder found blocked (IN_KERNEL for {@code blockedAfter}, or RUNNING and asleep for as long:
 * {@link Monitor}) loses its VP by a CAS to BLOCKED that races its own
 * {@code exitKernel}/{@code enterKernel}; whoever wins decides. The VP stays with its space and
 * goes to the VP's standby if one is armed, else to a pooled or new carrier, which runs
 * {@code activationBlocked}; a pending preemption of the VP moves with it.
 *
 * <h2>Standby: a spare that is already there</h2>
 * Waking a parked spare costs an OS wake-up after the decision (measured: p50 ~70 µs, p99 up to
 * 1.6 ms on a 2-vCPU VM whose idle vCPU the hypervisor halts). So a spare is woken <em>before</em>
 * the decision, when a block is only likely: at {@code enterKernel} ({@link #standBy}, on the
 * carrier: one volatile read while a standby is armed, else the lock and a wake-up) and when the
 * monitor first suspects an unbracketed sleep ({@link #arm}). It is pinned to the VP's CPU where the
 * kernel pins, and in {@link #watch} it checks the holder and calls {@code Thread.yield()}: while
 * the holder runs on that CPU the standby gives it the CPU back at once (a switch per OS time
 * slice); when the holder sleeps, the CPU is free and the standby runs. At
 * {@code kernelEnteredAt + blockedAfter} the standby hands the VP off to itself and runs the
 * upcall with no wake-up at all; for an unbracketed sleep the monitor decides and hands the VP to
 * the standby, which sees its assignment within a loop iteration. A standby goes back to its
 * pool after a grace period ({@link #graceNanos}) without a call or suspicion in progress, so a
 * burst of bracketed calls arms it once. Invariant: {@code vp.standby == a} iff {@code a} is
 * STANDBY with {@code a.watching == vp}; a standby holds no VP. On a machine with idle cores a
 * standby spins on one of them during its grace period; nothing else runs it.
 *
 * <h2>Rejected</h2>
 * Keeping one spare awake per VP all the time (a core's worth of spinning on every machine with
 * idle cores); a standby at a higher nice value, so that it would only run when the CPU is
 * otherwise idle (it could not lower its own value to take the VP without privilege).
 */
final class Spares {
    /** Nice values run from -20 to 19: a pool each. */
    private static final int NICE_LEVELS = 40;
    private static final int MIN_NICE = -20;

    private final Kernel k;
    /** lock: parked spares by nice value, most recently used first. */
    @SuppressWarnings("unchecked")
    private final ArrayDeque<Activation>[] pools = new ArrayDeque[NICE_LEVELS];
    /** lock: every activation not yet retired. */
    final Set<Activation> alive = new LinkedHashSet<>();
    /** lock: new carriers the monitor starts, because they must run below their creator's nice value. */
    private final ArrayDeque<Activation> toStart = new ArrayDeque<>();
    /**
     * True from a carrier's addition to {@link #toStart} until the monitor takes it (both under the
     * lock), so that the monitor's check at every tick reads this instead of taking the lock.
     */
    private volatile boolean startsWaiting;
    /** New carriers the thread that asked for them starts once it released the lock ({@link #startDeferred}). */
    private final ThreadLocal<ArrayList<Activation>> deferred = ThreadLocal.withInitial(ArrayList::new);
    /** Carriers in some thread's {@code deferred} list: added under the lock, taken after it. */
    private final AtomicInteger unstarted = new AtomicInteger();
    /** lock */
    private int serial;
    /** lock */
    int peak;
    /** lock */
    int blockedNow;
    /** How long a standby watches without a call or suspicion before it goes back to its pool. */
    final long graceNanos;
    /** {@code int getpriority(int which, id_t who)}: the calling thread's nice value; null without OS priorities. */
    private final MethodHandle getPriority;

    Spares(Kernel k) {
        this.k = k;
        this.graceNanos = Math.max(500_000L, 5 * k.blockedAfterNanos);
        this.getPriority = k.os.active()
                ? Native.downcall("getpriority", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT))
                : null;
        for (int i = 0; i < NICE_LEVELS; i++) {
            pools[i] = new ArrayDeque<>();
        }
    }

    // ------------------------------------------------------------------ carriers

    /**
     * A carrier for space {@code s} (see the class comment for the order), or null when none
     * can be had ({@code maxActivations}). {@code caller}: an activation holding nothing that may
     * take the VP itself, or null.
     */
    Activation pick(AddressSpace s, Activation caller) {
        int want = s.nice;
        if (caller != null && caller.nice == want) {
            return caller;
        }
        ArrayDeque<Activation> exact = pools[want - MIN_NICE];
        if (!exact.isEmpty()) {
            return exact.pop();
        }
        if (alive.size() < k.maxActivations) {
            return newActivation(); // once: it stays in its pool, where a converted carrier would leave a hole
        }
        if (caller != null && caller.nice < want) {
            return caller;
        }
        for (int n = want - 1; n >= MIN_NICE; n--) {
            if (!pools[n - MIN_NICE].isEmpty()) {
                return pools[n - MIN_NICE].pop();
            }
        }
        return caller; // runs at a higher nice value than s's, counted when it cannot lower it
    }

    /** True if {@link #pick} for {@code s} without a caller would find a carrier. */
    boolean canPick(AddressSpace s) {
        if (alive.size() < k.maxActivations) {
            return true;
        }
        for (int n = s.nice; n >= MIN_NICE; n--) {
            if (!pools[n - MIN_NICE].isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private Activation newActivation() {
        Activation a = new Activation(k, ++serial, null);
        alive.add(a);
        peak = Math.max(peak, alive.size());
        return a;
    }

    /**
     * Gives {@code b} its next assignment: wakes it if it is parked; if new, the caller starts it
     * after the lock ({@link #startDeferred}), or the monitor does when it must run below the
     * caller's nice value.
     */
    void start(Activation b, Assignment as) {
        if (b.startRequested) {
            b.assign(as); // parked, running its watch, or about to start: replaces a watch it has not begun
            return;
        }
        b.startRequested = true;
        b.assignment = as;
        AddressSpace s = as.watch() ? as.vp().owner : as.space();
        if (getPriority != null && s != null && callerNice() > s.nice) {
            toStart.add(b);
            startsWaiting = true; // before the monitor's unpark: its next check sees it
            k.monitorNeeded();
            return;
        }
        deferred.get().add(b);
        unstarted.incrementAndGet();
    }

    /**
     * Starts the carriers the calling thread asked for under the lock ({@link #start}). Called
     * without the lock after every block that may have asked; one volatile read when none waits.
     * A start that fails (no native thread) is thrown after the others started.
     */
    void startDeferred() {
        if (unstarted.get() == 0) {
            return;
        }
        assert !Thread.holdsLock(k.lock);
        ArrayList<Activation> mine = deferred.get();
        RuntimeException failed = null;
        for (int i = 0; i < mine.size(); i++) {
            try {
                mine.get(i).start();
            } catch (RuntimeException | OutOfMemoryError e) {
                if (failed == null) {
                    failed = new IllegalStateException("could not start carrier " + mine.get(i).getName() + ": " + e, e);
                }
            } finally {
                unstarted.decrementAndGet();
            }
        }
        mine.clear();
        if (failed != null) {
            throw failed;
        }
    }

    /**
     * {@link Kernel#close}, after setting {@code closed} (no carrier is asked for after that):
     * waits until the carriers asked for before have started, so that joining them is enough.
     * Their threads start them right after the lock; false if some did not within 2 s.
     */
    boolean awaitDeferredStarts() {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (unstarted.get() != 0) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.yield();
        }
        return true;
    }

    /** The calling thread's OS nice value. Only with OS priorities. */
    private int callerNice() {
        try {
            return (int) getPriority.invokeExact(0, 0); // PRIO_PROCESS, 0: the calling thread on Linux
        } catch (Throwable t) {
            throw new IllegalStateException("getpriority failed: " + t, t);
        }
    }

    /**
     * Monitor, at every tick: starts the carriers {@link #start} left to it. Takes the lock only
     * when there are some: taken at every tick, the lock made the monitor wait behind carriers
     * that the OS had descheduled while they held it (and them behind a descheduled monitor),
     * for up to milliseconds, which delayed its ticks (JFR {@code jdk.JavaMonitorEnter} under
     * Promises: 400 waits, 0.2 s in all, in one run).
     */
    void startPending() {
        if (!startsWaiting) {
            return;
        }
        List<Activation> starting;
        synchronized (k.lock) {
            startsWaiting = false;
            if (toStart.isEmpty()) {
                return;
            }
            starting = new ArrayList<>(toStart);
            toStart.clear();
        }
        for (Activation b : starting) {
            b.start();
        }
    }

    /**
     * Whether the monitor has carriers to start: read by the monitor after it published that it
     * will park (a Dekker pair with {@link #start}'s write of the flag, then its unpark).
     */
    boolean startsPending() {
        return startsWaiting;
    }

    /** Parks {@code a} in its pool until it gets an assignment; null when it retires. Runs on {@code a}, without the lock. */
    Assignment awaitAssignment(Activation a) {
        ArrayDeque<Activation> pool;
        synchronized (k.lock) {
            Assignment as = a.takeAssignment();
            if (as != null) {
                return as;
            }
            if (k.isClosed()) {
                retire(a);
                return null;
            }
            a.setState(Activation.SPARE);
            a.signal = 0;
            pool = pools[a.nice - MIN_NICE];
            pool.push(a);
        }
        long deadline = System.nanoTime() + k.keepAliveNanos;
        while (true) {
            Assignment as = a.takeAssignment();
            if (as != null) {
                return as;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || k.isClosed()) {
                synchronized (k.lock) {
                    if (a.assignment == null) {
                        pool.remove(a);
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

    private void retire(Activation a) {
        a.setState(Activation.RETIRED);
        alive.remove(a);
    }

    /** No carrier could be had at {@code maxActivations}: counted and recorded, never thrown into user code. */
    void refused(AddressSpace s, VirtualProcessor vp, Activation blocked, Object thread) {
        k.refusedHandOffCount.increment();
        KernelEvents.compensationRefused(k, s, vp, blocked, thread, alive.size());
    }

    /** Every parked spare, for the stress tests' invariants. */
    List<Activation> pooled() {
        List<Activation> all = new ArrayList<>();
        for (ArrayDeque<Activation> p : pools) {
            all.addAll(p);
        }
        return all;
    }

    // ------------------------------------------------------------------ pinning (pinCarriers)

    /**
     * Pins a parked spare {@code b} to {@code vp}'s CPU before waking it for {@code vp}, so that
     * the OS wakes it where the processor is (the CPU a blocked carrier just left idle), not on
     * the CPU of its previous VP, where another carrier computes and it would wait for the OS's
     * time slice (measured: wake-up p99 1.6 ms). A carrier not yet started pins itself in
     * {@code Kernel.deliver}.
     */
    void pinBeforeWaking(Activation b, VirtualProcessor vp) {
        CpuAffinity affinity = k.affinity;
        if (affinity == null || b.getState() == Thread.State.NEW) {
            return;
        }
        int cpu = affinity.cpuFor(vp.id());
        if (b.pinnedCpu != cpu) {
            b.pinnedCpu = affinity.pin(b.tid, cpu) ? cpu : -1; // on failure deliver tries again, and counts it
        }
    }

    /** Lets carrier {@code h}, which lost its VP, run on every CPU again: its VP's new carrier has that one. */
    void unpin(Activation h) {
        CpuAffinity affinity = k.affinity;
        if (affinity != null && h.pinnedCpu >= 0) {
            h.pinnedCpu = -1;
            if (!affinity.release(h.tid)) {
                k.affinityFailureCount.increment();
            }
        }
    }

    // ------------------------------------------------------------------ hand-off

    /**
     * {@code h} looks blocked while holding {@code vp} (state {@code expected}): hand {@code vp}
     * to the standby or a fresh carrier. {@code taker}: the standby calling this for itself, or
     * null (the monitor, or a test). Returns the assignment when {@code taker} got the VP, else
     * null (the new carrier was woken or started, or nothing happened).
     */
    Assignment handOff(Activation h, VirtualProcessor vp, int expected, Object thread, Activation taker) {
        assert Thread.holdsLock(k.lock);
        if (k.isClosed() || vp.holder != h || h.state() != expected) {
            return null;
        }
        Activation standby = vp.standby;
        if (taker != null && taker != standby) {
            return null;
        }
        AddressSpace s = vp.owner;
        if (standby == null && !canPick(s)) {
            refused(s, vp, h, thread);
            return null;
        }
        if (!h.casState(expected, Activation.BLOCKED)) {
            return null; // the carrier came back first
        }
        long now = System.nanoTime();
        h.processor = null;
        blocked(h, thread, now);
        unpin(h);
        k.handOffCount.increment();
        Activation b = standby != null ? standby : pick(s, null);
        if (b == standby) {
            vp.standby = null;
            b.watching = null;
            k.standbyHandOffCount.increment();
        }
        k.handOffs.handedOff(h, b, expected == Activation.IN_KERNEL, now);
        b.tenures++; // before the holder: see Activation.tenures
        vp.holder = b;
        b.processor = vp;
        b.space = s;
        b.signal = vp.preemptPending ? Activation.PREEMPT : 0;
        b.setState(Activation.RUNNING);
        Assignment as = Assignment.blocked(vp, s, h, thread);
        if (b == taker) {
            return as;
        }
        pinBeforeWaking(b, vp);
        start(b, as);
        return null;
    }

    /** {@code h} lost its VP while blocked in {@code thread}'s call ({@code now}): it must stop when the call returns. */
    void blocked(Activation h, Object thread, long now) {
        h.signal |= Activation.REVOKED;
        h.blockedThread = thread;
        h.blockedAt = now;
        blockedNow++;
    }

    // ------------------------------------------------------------------ standby

    /**
     * Runs on carrier {@code h} in {@code enterKernel}, just before its CAS: makes sure a standby
     * watches its VP. Without the lock when one is armed already (one volatile read).
     */
    void standBy(Activation h) {
        if (!k.blockingDetection) {
            return;
        }
        VirtualProcessor vp = h.processor; // racy: a hand-off may have taken it; arm re-checks under the lock
        if (vp == null || vp.standby != null) {
            return;
        }
        h.inKernelWork = true; // the lock and a Thread.start may take a while: not a user sleep
        try {
            synchronized (k.lock) {
                arm(vp, h);
            }
            startDeferred();
        } finally {
            h.inKernelWork = false;
        }
    }

    /** Arms a standby for {@code vp} while {@code h} holds it, unless one is armed or none can be had. */
    void arm(VirtualProcessor vp, Activation h) {
        assert Thread.holdsLock(k.lock);
        if (k.isClosed() || vp.holder != h || vp.standby != null) {
            return;
        }
        AddressSpace s = vp.owner;
        if (!canPick(s)) {
            return; // the monitor hands off without one
        }
        Activation b = pick(s, null);
        b.setState(Activation.STANDBY);
        b.watching = vp;
        vp.standby = b;
        pinBeforeWaking(b, vp);
        start(b, Assignment.watch(vp));
    }

    /**
     * The standby's loop (see the class comment), on standby {@code me}, without the lock: returns
     * its next assignment (the VP, handed off to it), or null when it is back to SPARE.
     */
    Assignment watch(Activation me, VirtualProcessor vp) {
        long graceUntil = System.nanoTime() + graceNanos;
        while (true) {
            Assignment as = me.takeAssignment();
            if (as != null) {
                return as;
            }
            long now = System.nanoTime();
            boolean mine = vp.standby == me && !k.isClosed();
            if (mine) {
                Activation h = vp.holder;
                if (h != null && h.state() == Activation.IN_KERNEL) {
                    graceUntil = now + graceNanos;
                    if (now - h.kernelEnteredAt >= k.blockedAfterNanos) {
                        synchronized (k.lock) {
                            Assignment got = handOff(h, vp, Activation.IN_KERNEL, h.kernelThread, me);
                            if (got != null) {
                                return got;
                            }
                        }
                    }
                } else if (vp.suspected) {
                    graceUntil = now + graceNanos; // the monitor decides, and hands the VP here
                }
            }
            if (!mine || now - graceUntil >= 0) {
                synchronized (k.lock) {
                    if (me.assignment != null) {
                        continue;
                    }
                    if (vp.standby == me) {
                        vp.standby = null;
                    }
                    me.watching = null;
                    me.setState(Activation.SPARE);
                    return null;
                }
            }
            Thread.yield(); // the holder, if it runs on this CPU, gets it back at once
        }
    }
}
