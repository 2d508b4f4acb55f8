package dev.activations.kernel;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real kernel (two VPs, no monitor, short hysteresis) shared by address spaces that each run
 * a minimal user-level scheduler: a queue of {@link Job}s. It drives every allocation path
 * without the runtime: {@code requestProcessors} from platform threads, {@code processorIdle}
 * with lingering and its hysteresis, lingering VPs taken by another space, and preemption of
 * running VPs when a higher-priority space asks (the scheduler loop polls its signal word
 * between jobs, as the runtime does at safepoints).
 *
 * <p>The scheduler loop checks {@link KernelInvariants} every time it is about to report a VP
 * idle; the first violation seen is kept ({@link #firstViolation}) and printed.
 */
public final class AllocationRig {
    static final Kernel KERNEL = Kernel.builder()
            .processors(2)
            .blockingDetection(false)
            .idleHysteresis(Duration.ofNanos(200_000))
            .keepAlive(Duration.ofMinutes(10))
            .name("allocation-rig")
            .build();

    /**
     * A second kernel whose idle VPs linger for an hour: only lending (a lingering VP is not its
     * space's demand, so a space that asks takes it at once) can move an idle VP to another space.
     */
    static final Kernel LENDING_KERNEL = Kernel.builder()
            .processors(2)
            .blockingDetection(false)
            .idleHysteresis(Duration.ofHours(1))
            .keepAlive(Duration.ofMinutes(10))
            .name("lending-rig")
            .build();

    private static final AtomicReference<String> FIRST_VIOLATION = new AtomicReference<>();
    private static final AtomicInteger UNEXPECTED = new AtomicInteger();

    /** Priority 3. */
    public static final Space LOW = new Space("low", 3);
    /** Priority 7: preempts LOW's running VPs when it asks and LOW holds them. */
    public static final Space HIGH = new Space("high", 7);
    /** Priority 3, like LOW: the two split the VPs evenly. */
    public static final Space PEER = new Space("peer", 3);
    /** On {@link #LENDING_KERNEL}, priority 7. */
    public static final Space LENDER = new Space(LENDING_KERNEL, "lender", 7);
    /** On {@link #LENDING_KERNEL}, priority 3: borrows LENDER's idle VPs. */
    public static final Space BORROWER = new Space(LENDING_KERNEL, "borrower", 3);

    private static final long JOB_NANOS = 20_000;

    private AllocationRig() {
    }

    private static void spin(long nanos) {
        long until = System.nanoTime() + nanos;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }

    /**
     * One unit of work for one space; runs exactly once, on a VP owned by that space (or on a
     * carrier just displaced from one, which runs on to its next safepoint).
     */
    public static final class Job {
        final AtomicInteger runs = new AtomicInteger();
        volatile int wrongOwner;
    }

    /** An address space with a job queue and the smallest scheduler that can run it. */
    public static final class Space implements Upcalls {
        private final ConcurrentLinkedQueue<Job> jobs = new ConcurrentLinkedQueue<>();
        private final Kernel kernel;
        private final AddressSpace space;

        Space(String name, int priority) {
            this(KERNEL, name, priority);
        }

        Space(Kernel kernel, String name, int priority) {
            this(kernel, name, Allocation.ofPriority(priority));
        }

        Space(Kernel kernel, String name, Allocation allocation) {
            this.kernel = kernel;
            space = kernel.attach(name, allocation, this);
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
                    // Preempted: give the VP back (no thread was stopped). A request that
                    // processorIdle just answered with "keep" may have been for a job still
                    // queued: ask again, as the runtime does when a worker leaves with work left.
                    if (!jobs.isEmpty()) {
                        space.requestProcessors(1);
                    }
                    return null;
                }
                Job j = jobs.poll();
                if (j != null) {
                    if (!holdsOrDisplaced(self)) {
                        j.wrongOwner = 1;
                    }
                    j.runs.incrementAndGet();
                    spin(JOB_NANOS); // long enough for a higher-priority request to find this VP running
                    continue;
                }
                checkInvariants(kernel);
                if (!space.processorIdle(vp)) {
                    return null;
                }
            }
        }

        /**
         * True if {@code self} holds a VP of this space, or has been displaced from one (OS
         * priorities: the VP went to a higher space's carrier at once, and this carrier runs on to
         * its next safepoint, the top of the loop). Read under the kernel lock: displacement and
         * reinstatement (a displaced carrier given a VP of its space again, perhaps another one)
         * both happen under it, and a carrier at a high nice value can be kept off its CPU by the
         * OS between two unlocked reads for long enough to see both (a racy version of this check
         * reported 1 wrong owner in 493 738 samples of {@code Kernel_LendLingeringProcessor}).
         */
        private boolean holdsOrDisplaced(Activation self) {
            synchronized (kernel.lock) {
                if (self.state() == Activation.DISPLACED) {
                    return true;
                }
                VirtualProcessor mine = self.processor();
                boolean ok = mine != null && mine.owner == space && mine.holder == self;
                if (!ok) {
                    System.err.println("job on a VP not held: " + self + " state " + self.state() + " vp " + mine
                            + (mine == null ? "" : " owner " + mine.owner + " holder " + mine.holder));
                }
                return ok;
            }
        }

        @Override
        public Object activationBlocked(VirtualProcessor vp, Activation blocked, Object thread) {
            UNEXPECTED.incrementAndGet(); // no monitor, no hand-off
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

    /** Waits up to 10 s for {@code j} to run; returns how many times it ran (1 expected, 2+ = twice, 0 = lost). */
    public static int awaitRuns(Job j) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        int spins = 0;
        while (j.runs.get() == 0 && System.nanoTime() < deadline) {
            HandOffRig.backOff(++spins);
        }
        return j.runs.get() + 10 * j.wrongOwner;
    }

    /** Keeps (and prints) the first violation of {@link KernelInvariants} seen on {@code kernel}. */
    static void checkInvariants(Kernel kernel) {
        String v = KernelInvariants.violation(kernel);
        if (v != null && FIRST_VIOLATION.compareAndSet(null, v)) {
            System.err.println("allocation invariant broken: " + v);
        }
    }

    /** A rig's scheduler saw an upcall its kernel must never deliver to it. */
    static void unexpected() {
        UNEXPECTED.incrementAndGet();
    }

    /**
     * 0 if the invariants hold now on {@code kernel} and never failed before on any rig kernel,
     * and no impossible upcall came; else 1.
     */
    static int health(Kernel kernel) {
        checkInvariants(kernel);
        return FIRST_VIOLATION.get() == null && UNEXPECTED.get() == 0 ? 0 : 1;
    }

    /** {@link #health(Kernel)} of both of this rig's kernels. */
    public static int health() {
        return health(KERNEL) | health(LENDING_KERNEL);
    }

    /** VPs {@code s} holds now (under the lock; for interesting outcomes only). */
    public static int held(Space s) {
        return s.space.processorsHeld();
    }
}
