package dev.activations.kernel;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real kernel (one VP) whose only address space runs {@link Trial}s, so that two
 * jcstress actors can race a carrier's own CAS ({@code enterKernel}/{@code exitKernel}) against
 * the monitor's hand-off ({@link Kernel#handOff}) on a carrier that really holds the VP.
 *
 * <h2>How one trial goes</h2>
 * <ol>
 *   <li>An actor queues the trial. The activation holding the VP (inside its
 *       {@code processorAdded} or {@code activationBlocked} upcall) takes it, optionally enters
 *       the kernel itself ({@code enterKernel}, RUNNING -> IN_KERNEL), and publishes itself
 *       as the trial's {@code carrier}.</li>
 *   <li>The actors race: one makes the carrier's CAS on its behalf (the carrier waits, so the
 *       CAS is the carrier's as far as the state machine is concerned), the other plays the
 *       monitor and calls {@code handOff}. Nothing else hands off: on {@link #plain()} the
 *       monitor does not detect blocking, on {@link #withStandby()} it and the standby it arms at
 *       {@code enterKernel} wait an hour.</li>
 *   <li>When both are done, the carrier snapshots, under the kernel lock, who holds the VP and
 *       in which state it is itself, and checks {@link KernelInvariants}. If the hand-off won
 *       (it is BLOCKED) it returns the trial from its upcall, as the runtime returns a stopped
 *       thread; the kernel then delivers {@code activationUnblocked(carrier, trial)} and parks
 *       it as a spare. The hand-off's new activation runs {@code activationBlocked} and serves
 *       the next trial. Each trial counts the upcalls it got.</li>
 * </ol>
 * Two rigs per JVM at most (made on first use); each runs its trials one at a time, in the order
 * queued.
 */
public final class HandOffRig {
    /** Upcalls that must never come (processorPreempted, an unknown thread): a kernel bug. Over every rig. */
    static final AtomicInteger UNEXPECTED = new AtomicInteger();

    private final Kernel kernel;
    private final ConcurrentLinkedQueue<Trial> trials = new ConcurrentLinkedQueue<>();
    private final AddressSpace space;

    private HandOffRig(Kernel kernel) {
        this.kernel = kernel;
        this.space = kernel.attach("handoff-rig", 5, new Upcalls() {
            @Override
            public Object processorAdded(VirtualProcessor vp) {
                return serve(vp);
            }

            @Override
            public Object activationBlocked(VirtualProcessor vp, Activation blocked, Object thread) {
                if (thread instanceof Trial t && t.carrier == blocked) {
                    t.blockedUpcalls.incrementAndGet();
                } else {
                    UNEXPECTED.incrementAndGet();
                }
                return serve(vp);
            }

            @Override
            public void processorPreempted(VirtualProcessor vp, Object stopped) {
                UNEXPECTED.incrementAndGet();
            }

            @Override
            public void activationUnblocked(Activation activation, Object thread) {
                if (thread instanceof Trial t && t.carrier == activation) {
                    t.unblockedUpcalls.incrementAndGet();
                } else {
                    UNEXPECTED.incrementAndGet();
                }
            }
        });
        space.requestProcessors(1);
    }

    /** The rig whose kernel has no monitor and no standbys: only the actors hand off. */
    static HandOffRig plain() {
        return Plain.RIG;
    }

    /**
     * The rig whose kernel arms a standby at every {@code enterKernel} but never hands off by
     * itself (an hour's {@code blockedAfter} and {@code monitorInterval}, and no sentinels, whose
     * pokes would make the monitor tick and arm standbys of its own): the actors' hand-off gives
     * the VP to that standby, which may be taking its watch assignment at that moment.
     */
    static HandOffRig withStandby() {
        return WithStandby.RIG;
    }

    private static final class Plain {
        static final HandOffRig RIG = new HandOffRig(Kernel.builder()
                .processors(1)
                .blockingDetection(false)
                .keepAlive(Duration.ofMinutes(10))
                .name("handoff-rig")
                .build());
    }

    private static final class WithStandby {
        static final HandOffRig RIG = new HandOffRig(Kernel.builder()
                .processors(1)
                .blockedAfter(Duration.ofHours(1))
                .monitorInterval(Duration.ofHours(1))
                .sentinels(false)
                .keepAlive(Duration.ofMinutes(10))
                .name("standby-rig")
                .build());
    }

    /** One race. Fields written by the carrier are published by {@link #recorded}. */
    public static final class Trial {
        final HandOffRig rig;
        final boolean carrierEnters;
        volatile Activation carrier;
        VirtualProcessor vp;
        volatile boolean actor1Done;
        volatile boolean actor2Done;
        /** Carrier's snapshot after both actors: VP holder is the carrier (1), another activation (2), broken (0). */
        int holder;
        /** Carrier's state after both actors. */
        int carrierState;
        String violation;
        volatile boolean recorded;
        final AtomicInteger blockedUpcalls = new AtomicInteger();
        final AtomicInteger unblockedUpcalls = new AtomicInteger();

        /**
         * A trial on {@link #plain()}. {@code carrierEnters}: the carrier enters the kernel before
         * the race (IN_KERNEL), else stays RUNNING.
         */
        public Trial(boolean carrierEnters) {
            this(plain(), carrierEnters);
        }

        /** A trial on {@code rig}. */
        public Trial(HandOffRig rig, boolean carrierEnters) {
            this.rig = rig;
            this.carrierEnters = carrierEnters;
        }

        /** Queues this trial and waits until a carrier holding the VP is ready for it. */
        public Activation submitAndAwaitCarrier() {
            rig.trials.add(this);
            return awaitCarrier();
        }

        /** Waits until a carrier holding the VP is ready for this trial. */
        public Activation awaitCarrier() {
            Activation a;
            int spins = 0;
            while ((a = carrier) == null) {
                backOff(++spins);
            }
            return a;
        }

        /** The carrier's own CAS, made for it: {@link Activation#enterKernel}. */
        public boolean enterKernel() {
            return carrier.enterKernel(this);
        }

        /** The carrier's own CAS, made for it: {@link Activation#exitKernel}. */
        public boolean exitKernel() {
            return carrier.exitKernel();
        }

        /** What the monitor does when it finds the carrier blocked: bracketed (IN_KERNEL) or not (RUNNING). */
        public void monitorHandOff(boolean inKernel) {
            rig.kernel.handOff(carrier, vp, inKernel ? Activation.IN_KERNEL : Activation.RUNNING, this);
        }

        public void actor1Done() {
            actor1Done = true;
        }

        public void actor2Done() {
            actor2Done = true;
        }

        /** Waits until the carrier recorded the outcome; then the fields below are stable. */
        public void awaitRecorded() {
            int spins = 0;
            while (!recorded) {
                backOff(++spins);
            }
        }

        /** 1: the carrier still holds the VP; 2: another activation holds it; 0: neither (broken). */
        public int holder() {
            return holder;
        }

        /** The carrier's state after both actors: 1 RUNNING (kept the VP), 3 BLOCKED (lost it). */
        public int carrierState() {
            return carrierState;
        }

        public boolean carrierBlocked() {
            return carrierState == Activation.BLOCKED;
        }

        /** Null, or the invariant the carrier found broken after the race. */
        public String violation() {
            return violation;
        }

        /**
         * Upcalls this trial caused, once they arrived (waits up to 10 s for the expected ones):
         * 11 = activationBlocked on the new carrier and activationUnblocked on the old one (the
         * hand-off's pair), 0 = none.
         */
        public int upcalls(boolean handedOff) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            int spins = 0;
            while (handedOff && (blockedUpcalls.get() < 1 || unblockedUpcalls.get() < 1)
                    && System.nanoTime() < deadline) {
                backOff(++spins);
            }
            return 10 * blockedUpcalls.get() + unblockedUpcalls.get();
        }
    }

    /** Unexpected upcalls so far (sticky): must stay 0. */
    public static int unexpectedUpcalls() {
        return UNEXPECTED.get();
    }

    /** The upcall body: serve trials until one ends with this carrier BLOCKED; never goes idle. */
    private Object serve(VirtualProcessor vp) {
        Activation self = Activation.current();
        int spins = 0;
        while (true) {
            Trial t = trials.poll();
            if (t == null) {
                backOff(++spins);
                continue;
            }
            spins = 0;
            t.vp = vp;
            if (t.carrierEnters && !self.enterKernel(t)) {
                UNEXPECTED.incrementAndGet(); // nobody can hand off between trials
            }
            t.carrier = self; // volatile: publishes vp; the trial may start
            while (!(t.actor1Done && t.actor2Done)) {
                backOff(++spins);
            }
            spins = 0;
            synchronized (kernel.allocationLock()) {
                Activation h = vp.holder;
                t.holder = h == self && self.processor == vp ? 1
                        : h != null && h != self && h.processor == vp && self.processor == null ? 2 : 0;
                t.carrierState = self.state();
            }
            t.violation = KernelInvariants.violation(kernel);
            t.recorded = true;
            if (t.carrierState == Activation.BLOCKED) {
                return t; // stopped: the kernel delivers activationUnblocked(self, t)
            }
        }
    }

    static void backOff(int spins) {
        if (spins < 100) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }
}
