package dev.activations.kernel;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * One application (user-level scheduler) attached to a {@link Kernel}. Its methods are the
 * paper's downcalls (Table III); {@link Activation#enterKernel}/{@link Activation#exitKernel}
 * are the blocking bracket.
 *
 * <p>Fields marked "lock" are guarded by the kernel's allocation lock; the counters are
 * {@link LongAdder}s written wherever the event happens.
 */
public final class AddressSpace implements AutoCloseable {
    private final Kernel kernel;
    private final String name;
    private final int priority;
    private final Upcalls upcalls;

    /** lock: VPs allocated to this space (running, in the kernel or lingering). */
    int held;
    /** lock: processors asked for and not yet given (requestProcessors minus satisfied). */
    int pending;
    /** lock: preemptions requested from this space and not yet honoured. */
    int preemptsInFlight;
    /** lock: activations holding an idle VP of this space during the hysteresis. */
    final ArrayDeque<Activation> lingering = new ArrayDeque<>();
    /** lock: detached spaces get no processors and lose the ones they hold. */
    boolean detached;

    final LongAdder added = new LongAdder();
    final LongAdder preempted = new LongAdder();
    final LongAdder blocked = new LongAdder();
    final LongAdder unblocked = new LongAdder();
    final LongAdder requests = new LongAdder();
    final LongAdder upcallFailures = new LongAdder();

    AddressSpace(Kernel kernel, String name, int priority, Upcalls upcalls) {
        this.kernel = kernel;
        this.name = name;
        this.priority = priority;
        this.upcalls = upcalls;
    }

    public String name() {
        return name;
    }

    public int priority() {
        return priority;
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
     * the caller for the kernel's idle hysteresis. Returns true when the caller keeps
     * {@code vp} and should look for work again; false when {@code vp} is gone and the upcall
     * must return (also when the monitor revoked {@code vp} while the caller waited).
     *
     * @throws IllegalStateException if the caller is not the activation holding (or, revoked,
     *     last holding) {@code vp}
     */
    public boolean processorIdle(VirtualProcessor vp) {
        Objects.requireNonNull(vp, "vp");
        return kernel.processorIdle(this, vp);
    }

    /**
     * Downcall: stop the thread running on {@code vp}, one of this space's own processors, at
     * its next safepoint. The space keeps {@code vp}: it gets {@code processorPreempted} and
     * then {@code processorAdded} for it. Used by priority scheduling.
     *
     * @throws IllegalArgumentException if {@code vp} is not allocated to this space
     */
    public void preempt(VirtualProcessor vp) {
        Objects.requireNonNull(vp, "vp");
        kernel.preemptOwn(this, vp);
    }

    /** Processors allocated to this space now (racy snapshot). */
    public int processorsHeld() {
        return kernel.heldBy(this);
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

    @Override
    public String toString() {
        return "AddressSpace[" + name + ", priority " + priority + "]";
    }
}
