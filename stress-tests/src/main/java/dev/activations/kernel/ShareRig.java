package dev.activations.kernel;

import java.time.Duration;

/**
 * A real kernel (two VPs, <em>no blocking detection</em>, so its monitor is the lazily started
 * time-slicing ticker) shared by one saturating space with share 3 ({@link #BIG}) and two
 * spaces with share 1 that run queued jobs ({@link #SMALL}, {@link #OTHER}: {@link AllocationRig}'s
 * job scheduler, on this kernel), all at priority 5.
 *
 * <p>BIG always wants both VPs and never reports one idle; when it holds both, nothing but the
 * ticker can move one: a request from a small space makes the portions fractional (1.5 and
 * 0.5, or 1.2, 0.4 and 0.4) without freeing anything, and only the ticker's re-plans, once the
 * small space is a quantum behind, preempt one of BIG's VPs for it. When the small spaces run
 * out of jobs their VPs go back to BIG, slicing stops and the ticker parks, so every round of
 * requests races the ticker going to sleep: the kernel sets {@code slicing} and unparks it; the
 * ticker reads {@code slicing}, then parks.
 *
 * <p>The small spaces' loop checks {@link KernelInvariants} every time it is about to report a
 * VP idle; the first violation seen is kept and printed ({@link AllocationRig#checkInvariants}).
 */
public final class ShareRig {
    static final Kernel KERNEL = Kernel.builder()
            .processors(2)
            .blockingDetection(false)
            .idleHysteresis(Duration.ofNanos(200_000))
            .monitorInterval(Duration.ofNanos(500_000)) // the ticker's period; the quantum stays 5 ms
            .keepAlive(Duration.ofMinutes(10))
            .name("share-rig")
            .build();

    /** Share 3, always wants both VPs. */
    static final Hog BIG = new Hog();
    /** Share 1: runs the jobs queued by one actor. */
    public static final AllocationRig.Space SMALL = new AllocationRig.Space(KERNEL, "small", Allocation.DEFAULT.withShare(1));
    /** Share 1: runs the jobs queued by the other actor. */
    public static final AllocationRig.Space OTHER = new AllocationRig.Space(KERNEL, "other", Allocation.DEFAULT.withShare(1));

    private ShareRig() {
    }

    /** A space that computes forever on every VP it gets, yielding the CPU, until preempted. */
    static final class Hog implements Upcalls {
        private final AddressSpace space;

        Hog() {
            space = KERNEL.attach("big", Allocation.DEFAULT.withShare(3), this);
            space.requestProcessors(2);
        }

        @Override
        public Object processorAdded(VirtualProcessor vp) {
            Activation self = Activation.current();
            while (self.signal() == 0) {
                Thread.yield();
            }
            return null;
        }

        @Override
        public Object activationBlocked(VirtualProcessor vp, Activation blocked, Object thread) {
            AllocationRig.unexpected(); // no monitor hand-offs on this kernel
            return processorAdded(vp);
        }

        @Override
        public void processorPreempted(VirtualProcessor vp, Object stopped) {
            space.requestProcessors(1); // still wants it
        }

        @Override
        public void activationUnblocked(Activation activation, Object thread) {
            AllocationRig.unexpected();
        }
    }

    /** {@link AllocationRig#health(Kernel)} of this rig's kernel. */
    public static int health() {
        return AllocationRig.health(KERNEL);
    }
}
