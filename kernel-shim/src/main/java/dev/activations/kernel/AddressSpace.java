package dev.activations.kernel;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * One application (user-level scheduler) attached to a {@link Kernel}. Its methods are the
 * paper's downcalls (Table III); {@link Activation#enterKernel}/{@link Activation#exitKernel}
 * are the blocking bracket.
 *
 * <h2>Ownership</h2>
 * Fields marked "lock" are guarded by the kernel's allocation lock and written only by the
 * kernel; the counters are {@link LongAdder}s written wherever the event happens. The
 * {@link Allocation} is fixed at attach.
 *
 * <h2>Processor-time account (lock)</h2>
 * {@code processorNanos(now) = heldNanos + held * (now - heldSince)}: the VP time this space
 * has held (running, in the kernel or lingering), exact to the moment, because the kernel
 * folds the running product into {@code heldNanos} ({@link #heldChanging}) just before every
 * change of {@code held}. {@code lag}, {@code entitled}, {@code sliced} and
 * {@code accountedNanos} are the time-slicing account the kernel keeps per space: see
 * {@link Kernel}'s overview, "Time slicing".
 */
public final class AddressSpace implements AutoCloseable {
    private final Kernel kernel;
    private final String name;
    private final Allocation allocation;
    private final Upcalls upcalls;

    /** lock: VPs allocated to this space (running, in the kernel or lingering). */
    int held;
    /** lock: processors asked for and not yet given (requestProcessors minus satisfied). */
    int pending;
    /** lock: preemptions requested from this space and not yet honoured. */
    int preemptsInFlight;
    /** lock: activations holding an idle VP of this space during the hysteresis. */
    final ArrayDeque<Activation> lingering = new ArrayDeque<>();
    /**
     * lock: this space's activations displaced by a higher space and still running user code
     * (they have not reached a safepoint yet). Part of its demand: the first VP the space gets
     * back goes to one of them ({@link Planner#reinstate}).
     */
    final ArrayDeque<Activation> displaced = new ArrayDeque<>();
    /** lock: detached spaces get no processors and lose the ones they hold. */
    boolean detached;
    /**
     * OS nice value of this space's carriers ({@link OsPriorities}, from its level among the
     * attached spaces' priorities). Written under the lock at attach and detach; read without it
     * by a carrier about to run an upcall (a stale value is corrected at its next upcall).
     */
    volatile int nice;

    /** lock: VP time held before {@link #heldSince}, ns. */
    long heldNanos;
    /** lock: System.nanoTime() of the last change of {@link #held}. */
    long heldSince = System.nanoTime();
    /** lock: {@link #processorNanos} at the kernel's last share accrual. */
    long accountedNanos;
    /** lock: processor time behind this space's portion, ns of VP time (negative: ahead); bounded. */
    long lag;
    /** lock: this space's portion at the last plan, in units of the kernel's {@code shareParts}. */
    long entitled;
    /** lock: its portion at the last plan was fractional, so its target rotates. */
    boolean sliced;

    final LongAdder added = new LongAdder();
    final LongAdder preempted = new LongAdder();
    final LongAdder blocked = new LongAdder();
    final LongAdder unblocked = new LongAdder();
    final LongAdder requests = new LongAdder();
    final LongAdder upcallFailures = new LongAdder();

    AddressSpace(Kernel kernel, String name, Allocation allocation, Upcalls upcalls) {
        this.kernel = kernel;
        this.name = name;
        this.allocation = allocation;
        this.upcalls = upcalls;
    }

    public String name() {
        return name;
    }

    public int priority() {
        return allocation.priority();
    }

    /** What this space asked of the allocator at attach: priority, minimum, cap, share. */
    public Allocation allocation() {
        return allocation;
    }

    public Kernel kernel() {
        return kernel;
    }

    Upcalls upcalls() {
        return upcalls;
    }

    /**
     * Downcall: this space has {@code n} more runnable threads than processors. The kernel
     * wakes this space's lingering processors, gives it free ones, or preempts lower-priority
     * (or over-share) spaces; what it cannot give now stays requested until this space
     * reports a processor idle. Never blocks for long (takes the allocation lock).
     *
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public void requestProcessors(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1 (processors wanted), was " + n);
        }
        requests.increment();
        kernel.requestProcessors(this, n);
    }

    /**
     * Downcall: the calling activation's processor {@code vp} has nothing to run. May park
     * the caller for the kernel's idle hysteresis. Returns true when the caller keeps its
     * processor and should look for work again; false when it is gone and the upcall must
     * return (also when it was revoked or displaced while the caller ran or waited). After a
     * displacement the kernel may have given the caller another VP of this space instead of
     * {@code vp}: the call is about the caller's processor.
     *
     * @throws IllegalStateException if the caller is not an activation of this space holding a
     *     processor, or one that lost it
     */
    public boolean processorIdle(VirtualProcessor vp) {
        Objects.requireNonNull(vp, "vp");
        return kernel.processorIdle(this, vp);
    }

    /**
     * Downcall: stop the thread running on {@code vp}, one of this space's own processors, at
     * its next safepoint. The space keeps {@code vp}: it gets {@code processorPreempted} and
     * then {@code processorAdded} for it. Used by priority scheduling. A no-op if {@code vp} is
     * no longer this space's (a higher space or a hand-off may have taken it since).
     *
     * @throws IllegalArgumentException if {@code vp} belongs to another kernel
     */
    public void preempt(VirtualProcessor vp) {
        Objects.requireNonNull(vp, "vp");
        kernel.preemptOwn(this, vp);
    }

    /** Processors allocated to this space now (racy snapshot). */
    public int processorsHeld() {
        return kernel.heldBy(this);
    }

    /**
     * Cumulative VP time this space has held since it was attached, in nanoseconds: the sum,
     * over its processors, of the time each was allocated to it (running, inside a kernel call
     * or lingering idle). Exact to the call; takes the allocation lock. Divide the growth over
     * an interval by the interval to get the average number of processors held.
     */
    public long processorNanos() {
        return kernel.processorNanos(this);
    }

    /** A snapshot of this space's counters. */
    public SpaceStats stats() {
        return kernel.spaceStats(this);
    }

    /**
     * Detaches this space: it gets no more processors and the ones it holds are preempted.
     * Idempotent.
     */
    @Override
    public void close() {
        kernel.detach(this);
    }

    /** VP time held up to {@code now}. Caller holds the kernel lock. */
    long processorNanos(long now) {
        return heldNanos + held * (now - heldSince);
    }

    /** Folds the time held so far into {@link #heldNanos}; call just before changing {@link #held}. Caller holds the kernel lock. */
    void heldChanging(long now) {
        heldNanos = processorNanos(now);
        heldSince = now;
    }

    @Override
    public String toString() {
        return "AddressSpace[" + name + ", priority " + allocation.priority() + "]";
    }
}
