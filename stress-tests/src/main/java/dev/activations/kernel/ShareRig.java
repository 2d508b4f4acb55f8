package dev.activations.kernel;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real kernel (two VPs, <em>no blocking detection</em>, so its monitor is the lazily started
 * time-slicing ticker) shared by one saturating space with share 3 ({@link #BIG}) and two
 * spaces with share 1 that run queued {@link Job}s ({@link #SMALL}, {@link #OTHER}), all at
 * priority 5.
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
 * VP idle; the first violation seen is kept and printed.
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

    private static final AtomicReference<String> FIRST_VIOLATION = new AtomicReference<>();
    private static final AtomicInteger UNEXPECTED = new AtomicInteger();

    /** Share 3, always wants both VPs. */
    static final Hog BIG = new Hog();
    /** Share 1: runs the jobs queued by one actor. */
    public static final Space SMALL = new Space("small");
    /** Share 1: runs the jobs queued by the other actor. */
    public static final Space OTHER = new Space("other");

    private static final long JOB_NANOS = 20_000;

    private ShareRig() {
    }

    private static void spin(long nanos) {
        long until = System.nanoTime() + nanos;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    private static void checkInvariants() {
        String v = KernelInvariants.violation(KERNEL);
        if (v != null && FIRST_VIOLATION.compareAndSet(null, v)) {
            System.err.println("allocation invariant broken: " + v);
        }
    }

    /** One unit of work for one space; runs exactly once, on a VP owned by that space. */
    public static final class Job {
        final AtomicInteger runs = new AtomicInteger();
        volatile int wrongOwner;
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
            UNEXPECTED.incrementAndGet(); // no monitor hand-offs on this kernel
            return processorAdded(vp);
        }

        @Override
        public void processorPreempted(VirtualProcessor vp, Object stopped) {
            space.requestProcessors(1); // still wants it
        }

        @Override
        public void activationUnblocked(Activation activation, Object thread) {
            UNEXPECTED.incrementAndGet();
        }
    }

    /** An address space with a job queue and the smallest scheduler that can run it. */
    public static final class Space implements Upcalls {
        private final ConcurrentLinkedQueue<Job> jobs = new ConcurrentLinkedQueue<>();
        private final AddressSpace space;

        Space(String name) {
            space = KERNEL.attach(name, Allocation.DEFAULT.withShare(1), this);
        }

        /** Queues a job and asks for a processor: what the runtime does when work appears. */
        public Job submit() {
            Job j = new Job();
            jobs.add(j);
            space.requestProcessors(1);
            return j;
        }

        @Override
        public Object processorAdded(VirtualProcessor vp) {
            Activation self = Activation.current();
            while (true) {
                if (self.signal() != 0) {
                    if (!jobs.isEmpty()) {
                        space.requestProcessors(1); // rotated away with work left: ask again
                    }
                    return null;
                }
                Job j = jobs.poll();
                if (j != null) {
                    if (vp.owner != space || vp.holder != self) {
                        j.wrongOwner = 1;
                    }
                    j.runs.incrementAndGet();
                    spin(JOB_NANOS);
                    continue;
                }
                checkInvariants();
                if (!space.processorIdle(vp)) {
                    return null;
                }
            }
        }

        @Override
        public Object activationBlocked(VirtualProcessor vp, Activation blocked, Object thread) {
            UNEXPECTED.incrementAndGet();
            return processorAdded(vp);
        }

        @Override
        public void processorPreempted(VirtualProcessor vp, Object stopped) {
            if (stopped != null) {
                UNEXPECTED.incrementAndGet();
            }
        }

        @Override
        public void activationUnblocked(Activation activation, Object thread) {
            UNEXPECTED.incrementAndGet();
        }
    }

    /** Waits up to 10 s for {@code j} to run; returns how many times it ran (1 expected, 0 = never, +10 = wrong owner). */
    public static int awaitRuns(Job j) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        int spins = 0;
        while (j.runs.get() == 0 && System.nanoTime() < deadline) {
            HandOffRig.backOff(++spins);
        }
        return j.runs.get() + 10 * j.wrongOwner;
    }

    /** 0 if the invariants hold now and never failed before, and no impossible upcall came; else 1. */
    public static int health() {
        checkInvariants();
        return FIRST_VIOLATION.get() == null && UNEXPECTED.get() == 0 ? 0 : 1;
    }
}
