package dev.activations.kernel;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real kernel (one VP, OS priorities on, no blocking detection) with two spaces, so that two
 * jcstress actors can race the low space's carrier's own CAS ({@code enterKernel} /
 * {@code exitKernel}) against a displacement ({@code Preemption}: the high space asks for the
 * processor, and the kernel gives it to a carrier of the high space at once, CASing the low
 * holder RUNNING -> DISPLACED or IN_KERNEL -> BLOCKED).
 *
 * <h2>How one trial goes</h2>
 * <ol>
 *   <li>An actor queues the trial. The low space's carrier holding the VP (inside its
 *       {@code processorAdded}) takes it, optionally enters the kernel itself, and publishes
 *       itself as the trial's {@code carrier}.</li>
 *   <li>The actors race: one makes the carrier's CAS on its behalf (the carrier waits, so the CAS
 *       is the carrier's as far as the state machine is concerned), the other calls
 *       {@code requestProcessors(1)} for the high space.</li>
 *   <li>When both are done, the carrier snapshots, under the kernel lock, who holds the VP and in
 *       which state it is itself, and checks {@link KernelInvariants}. Then it returns the trial
 *       from its upcall as the stopped thread; the kernel delivers {@code processorPreempted}
 *       (displaced) or {@code activationUnblocked} (blocked) to the low space, which asks for the
 *       processor again. The high space's {@code processorAdded} gives the processor up at once
 *       (it records the carrier it ran on, which must not be the low one).</li>
 * </ol>
 * Needs OS priorities (Linux, native access: the suite's launcher passes
 * {@code --enable-native-access}); without them no displacement happens and the tests fail.
 * One rig per JVM; trials run one at a time, in the order queued.
 */
public final class DisplaceRig {
    static final Kernel KERNEL = Kernel.builder()
            .processors(1)
            .blockingDetection(false)
            .keepAlive(Duration.ofMinutes(10))
            .name("displace-rig")
            .build();
    private static final ConcurrentLinkedQueue<Trial> TRIALS = new ConcurrentLinkedQueue<>();
    /** Upcalls that must never come: a kernel bug. Sticky. */
    static final AtomicInteger UNEXPECTED = new AtomicInteger();
    private static volatile Trial current;

    private static final AddressSpace LOW = KERNEL.attach("low", 3, new Upcalls() {
        @Override
        public Object processorAdded(VirtualProcessor vp) {
            return serve(vp);
        }

        @Override
        public Object activationBlocked(VirtualProcessor vp, Activation blocked, Object thread) {
            UNEXPECTED.incrementAndGet(); // no blocking detection: only a displacement revokes
            return null;
        }

        @Override
        public void processorPreempted(VirtualProcessor vp, Object stopped) {
            if (stopped instanceof Trial t) {
                t.preempted.incrementAndGet();
            } else {
                UNEXPECTED.incrementAndGet();
            }
            LOW.requestProcessors(1);
        }

        @Override
        public void activationUnblocked(Activation activation, Object thread) {
            if (thread instanceof Trial t && t.carrier == activation) {
                t.unblocked.incrementAndGet();
            } else {
                UNEXPECTED.incrementAndGet();
            }
            LOW.requestProcessors(1);
        }
    });

    private static final AddressSpace HIGH = KERNEL.attach("high", 8, new Upcalls() {
        @Override
        public Object processorAdded(VirtualProcessor vp) {
            Trial t = current;
            if (t != null) {
                t.highRanOn = Activation.current();
                int spins = 0;
                while (!t.recorded) { // holds the VP until the low carrier has looked at it
                    HandOffRig.backOff(++spins);
                }
            }
            return null; // then gives the processor up: the low space gets it back for the next trial
        }

        @Override
        public Object activationBlocked(VirtualProcessor vp, Activation blocked, Object thread) {
            UNEXPECTED.incrementAndGet();
            return null;
        }

        @Override
        public void processorPreempted(VirtualProcessor vp, Object stopped) {
            UNEXPECTED.incrementAndGet(); // it gives its processor up at once: nothing to take back
        }

        @Override
        public void activationUnblocked(Activation activation, Object thread) {
            UNEXPECTED.incrementAndGet();
        }
    });

