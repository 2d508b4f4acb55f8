package dev.activations.kernel;

/**
 * One of the kernel's fixed processor slots (the paper's physical processor).
 *
 * <p>Ownership: {@link #holder} and {@link #owner} change only under the kernel's
 * allocation lock; other threads (the monitor, the runtime, stats) read them racily through
 * the volatile fields and must treat what they read as a hint. Invariant (checked under the
 * lock): a VP is held by at most one activation, and that activation's {@code processor}
 * field points back to it.
 */
public final class VirtualProcessor {
    private final int id;
    private final Kernel kernel;

    /** Activation holding this VP, or null when free. Written under the kernel lock. */
    volatile Activation holder;
    /** Space this VP is allocated to, or null when free. Written under the kernel lock. */
    volatile AddressSpace owner;
    /** A preemption was requested and not yet honoured. Under the kernel lock. */
    boolean preemptPending;
    /** The pending preemption came from the owner's own {@code preempt} downcall. Under the lock. */
    boolean selfPreempt;
    /**
     * A racing preemption of this VP was taken back (another VP of its space came first); if its
     * holder had seen it already and comes back, the VP stays with its space. Under the lock.
     */
    boolean withdrawn;
    /**
     * The spare standing by to take this VP if its holder blocks ({@link Spares}, "Standby"), or
     * null. Written under the kernel lock; read without it by the holder's {@code enterKernel}
     * (null: arm one) and the monitor (non-null: leave bracketed calls to it).
     */
    volatile Activation standby;
    /**
     * The monitor suspects the holder of sleeping in an unbracketed call: the standby keeps
     * watching until the monitor hands the VP to it or clears this. Written by the monitor only.
     */
    volatile boolean suspected;

    VirtualProcessor(Kernel kernel, int id) {
        this.kernel = kernel;
        this.id = id;
    }

    /** Index of this processor in its kernel, {@code 0 .. processors-1}. */
    public int id() {
        return id;
    }

    public Kernel kernel() {
        return kernel;
    }

    /** The space this processor is allocated to now; a racy hint outside the kernel. */
    public AddressSpace owner() {
        return owner;
    }

    /** The activation running on this processor now; a racy hint outside the kernel. */
    public Activation holder() {
        return holder;
    }

    @Override
    public String toString() {
        AddressSpace o = owner;
        return "VP" + id + (o == null ? "(free)" : "(" + o.name() + ")");
    }
}
