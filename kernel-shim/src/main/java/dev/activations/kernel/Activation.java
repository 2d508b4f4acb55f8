package dev.activations.kernel;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * A scheduler activation: a platform carrier thread the kernel runs upcalls on. It holds at
 * most one {@link VirtualProcessor} at a time.
 *
 * <h2>State machine ({@link #state})</h2>
 * <pre>
 *   SPARE     -> RUNNING     kernel gives it a VP (under the kernel lock)
 *   SPARE     -> STANDBY     kernel arms it to watch a VP whose holder may block (under lock; Spares)
 *   STANDBY   -> RUNNING     it took (or was given) that VP in a hand-off (under lock)
 *   STANDBY   -> SPARE       nothing blocked within its grace period (under lock)
 *   RUNNING   -> IN_KERNEL   enterKernel, by this carrier (CAS: a hand-off may race)
 *   IN_KERNEL -> RUNNING     exitKernel, by this carrier (CAS; fails if a hand-off won)
 *   IN_KERNEL -> BLOCKED     hand-off: bracketed call older than blockedAfter, or the VP given to a
 *                            higher space (CAS, under lock)
 *   RUNNING   -> BLOCKED     hand-off: carrier found asleep for blockedAfter (CAS, under lock)
 *   RUNNING   -> DISPLACED   the VP given to a higher space's carrier at once (CAS, under lock);
 *                            this carrier runs on at its lower OS priority to its next safepoint
 *   RUNNING   -> LINGERING   processorIdle: VP idle, kept for the hysteresis (under lock)
 *   LINGERING -> RUNNING     its space asked for processors again (under lock)
 *   LINGERING/RUNNING -> SPARE   VP given up; back to the pool (under lock)
 *   BLOCKED   -> SPARE       after activationUnblocked was delivered (under lock)
 *   DISPLACED -> RUNNING     reinstated: its space got a VP back before it reached a safepoint
 *                            (under lock; Planner.reinstate), its PREEMPT taken back
 *   DISPLACED -> SPARE       after processorPreempted was delivered (under lock)
 *   SPARE     -> RETIRED     keep-alive expired or the kernel closed
 * </pre>
 * RUNNING, IN_KERNEL and LINGERING hold a VP; SPARE, STANDBY, BLOCKED, DISPLACED and RETIRED hold
 * none. A BLOCKED or DISPLACED carrier may still run user code (a call returning, a thread
 * computing to its next safepoint) but owns nothing: its signal word says why it must stop.
 *
 * <h2>Signal word ({@link #signal})</h2>
 * Set only by the kernel, under its lock; read by this carrier at every safepoint (one
 * volatile read, a plain load on x86). {@link #PREEMPT}: give the VP back at the next
 * safepoint (also: it was displaced and is gone already). {@link #REVOKED}: the VP is gone
 * because the carrier was found blocked; stop running user code at the next safepoint.
 * Cleared by the kernel when the activation gets its next assignment.
 *
 * <h2>Fields written by this carrier, read racily by the monitor</h2>
 * {@code mounted} and {@code dispatches} (opaque writes from {@link #noteDispatch}); the
 * monitor only compares successive samples, so a stale read delays detection by one tick.
 * {@code nice} is this carrier's OS nice value, written only by this carrier (at start and in
 * {@link OsPriorities#adjust} before an upcall) and read by the kernel under its lock after the
 * carrier has taken the lock itself (it parks in a pool, or returns from an upcall, under it).
 *
 * <h2>Hand-off timing ({@link HandOffClock})</h2>
 * {@code handOffPending}/{@code handOffSince}/{@code handOffAt}/{@code handOffBracketed}: written
 * by the hand-off under the kernel lock before this activation runs its {@code activationBlocked}
 * upcall, then read and cleared by this carrier only (its first dispatch, or its first idle
 * note); {@code handOffUpcallAt} is written and read by this carrier only, from the start of that
 * upcall on; {@code progressSeenAt} belongs to the monitor.
 */
public final class Activation extends Thread {
    static final int SPARE = 0;
    static final int RUNNING = 1;
    static final int IN_KERNEL = 2;
    static final int BLOCKED = 3;
    static final int LINGERING = 4;
    static final int RETIRED = 5;
    static final int STANDBY = 6;
    static final int DISPLACED = 7;

    /** Signal bit: the kernel wants this activation's VP back at the next safepoint. */
    public static final int PREEMPT = 1;
    /** Signal bit: the VP was taken while the carrier blocked; stop at the next safepoint. */
    public static final int REVOKED = 2;

    private static final VarHandle STATE;
    private static final VarHandle DISPATCHES;
    private static final VarHandle MOUNTED;
    private static final VarHandle ASSIGNMENT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(Activation.class, "state", int.class);
            DISPATCHES = l.findVarHandle(Activation.class, "dispatches", long.class);
            MOUNTED = l.findVarHandle(Activation.class, "mounted", Object.class);
            ASSIGNMENT = l.findVarHandle(Activation.class, "assignment", Assignment.class);
            currentHandle = l.findStatic(Activation.class, "lookupCurrent", MethodType.methodType(Activation.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Kernel kernel;
    final int serial;

    private volatile int state = SPARE;
    volatile int signal;

    // --- written by this carrier (opaque), sampled by the monitor ---
    @SuppressWarnings("unused") private Object mounted;
    @SuppressWarnings("unused") private long dispatches;
    /** Start of the current bracketed kernel call (System.nanoTime), read by the monitor. */
    volatile long kernelEnteredAt;
    /** User thread inside the current bracketed call. */
    volatile Object kernelThread;

    /**
     * True while this carrier, with a user thread mounted, is in a downcall that takes the kernel
     * lock: arming its standby in {@code enterKernel} ({@link Spares#standBy}: the lock, perhaps a
     * {@code Thread.start}), or asking for processors, preempting its own or reading its count
     * ({@link Kernel#beginKernelWork}). Waiting for the lock (Java state BLOCKED, for as long as a
     * holder the OS descheduled keeps it) is kernel work, not a user sleep, so the monitor does not
     * suspect it. Written by this carrier only, around those stretches. (A Java thread calling the
     * same downcalls does not flag its carrier: it unmounts while it waits for the lock.)
     */
    volatile boolean inKernelWork;

    // --- owned by the kernel lock ---
    VirtualProcessor processor;
    /**
     * How many times this activation has been made a VP's holder. Incremented under the lock
     * before the volatile write of {@code vp.holder}, so the monitor, which reads the holder
     * first, sees the count of the tenure it samples (or a later one).
     */
    int tenures;
    AddressSpace space;
    /**
     * Next upcall to run; set under the lock ({@link #assign}), taken by this carrier with
     * {@link #takeAssignment} (an atomic swap: a standby whose watch assignment is still being
     * taken may be given its hand-off at the same moment, and neither may be lost).
     */
    volatile Assignment assignment;
    /** Its start was asked for: by the asking thread after the lock, or by the monitor ({@code Spares.start}). Under the lock. */
    boolean startRequested;
    /**
     * It displaced a holder and runs with the kernel's short OS slice ({@code Preemption}) until
     * it goes back to a pool, where it asks for Linux's default again ({@code Kernel.runActivation}).
     * Set under the lock before its wake-up (a carrier not yet started sets the slice itself in
     * {@link #run}); cleared by this carrier.
     */
    volatile boolean shortSlice;
    /** Outcome of a linger: 0 waiting, 1 keep the VP, 2 VP taken. Set under the lock. */
    volatile int lingerOutcome;
    /** The thread that was running when the VP was revoked (for activationUnblocked). */
    Object blockedThread;
    long blockedAt;
    /** DISPLACED: the VP given to a higher space, for the processorPreempted upcall. */
    VirtualProcessor displacedFrom;
    /** STANDBY: the VP this spare watches ({@code vp.standby == this}). */
    VirtualProcessor watching;

    // --- owned by the monitor thread ---
    /** The tenure ({@link #tenures}) the monitor's CPU baseline belongs to. */
    int sampledTenure;
    long sampledDispatches = -1;
    long sampledCpu = -1;
    long sampledAt;
    /** Estimated start of the sleep the monitor suspects, or 0 when it suspects none. */
    long suspectSince;
    /** The monitor's estimate of when this carrier's current block began (HandOffClock's unbracketed start). */
    long progressSeenAt;

    // --- hand-off latency (HandOffClock): set under the kernel lock before this activation is
    //     started or assigned, then read and cleared by this carrier only ---
    /** A hand-off gave this activation its VP and it has not dispatched a thread yet. Written last. */
    volatile boolean handOffPending;
    long handOffSince;
    long handOffAt;
    boolean handOffBracketed;
    /** When the {@code activationBlocked} upcall started; written by this carrier (HandOffClock.upcallStarted). */
    long handOffUpcallAt;

    // --- written once by this carrier at start ---
    volatile int tid = -1;
    /** This carrier's scheduler state in /proc, read by the monitor; null off Linux. Closed at retirement. */
    volatile ProcStat.Reader procStat;

    /** This carrier's OS nice value (see the class comment); base value until it has run. */
    int nice;

    // --- CPU pinning: this carrier before an upcall, the monitor's hand-off under the lock ---
    /**
     * CPU this carrier is pinned to, or -1 (pinning kernels only). Written by this carrier
     * before an upcall and by the monitor's hand-off under the kernel lock; the two can race only
     * if the monitor hands off a carrier that is between its assignment and its upcall, and then
     * the loser leaves a stale affinity until the carrier's next assignment: a placement hint,
     * never a correctness property.
     */
    volatile int pinnedCpu = -1;

    /** The runtime's per-carrier context; read and written by this carrier only. */
    private Object attachment;

    Activation(Kernel kernel, int serial, Assignment first) {
        super(null, null, kernel.name() + "-activation-" + serial, 0, false);
        this.kernel = kernel;
        this.serial = serial;
        this.assignment = first;
        this.nice = kernel.os.baseNice();
        setDaemon(true);
    }

    /**
     * The activation the caller runs on, or null when the caller is not a kernel carrier.
     *
     * <p>Not simply {@code Thread.currentThread()}: HotSpot's C2 treats that value as constant
     * within a compiled frame, which holds for virtual threads (their identity survives a carrier
     * change) but not for a raw continuation moved between platform carriers, so a compiled frame
     * that read it before a park could reuse the old carrier after it. The lookup therefore runs
     * through a method handle in a non-final field, which C2 cannot inline: every call reads the
     * current thread afresh in a frame of its own (a few nanoseconds).
     */
    public static Activation current() {
        try {
            return (Activation) currentHandle.invokeExact();
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    @SuppressWarnings("FieldMayBeFinal") // must stay non-final: see current()
    private static MethodHandle currentHandle;

    private static Activation lookupCurrent() {
        return Thread.currentThread() instanceof Activation a ? a : null;
    }

    /** The kernel this activation belongs to. */
    public Kernel kernel() {
        return kernel;
    }

    /**
     * The signal word (bits {@link #PREEMPT}, {@link #REVOKED}); 0 when the activation may
     * keep running. This is the safepoint poll: one volatile read.
     */
    public int signal() {
        return signal;
    }

    /** The VP this activation holds, or null. Meaningful on this carrier only. */
    public VirtualProcessor processor() {
        return processor;
    }

    /** True while this activation holds its VP (not blocked, displaced or spare). Racy outside the lock. */
    public boolean holdsProcessor() {
        int s = state;
        return s == RUNNING || s == IN_KERNEL || s == LINGERING;
    }

    /** True while this activation runs on its VP outside the kernel: spinning on it makes sense. */
    public boolean isRunningOnProcessor() {
        return state == RUNNING;
    }

    /**
     * Downcall: the current user thread {@code thread} is about to make a call that may block.
     * Runs on this carrier only. (Not asserted with {@code Thread.currentThread()}: inside a
     * continuation that value can be stale in compiled code; see the runtime's Carrier.) Returns false if this activation no longer holds a VP (the
     * monitor already revoked it); the call may still be made.
     */
    public boolean enterKernel(Object thread) {
        kernelThread = thread;
        kernelEnteredAt = System.nanoTime();
        // A standby first, then the CAS: the monitor leaves an IN_KERNEL holder whose VP has a
        // standby to it, so it never sees this call without one (see Spares, "Standby").
        kernel.spares.standBy(this);
        return STATE.compareAndSet(this, RUNNING, IN_KERNEL); // pairs with the CAS in Spares.handOff
    }

    /**
     * Downcall: the call bracketed by {@link #enterKernel} returned. Returns true if this
     * activation still holds its VP; false if the monitor handed the VP to another activation
     * meanwhile, in which case the caller must stop running user code (yield to the upcall's
     * base frame) so that {@code activationUnblocked} can be delivered.
     */
    public boolean exitKernel() {
        kernelThread = null;
        return STATE.compareAndSet(this, IN_KERNEL, RUNNING); // loses to the monitor's IN_KERNEL -> BLOCKED
    }

    /**
     * Records that the runtime mounted {@code thread} on this carrier. Two opaque writes; the
     * monitor uses them to tell "no scheduling progress" from "busy".
     */
    public void noteDispatch(Object thread) {
        MOUNTED.setOpaque(this, thread);
        DISPATCHES.setOpaque(this, (long) DISPATCHES.getOpaque(this) + 1);
        if (handOffPending) {
            kernel.handOffs.firstDispatch(this); // the hand-off path only: see HandOffClock
        }
    }

    /** Records that no user thread runs on this carrier (the scheduler is idle or spinning). */
    public void noteIdle() {
        MOUNTED.setOpaque(this, null);
        if (handOffPending) {
            kernel.handOffs.notRun(this);
        }
    }

    /**
     * Records that the scheduler dispatches again a thread that stopped at {@code stoppedAt}
     * ({@code System.nanoTime}) because its blocking call returned on a carrier whose VP had been
     * handed off: one sample of {@link HandOffStats#resumed}. Call it only for such threads,
     * once per stop, on the carrier that dispatches it.
     */
    public void noteResumed(long stoppedAt) {
        kernel.handOffs.resumed(stoppedAt);
    }

    /** The runtime's per-carrier context object (set by the runtime, on this carrier). */
    public Object attachment() {
        return attachment;
    }

    /** Sets the runtime's per-carrier context; call on this carrier only. */
    public void attach(Object context) {
        attachment = context;
    }

    int state() {
        return state;
    }

    void setState(int s) {
        state = s;
    }

    boolean casState(int expected, int next) {
        return STATE.compareAndSet(this, expected, next);
    }

    Object sampleMounted() {
        return MOUNTED.getOpaque(this);
    }

    long sampleDispatches() {
        return (long) DISPATCHES.getOpaque(this);
    }

    /** Hands the next assignment to this (parked or new) activation. Caller holds the kernel lock. */
    void assign(Assignment next) {
        assignment = next;
        LockSupport.unpark(this);
    }

    /** The next assignment, or null; takes it (swaps in null). Runs on this carrier. */
    Assignment takeAssignment() {
        return (Assignment) ASSIGNMENT.getAndSet(this, (Assignment) null);
    }

    static String stateName(int s) {
        return switch (s) {
            case SPARE -> "SPARE";
            case RUNNING -> "RUNNING";
            case IN_KERNEL -> "IN_KERNEL";
            case BLOCKED -> "BLOCKED";
            case LINGERING -> "LINGERING";
            case RETIRED -> "RETIRED";
            case STANDBY -> "STANDBY";
            case DISPLACED -> "DISPLACED";
            default -> "?" + s;
        };
    }

    /** Never under the kernel lock: see {@code Spares} (thread starts after the lock). */
    @Override
    public void start() {
        assert !Thread.holdsLock(kernel.lock) : "carrier " + getName() + " started under the kernel lock";
        super.start();
    }

    @Override
    public void run() {
        int id = ProcStat.currentTid();
        tid = id;
        procStat = ProcStat.Reader.open(id);
        if (shortSlice && !OsPriorities.setSlice(0, kernel.displacementSliceNanos)) {
            shortSlice = false; // new, it was woken to displace a holder: Preemption could not set it before
        }
        if (kernel.os.active()) {
            int n = ProcStat.nice(id); // inherited from whoever started it: Spares.start
            if (n != ProcStat.UNKNOWN) {
                nice = n;
            }
        }
        try {
            kernel.runActivation(this);
        } finally {
            ProcStat.Reader r = procStat;
            if (r != null) {
                r.close();
            }
        }
    }

    @Override
    public String toString() {
        return getName() + "[" + stateName(state) + (processor == null ? "" : ", " + processor) + "]";
    }
}