    static {
        LOW.requestProcessors(1);
    }

    private DisplaceRig() {
    }

    /** Whether this JVM's kernel displaces at all (OS priorities active). */
    public static boolean displaces() {
        return KERNEL.osPriorities().startsWith("os priorities");
    }

    /** One race. Fields written by the carrier are published by {@link #recorded}. */
    public static final class Trial {
        final boolean carrierEnters;
        volatile Activation carrier;
        volatile Activation highRanOn;
        volatile boolean actor1Done;
        volatile boolean actor2Done;
        /** VP holder after both actors: the carrier (1), another activation (2), broken (0). */
        int holder;
        int carrierState;
        String violation;
        volatile boolean recorded;
        final AtomicInteger preempted = new AtomicInteger();
        final AtomicInteger unblocked = new AtomicInteger();

        /** {@code carrierEnters}: the carrier is IN_KERNEL before the race, else RUNNING. */
        public Trial(boolean carrierEnters) {
            this.carrierEnters = carrierEnters;
        }

        /** Queues this trial and waits until the low carrier holding the VP is ready for it. */
        public void submitAndAwaitCarrier() {
            TRIALS.add(this);
            awaitCarrier();
        }

        public void awaitCarrier() {
            int spins = 0;
            while (carrier == null) {
                HandOffRig.backOff(++spins);
            }
        }

        public boolean enterKernel() {
            return carrier.enterKernel(this);
        }

        public boolean exitKernel() {
            return carrier.exitKernel();
        }

        /** The high space asks for the processor: the kernel displaces the low holder. */
        public void highRequests() {
            HIGH.requestProcessors(1);
        }

        public void actor1Done() {
            actor1Done = true;
        }

        public void actor2Done() {
            actor2Done = true;
        }

        public void awaitRecorded() {
            int spins = 0;
            while (!recorded) {
                HandOffRig.backOff(++spins);
            }
        }

        public int holder() {
            return holder;
        }

        /** 1 RUNNING, 2 IN_KERNEL, 3 BLOCKED, 7 DISPLACED. */
        public int carrierState() {
            return carrierState;
        }

        public String violation() {
            return violation;
        }

        /**
         * The upcalls the low space got for this trial, once they arrived (waits up to 10 s):
         * 10 * processorPreempted + activationUnblocked; plus 100 if the high space ran on
         * another carrier than the low one.
         */
        public int upcalls() {
            long deadline = System.nanoTime() + 10_000_000_000L;
            int spins = 0;
            while ((preempted.get() + unblocked.get() < 1 || highRanOn == null) && System.nanoTime() < deadline) {
                HandOffRig.backOff(++spins);
            }
            Activation h = highRanOn;
            return 10 * preempted.get() + unblocked.get() + (h != null && h != carrier ? 100 : 0);
        }
    }

    public static int unexpectedUpcalls() {
        return UNEXPECTED.get();
    }

    /** The low space's upcall body: serves one trial, then returns it as the stopped thread. */
    private static Object serve(VirtualProcessor vp) {
        Activation self = Activation.current();
        int spins = 0;
        Trial t;
        while ((t = TRIALS.poll()) == null) {
            HandOffRig.backOff(++spins);
        }
        current = t;
        if (t.carrierEnters && !self.enterKernel(t)) {
            UNEXPECTED.incrementAndGet(); // nobody displaces between trials
        }
        t.carrier = self; // volatile: the trial may start
        spins = 0;
        while (!(t.actor1Done && t.actor2Done)) {
            HandOffRig.backOff(++spins);
        }
        synchronized (KERNEL.allocationLock()) {
            Activation h = vp.holder;
            t.holder = h == self && self.processor == vp ? 1
                    : h != null && h != self && h.processor == vp && self.processor == null ? 2 : 0;
            t.carrierState = self.state();
        }
        t.violation = KernelInvariants.violation(KERNEL);
        t.recorded = true;
        if (self.state() == Activation.IN_KERNEL) {
            self.exitKernel(); // not displaced while in the kernel: a broken trial, recorded above
        }
        return t;
    }
}
