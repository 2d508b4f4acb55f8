package dev.activations.kernel;

/**
 * What one virtual processor is doing at an instant, read racily from the kernel's own state:
 * for samplers that measure how much processor time goes unused while work waits (the paper's
 * second promise: no processor idles while its space has a ready thread). {@link #of} reads a
 * few volatile fields of the VP and of the activation holding it, without the kernel lock; a
 * sample can mix two instants a few nanoseconds apart, which sampling at random times
 * averages out.
 *
 * <p>How each value is read, in order:
 * <pre>
 *   FREE        no activation holds the VP (the free list, or between a release and a bind)
 *   IN_TRANSIT  its holder got it by a hand-off and has not dispatched a thread yet, or is
 *               caught between states (BLOCKED, SPARE, RETIRED) inside a hand-off or release
 *   IN_KERNEL   its holder is inside a bracketed call (enterKernel), not yet handed off:
 *               for up to blockedAfter (and a monitor tick) by design
 *   IDLE        its holder lingers idle, or runs the scheduler with no thread mounted
 *               (looking for work, spinning, or a new processorAdded not yet dispatching)
 *   SUSPECTED   a thread is mounted and the monitor's last sample found the carrier waiting
 *               without progress: probably blocked in an unbracketed call, not yet handed off
 *   RUNNING     a thread is mounted (as far as the kernel knows; an unbracketed call that
 *               blocked since the monitor's last sample reads as RUNNING)
 * </pre>
 */
public enum ProcessorActivity {
    RUNNING,
    SUSPECTED,
    IN_KERNEL,
    IDLE,
    IN_TRANSIT,
    FREE;

    /**
     * What VP {@code vp} of {@code kernel} is doing now (racy). Any thread; takes no lock.
     *
     * @throws IllegalArgumentException if vp is not between 0 and processors - 1
     */
    public static ProcessorActivity of(Kernel kernel, int vp) {
        VirtualProcessor[] ps = kernel.processorsArray();
        if (vp < 0 || vp >= ps.length) {
            throw new IllegalArgumentException("vp must be between 0 and " + (ps.length - 1) + ", was " + vp);
        }
        Activation a = ps[vp].holder;
        if (a == null) {
            return FREE;
        }
        if (a.handOffPending) {
            return IN_TRANSIT;
        }
        return switch (a.state()) {
            case Activation.IN_KERNEL -> IN_KERNEL;
            case Activation.LINGERING -> IDLE;
            case Activation.RUNNING -> a.sampleMounted() == null ? IDLE : a.suspectSince != 0 ? SUSPECTED : RUNNING;
            default -> IN_TRANSIT;
        };
    }
}
