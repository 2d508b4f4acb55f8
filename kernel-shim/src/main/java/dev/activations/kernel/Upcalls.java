package dev.activations.kernel;

/**
 * Kernel → address space notifications (the paper's Table II). One instance per
 * {@link AddressSpace}, supplied by the user-level scheduler at {@link Kernel#attach}.
 *
 * <p>Every upcall runs on an {@link Activation} (a kernel carrier thread). The two that
 * carry a processor ({@link #processorAdded}, {@link #activationBlocked}) run the
 * scheduler on it and return only when they stop using it: because the kernel raised a
 * {@linkplain Activation#signal() signal}, or because {@link AddressSpace#processorIdle}
 * answered {@code false}. The other two run on an activation that holds no processor for
 * this space: they must be short, must not block and must not run user code.
 *
 * <p>User-level threads cross this interface as opaque handles ({@code Object}); the kernel
 * never looks inside them.
 */
public interface Upcalls {

    /**
     * The allocator gave {@code vp} to this space. Runs on the activation that now holds it.
     *
     * @return the user thread that was stopped on this activation when the scheduler gave
     *     the processor up (preempted at a safepoint, or revoked after blocking), or
     *     {@code null} if none was running
     */
    Object processorAdded(VirtualProcessor vp);

    /**
     * {@code vp} was taken from this space (reallocation, or a {@link AddressSpace#preempt}
     * downcall); {@code stopped} is the user thread that was running on it, or null. Runs on
     * an activation that no longer holds {@code vp}. Must not block.
     */
    void processorPreempted(VirtualProcessor vp, Object stopped);

    /**
     * {@code blocked} blocked in the kernel while running {@code thread}; its processor
     * {@code vp} now belongs to the fresh activation this upcall runs on. The scheduler notes
     * the blocked thread and goes on running other threads on {@code vp}, exactly as in
     * {@link #processorAdded}; the return value means the same.
     */
    Object activationBlocked(VirtualProcessor vp, Activation blocked, Object thread);

    /**
     * The blocking call of {@code thread} returned on {@code activation}, whose processor is
     * gone. Runs on that activation after the thread stopped at its next safepoint; it holds
     * no processor. Must not block. {@code thread} is the user thread the runtime stopped at
     * that safepoint, or null if the thread left the carrier by itself first (it ended, or
     * parked) and so needs nothing from the scheduler.
     */
    void activationUnblocked(Activation activation, Object thread);

    /**
     * May the kernel give {@code holder}'s processor to a higher-priority space <em>now</em>,
     * while its code runs (displacement: the OS then runs the other space's carrier and this one
     * only in what CPU time is left, until its next safepoint), rather than at its next safepoint?
     * Asked under the kernel's lock, about an activation of this space that holds a processor:
     * answer from racy reads, quickly, without blocking or calling the kernel. The runtime
     * answers false while the thread on {@code holder} is inside a critical section, so that the
     * section keeps its processor to its end. Default: true.
     */
    default boolean mayDisplace(Activation holder) {
        return true;
    }

    /**
     * The kernel closed while this space was attached: no processor will ever come back.
     * Called once, after every carrier has stopped, on the thread that closed the kernel.
     */
    default void kernelClosed() {
    }
}
