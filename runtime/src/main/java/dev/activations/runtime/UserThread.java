package dev.activations.runtime;

import dev.activations.kernel.Activation;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A user-level thread: a continuation ({@link Fiber}) plus scheduling state, run by a
 * {@link Scheduler} on the kernel's virtual processors.
 *
 * <h2>State machine ({@link #state}, changed by CAS where two threads can race)</h2>
 * <pre>
 *   NEW       -> RUNNABLE    start: queued on a ready queue
 *   RUNNABLE  -> RUNNING     a worker mounts it (the queue hands each thread to one worker)
 *   RUNNING   -> PARKING     park(): no permit; about to unmount
 *   PARKING   -> PARKED      worker, after the unmount (then re-checks the permit)
 *   PARKED    -> RUNNABLE    unpark/timeout/interrupt: CAS, exactly one winner re-queues it
 *   RUNNING   -> RUNNABLE    yield, or stopped at a safepoint (preempted / VP revoked)
 *   RUNNING   -> TERMINATED  body returned or threw
 * </pre>
 * Park never loses a wake-up: {@code unpark} sets the permit (volatile getAndSet) and then
 * reads the state; the parking side publishes PARKED (volatile) and then reads the permit.
 * Whichever comes second sees the other (the VirtualThread protocol).
 *
 * <h2>Safepoints</h2>
 * Every runtime call (yield, park, unpark, lock, channel, blocking, checkpoint) reads the
 * carrier activation's signal word. Non-zero means the kernel wants the processor back
 * (PREEMPT) or has already taken it (REVOKED): the thread stops, unless it is inside a
 * critical section, in which case the stop is deferred to the outermost critical exit. The
 * bound on how long a preemption waits is therefore the longest stretch of user code without
 * a runtime call or {@link #checkpoint()}, plus the longest critical section.
 *
 * <h2>Ownership</h2>
 * {@code yieldReason}, {@code criticalDepth}, {@code stopDeferred} and {@code worker} are
 * touched only by the carrier that has the thread mounted (the thread itself and its worker).
 * {@code parkSeq} is written by the thread and read by the timer thread.
 *
 * <h2>Joins run inline</h2>
 * {@link #join()} by a user thread whose child still waits, never taken, on top of the joiner's
 * own spawn deque takes it back (thieves race on the last one: exactly one wins) and runs it right
 * there, nested in the joiner's continuation on the same carrier, as {@code ForkJoinPool} runs a
 * joined task still on top of its queue: the joiner skips a park and a resume. The child is
 * mounted exactly as by the worker ({@link Worker#mount}); when it comes back the joiner acts
 * for the worker ({@link Worker#afterRun}): a parked or yielded child is queued as usual, and a
 * child stopped by a kernel signal is re-queued and the joiner stops too (the signal belongs to
 * the carrier they share). Not inside critical sections or {@link #blocking}, not while the
 * carrier is signalled, and at most {@link #MAX_INLINE_DEPTH} deep (nested joins share the
 * carrier's stack).
 */
public final class UserThread extends Strand {
    static final int NEW = 0;
    static final int RUNNABLE = 1;
    static final int RUNNING = 2;
    static final int PARKING = 3;
    static final int PARKED = 4;
    static final int TERMINATED = 5;

    static final int Y_PARK = 1;
    static final int Y_YIELD = 2;
    static final int Y_PREEMPT = 3;
    static final int Y_REVOKED = 4;

    /** Thread priorities, as for platform threads. */
    public static final int MIN_PRIORITY = 1;
    public static final int NORM_PRIORITY = 5;
    public static final int MAX_PRIORITY = 10;

    private static final VarHandle STATE;
    private static final VarHandle PERMIT;
    private static final VarHandle PARK_SEQ;
    private static final AtomicLong IDS = new AtomicLong();

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(UserThread.class, "state", int.class);
            PERMIT = l.findVarHandle(UserThread.class, "permit", boolean.class);
            PARK_SEQ = l.findVarHandle(UserThread.class, "parkSeq", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Scheduler scheduler;
    private final long id;
    private final String name;
    private final Runnable task;
    private final Thread.UncaughtExceptionHandler handler;
    final Fiber fiber;

    private volatile int state = NEW;
    @SuppressWarnings("unused") private volatile boolean permit;

    // --- owned by the mounting carrier ---
    int yieldReason;
    int criticalDepth;
    boolean stopDeferred;
    /** Signal bits deferred by a critical section, and the carrier they came from. */
    int deferredSignal;
    Activation deferredOn;
    Worker worker;
    Object[] locals;

    /** Incremented when a park returns; a timer for an older park is stale. Written by this
     * thread (release), read by the timer thread. */
    private long parkSeq;
    /** Carrier parked in a pinned park (yield impossible), for unpark to wake. */
    private volatile Thread pinnedCarrier;

    private volatile boolean interrupted;
    /**
     * Guards {@code kernelCarrier} and orders interrupts with {@link #blocking}: the termination
     * gate, an internal object nobody else locks (one allocation fewer than a lock of its own).
     */
    private Object interruptLock() {
        return termination;
    }

    /** Guarded by interruptLock(): the carrier running this thread inside blocking(), else null. */
    private Thread kernelCarrier;
    private volatile boolean inKernel;

    final Gate termination = new Gate();
    private volatile Throwable failure;

    UserThread(Scheduler scheduler, String name, int priority, Runnable task, Thread.UncaughtExceptionHandler handler) {
        super(priority);
        this.scheduler = scheduler;
        this.id = IDS.incrementAndGet();
        this.name = name; // null: "user-<id>", made on demand
        this.task = task;
        this.handler = handler;
        this.fiber = new Fiber(this::body);
    }

    // ------------------------------------------------------------------ creating

    /**
     * Starts a user thread running {@code task} in the caller's scheduler: the scheduler of the
     * user thread or of the Java thread (an executor's task, a thread of
     * {@link Scheduler#ofVirtual()}, or one these started with {@code Thread.ofVirtual()}) that
     * calls it. In any other thread (a platform thread, a virtual thread of the JDK's own
     * scheduler) in {@link Scheduler#shared()}.
     *
     * @throws IllegalStateException if the caller's scheduler is closed
     */
    public static UserThread start(Runnable task) {
        Objects.requireNonNull(task, "task must not be null");
        UserThread cur = current();
        if (cur == null) {
            return defaultScheduler().start(task);
        }
        // What Builder.start does, minus the builder and the carrier lookups: we know our worker.
        UserThread t = new UserThread(cur.scheduler, null, NORM_PRIORITY, task, null);
        t.state = RUNNABLE; // NEW -> RUNNABLE: nobody else can see t yet
        cur.scheduler.admit(t, cur.worker);
        return t;
    }

    /** A builder for a thread with a name, priority, scheduler or exception handler. */
    public static Builder builder() {
        return new Builder();
    }

    /** Where a thread started without a scheduler named runs: the caller's, else the shared one. */
    private static Scheduler defaultScheduler() {
        Scheduler s = Scheduler.current();
        return s != null ? s : Scheduler.shared();
    }

    /** Starts this thread (built with {@link Builder#unstarted}). */
    public void start() {
        if (!STATE.compareAndSet(this, NEW, RUNNABLE)) {
            throw new IllegalStateException("thread " + name() + " was already started");
        }
        scheduler.admit(this);
    }

    private void body() {
        try {
            task.run();
        } catch (Throwable e) {
            failure = e;
            Thread.UncaughtExceptionHandler h = handler != null ? handler : scheduler.uncaughtHandler();
            try {
                h.uncaughtException(worker.act, e);
            } catch (Throwable ignored) {
                // A failing handler must not take the carrier down.
            }
        }
    }

    // ------------------------------------------------------------------ identity

    /** The user thread the caller runs in, or null on a platform (or virtual) thread. */
    public static UserThread current() {
        return Carrier.strand() instanceof UserThread t ? t : null; // a Java thread's run is a JavaTask
    }

    public long id() {
        return id;
    }

    public String name() {
        return name != null ? name : "user-" + id;
    }

    public int priority() {
        return priority;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    /** True from start until the body returns or throws. */
    public boolean isAlive() {
        int s = state;
        return s != NEW && s != TERMINATED;
    }

    /** The exception that ended this thread, or null. */
    public Throwable failure() {
        return failure;
    }

    /** What the thread is doing now (racy snapshot). */
    public State state() {
        int s = state;
        return switch (s) {
            case NEW -> State.NEW;
            case RUNNABLE -> State.RUNNABLE;
            case RUNNING, PARKING -> inKernel ? State.IN_KERNEL : State.RUNNING;
            case PARKED -> State.PARKED;
            default -> State.TERMINATED;
        };
    }

    /** The states {@link #state()} reports. */
    public enum State { NEW, RUNNABLE, RUNNING, IN_KERNEL, PARKED, TERMINATED }

    /** Stack of this thread while it is not running (empty while mounted or finished). */
    public StackTraceElement[] stackTrace() {
        return fiber.stackTrace();
    }

    @Override
    public String toString() {
        return "UserThread[#" + id + "," + name() + "," + state() + "]";
    }

    // ------------------------------------------------------------------ scheduling points

    /**
     * Gives the processor to another ready thread. In any other thread (a Java thread of a
     * scheduler, a platform thread): {@link Thread#yield()}, which for a Java thread is the
     * same thing.
     */
    public static void yield() {
        UserThread t = current();
        if (t == null) {
            Thread.yield();
            return;
        }
        t.suspend(Y_YIELD);
    }

    /**
     * Safepoint poll for long computations: one volatile read of the carrier's signal word;
     * if the kernel asked for the processor, the thread stops here (or at the end of its
     * critical section). Works in both thread kinds (a Java thread yields); a no-op in threads
     * no scheduler runs.
     */
    public static void checkpoint() {
        poll();
    }

    @Override
    Object runOn(Worker w) {
        return w.run(this);
    }

    @Override
    boolean inCriticalSection() {
        return criticalDepth > 0;
    }

    /** Stops at a raised signal unless inside a critical section. Runs on this thread. */
    @Override
    void honourSignal(int signal) {
        if (signal == 0) {
            return;
        }
        if (criticalDepth > 0) {
            stopDeferred = true;
            // Remember what was deferred: a revocation reported by a failed exitKernel may not be
            // in the signal word yet (the monitor sets REVOKED after its CAS), so re-reading the
            // word at the exit could miss it.
            Activation here = worker.act;
            deferredSignal = deferredOn == here ? deferredSignal | signal : signal;
            deferredOn = here;
            return;
        }
        suspend((signal & Activation.REVOKED) != 0 ? Y_REVOKED : Y_PREEMPT);
    }

    /** {@link #poll()} for the current thread that knows itself: no carrier lookup. */
    void safepoint() {
        int sig = worker.act.signal();
        if (sig != 0) {
            honourSignal(sig);
        }
    }

    /** Safepoint check inside runtime calls, for either thread kind. */
    static void poll() {
        Activation a = Carrier.current();
        if (a != null && a.signal() != 0 && a.attachment() instanceof Worker w && w.current != null) {
            w.current.honourSignal(a.signal());
        }
    }

    /**
     * Throws if this (current) thread is inside {@link #blocking}, where it cannot unmount.
     * Primitives call it before they join a wait queue, so a refused wait leaves nothing behind
     * (no node that a later release, grant or send would go to instead of a real waiter).
     */
    void checkMayWait() {
        if (inKernel) {
            throw new IllegalStateException("user thread " + name() + " tried to park or yield inside UserThread.blocking(...): "
                    + "the bracket is for calls that block in the kernel; call runtime primitives outside it");
        }
    }

    /**
     * Unmounts this (current) thread for {@code reason}; returns when it runs again. A raised
     * signal turns a plain yield into a stop. Pinned (a native frame on the stack): returns at
     * once without unmounting.
     */
    private boolean suspend(int reason) {
        checkMayWait();
        Activation a = worker.act; // this thread's carrier; not Thread.currentThread(): see Carrier
        int sig = a.signal();
        if (sig != 0 && criticalDepth == 0 && reason == Y_YIELD) {
            reason = (sig & Activation.REVOKED) != 0 ? Y_REVOKED : Y_PREEMPT;
        }
        yieldReason = reason;
        return Fiber.suspend();
    }

    // ------------------------------------------------------------------ park / unpark

    /**
     * Parks the current user thread until {@link #unpark()}, an interrupt, or spuriously.
     *
     * @throws IllegalStateException on a platform thread (use {@link LockSupport#park()})
     */
    public static void park() {
        currentOrThrow("park()").parkInternal(0);
    }

    /**
     * Parks the current user thread for at most {@code nanos} (returns at once if
     * {@code nanos <= 0}), or until unparked or interrupted, or spuriously.
     *
     * @throws IllegalStateException on a platform thread (use {@link LockSupport#parkNanos(long)})
     */
    public static void parkNanos(long nanos) {
        UserThread t = currentOrThrow("parkNanos(long)");
        if (nanos > 0) {
            t.parkInternal(nanos);
        }
    }

    /**
     * Longest timed park, ~73 years: {@code System.nanoTime() + MAX_PARK_NANOS} cannot overflow.
     * A longer wait returns after this long, which a caller sees as a spurious wake-up and
     * re-parks for what is left.
     */
    static final long MAX_PARK_NANOS = Long.MAX_VALUE / 4;

    /** nanos == 0: no timeout. Runs on this thread. */
    void parkInternal(long nanos) {
        if ((boolean) PERMIT.getAndSet(this, false) || interrupted) {
            safepoint();
            return;
        }
        checkMayWait(); // before the state and timer change below
        long seq = (long) PARK_SEQ.get(this);
        // Clamped: an overflowed deadline is in the past, and the timer would fire at once,
        // on every re-park of a caller that loops until its (huge) timeout: a busy wait.
        TimerService.Timeout timeout = nanos > 0
                ? scheduler.timers().schedule(this, seq, System.nanoTime() + Math.min(nanos, MAX_PARK_NANOS)) : null;
        STATE.setRelease(this, PARKING); // unpark ignores PARKING; the Dekker pair is PARKED/permit
        boolean yielded = suspend(Y_PARK);
        if (!yielded) {
            state = RUNNING;
            RuntimeEvents.parkPinned(this, nanos);
        }
        PARK_SEQ.setRelease(this, seq + 1); // stale timers for this park now miss
        PERMIT.setRelease(this, false); // consumed: the unpark (or timeout) that resumed us
        if (timeout != null) {
            scheduler.timers().cancel(timeout); // a no-op on the timer thread if it already fired
        }
        Worker w = worker;
        if (w != null) {
            w.parks++;
        }
    }

    /** Pinned: the continuation cannot unmount, so wait on the carrier (the monitor may hand its VP off). */
    void parkOnCarrier(long nanos) {
        long deadline = nanos > 0 ? System.nanoTime() + nanos : 0;
        pinnedCarrier = worker.act; // the suspend failed, so we are still on this worker's carrier
        try {
            while (!(boolean) PERMIT.getAndSet(this, false) && !interrupted) { // re-check after publishing pinnedCarrier
                if (nanos > 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    LockSupport.parkNanos(this, left);
                } else {
                    LockSupport.park(this);
                }
            }
        } finally {
            pinnedCarrier = null;
        }
    }

    /**
     * Worker, after this thread unmounted with Y_PARK: publish PARKED, then re-check the
     * permit (an unpark that saw PARKING left it there). Returns true if the thread must be
     * re-queued at once.
     */
    boolean afterParkUnmount() {
        state = PARKED; // volatile: pairs with the state read in unpark()
        return permit && STATE.compareAndSet(this, PARKED, RUNNABLE); // permit read after publishing PARKED
    }

    /**
     * Makes the permit available and wakes the thread if it is parked. From any thread:
     * a user thread of any scheduler, a platform thread or the timer. Unparking a thread that
     * is not parked makes its next park return at once; unparking a finished thread does nothing.
     */
    public void unpark() {
        if (!(boolean) PERMIT.getAndSet(this, true)) { // then read state: pairs with afterParkUnmount
            int s = state;
            if (s == PARKED) {
                if (STATE.compareAndSet(this, PARKED, RUNNABLE)) {
                    scheduler.wake(this);
                }
            } else if (s == RUNNING) {
                Thread c = pinnedCarrier;
                if (c != null) {
                    LockSupport.unpark(c);
                }
            }
        }
        poll();
    }

    /** Timer thread: the timed park {@code seq} expired. Acts as unpark unless that park already returned. */
    void timeout(long seq) {
        if ((long) PARK_SEQ.getAcquire(this) == seq) {
            unpark();
        }
    }

    // ------------------------------------------------------------------ sleep, join, interrupt

    /**
     * Sleeps the current user thread for {@code d} without holding a processor. On a platform
     * thread: {@link Thread#sleep(Duration)}. Zero or negative: returns at once.
     *
     * @throws InterruptedException if interrupted before or while sleeping (flag cleared)
     */
    public static void sleep(Duration d) throws InterruptedException {
        Objects.requireNonNull(d, "d must not be null");
        UserThread t = current();
        if (t == null) {
            Thread.sleep(d);
            return;
        }
        long nanos = d.isNegative() ? 0 : saturatedNanos(d);
        long deadline = System.nanoTime() + nanos;
        while (true) {
            if (interrupted()) {
                throw new InterruptedException("user thread " + t.name() + " interrupted in sleep");
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            t.parkInternal(left);
        }
    }

    static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return MAX_PARK_NANOS;
        }
    }

    /**
     * Waits until this thread terminates. Parks a user thread, blocks a platform thread.
     *
     * @throws IllegalStateException if called by this thread itself (it would never return),
     *     or if this thread can never finish because its scheduler or kernel closed
     * @throws InterruptedException if the caller is interrupted while waiting
     */
    public void join() throws InterruptedException {
        UserThread cur = current();
        if (cur == this) {
            throw new IllegalStateException("thread " + name() + " cannot join itself: it would wait forever");
        }
        if (state == NEW) {
            throw new IllegalStateException("thread " + name() + " was never started; call start() before join()");
        }
        if (cur == null) {
            termination.await(Thread.currentThread());
            return;
        }
        if (state == RUNNABLE) {
            cur.runInline(this);
        }
        termination.await(cur);
    }

    /**
     * Deepest nesting of joins run inline on one carrier. Nested threads share the carrier's
     * stack (a child run inline has the carrier's stack minus its joiners' frames), so the bound
     * is small; in a fork/join tree only a run of 8 consecutive newest-first joins reaches it.
     */
    static final int MAX_INLINE_DEPTH = 8;

    /** This (current) thread joins {@code child}: runs it here if it is still the newest on our spawn deque. */
    private void runInline(UserThread child) {
        Worker w = worker;
        if (criticalDepth > 0 || inKernel || interrupted || child.scheduler != scheduler
                || w.inlineDepth >= MAX_INLINE_DEPTH || w.act.signal() != 0 || !scheduler.queues.unpush(w, child)) {
            return;
        }
        w.inlineDepth++;
        w.inlineJoins++;
        try {
            w.mount(child);
            child.fiber.run(); // nested: returns here, on this carrier, when the child ends or unmounts
        } finally {
            w.inlineDepth--;
            w.remount(this);
        }
        if (w.afterRun(child) != null) { // stopped by the carrier's signal: so are we
            scheduler.requeue(child);
            honourSignal(child.yieldReason == Y_REVOKED ? Activation.REVOKED : Activation.PREEMPT);
        }
    }

    /**
     * Waits at most {@code timeout} for this thread to terminate.
     *
     * @return true if it terminated
     */
    public boolean join(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout must not be null");
        if (current() == this) {
            throw new IllegalStateException("thread " + name() + " cannot join itself: it would wait forever");
        }
        if (state == NEW) {
            throw new IllegalStateException("thread " + name() + " was never started; call start() before join()");
        }
        return termination.await(saturatedNanos(timeout));
    }

    /**
     * Interrupts this thread: sets its flag and wakes it from park, sleep or a user-level
     * wait. If it is inside {@link #blocking} its carrier is interrupted too, but only while
     * that carrier still runs this thread.
     */
    public void interrupt() {
        synchronized (interruptLock()) {
            interrupted = true; // under the lock: ordered with blocking() taking the carrier's flag back
            Thread c = kernelCarrier;
            if (c != null) {
                c.interrupt();
            }
        }
        unpark();
    }

    public boolean isInterrupted() {
        return interrupted;
    }

    /**
     * Tests and clears the interrupt flag of the current user thread; on a platform thread,
     * {@link Thread#interrupted()}.
     */
    public static boolean interrupted() {
        UserThread t = current();
        return t != null ? t.clearInterrupt() : Thread.interrupted();
    }

    /** Tests and clears this (current) thread's interrupt flag. */
    boolean clearInterrupt() {
        boolean was = interrupted;
        if (was) {
            interrupted = false;
        }
        return was;
    }

    // ------------------------------------------------------------------ kernel bracket, critical sections

    /**
     * Runs {@code call}, which may block in the kernel (I/O, a JDK lock, a native call),
     * bracketed so the kernel can hand this processor to other user threads if it blocks for
     * longer than the kernel's {@code blockedAfter}. When the call returns after such a
     * hand-off, this thread goes back on a ready queue (or, inside a critical section, runs on
     * until the section ends). In a Java thread the call is made pinned (it cannot unmount, so
     * the carrier that blocks is the one the kernel watches), and the thread unmounts after it if
     * its processor was handed off. On a platform thread it just calls {@code call}.
     *
     * @throws Exception whatever {@code call} throws
     */
    public static <T> T blocking(Callable<T> call) throws Exception {
        Objects.requireNonNull(call, "call must not be null");
        Strand s = Carrier.strand();
        if (s instanceof UserThread t) {
            return t.inKernel(call);
        }
        if (s instanceof JavaTask) {
            return JavaTask.blocking(call);
        }
        return call.call();
    }

    private <T> T inKernel(Callable<T> call) throws Exception {
        safepoint();
        Activation a = worker.act; // after poll: it may have moved us
        a.enterKernel(this);
        inKernel = true;
        synchronized (interruptLock()) {
            kernelCarrier = a;
            if (interrupted) {
                a.interrupt();
            }
        }
        try {
            return call.call();
        } finally {
            synchronized (interruptLock()) {
                kernelCarrier = null;
                // During the call the carrier's flag stood for this thread's: take it back (and leave
                // none on the carrier for the next user thread). An interrupt the call consumed, by
                // throwing InterruptedException, is thus cleared here too, as on a platform thread.
                interrupted = Thread.interrupted();
            }
            inKernel = false;
            if (!a.exitKernel()) {
                honourSignal(Activation.REVOKED); // VP gone: stop now, or at the critical-section exit
            }
        }
    }

    /**
     * Runs {@code section} as a critical section: a preemption (or a processor revoked after a
     * blocking call) that arrives inside it is honoured only when the outermost critical
     * section ends, so locks held inside are never held by a stopped thread. Keep sections
     * short: they delay preemption. In a Java thread the section runs pinned (it stays on its
     * carrier; a JUC park inside parks the carrier). On a platform thread it just runs
     * {@code section}.
     */
    public static void critical(Runnable section) {
        Objects.requireNonNull(section, "section must not be null");
        Strand s = Carrier.strand();
        if (s instanceof JavaTask j) {
            JavaTask.critical(j, section);
            return;
        }
        if (!(s instanceof UserThread t)) {
            section.run();
            return;
        }
        t.criticalDepth++;
        try {
            RuntimeEvents.runCritical(t, section);
        } finally {
            t.exitCritical();
        }
    }

    /** Enters a critical section (runtime-internal spin locks). Returns the current thread or null. */
    static UserThread enterCritical() {
        UserThread t = current();
        if (t != null) {
            t.criticalDepth++;
        }
        return t;
    }

    /** Leaves a critical section; at the outermost exit honours a deferred stop. */
    void exitCritical() {
        if (--criticalDepth == 0 && stopDeferred) {
            stopDeferred = false;
            Activation here = worker.act;
            int sig = here.signal() | (deferredOn == here ? deferredSignal : 0); // not stale bits of a carrier we left
            deferredSignal = 0;
            deferredOn = null;
            honourSignal(sig);
        }
    }

    /** True while inside {@link #critical}. For tests and diagnostics; call on this thread. */
    public static boolean inCritical() {
        Strand s = Carrier.strand();
        return s != null && s.inCriticalSection();
    }

    // ------------------------------------------------------------------ worker hooks

    int rawState() {
        return state;
    }

    void setState(int s) {
        state = s;
    }

    /** Release store: for transitions no other thread races on (mount, yield, stop). */
    void setStateRelease(int s) {
        STATE.setRelease(this, s);
    }

    boolean casState(int expected, int next) {
        return STATE.compareAndSet(this, expected, next);
    }

    /** True while mounted on a carrier that holds its processor: waiters may spin on it. */
    boolean onProcessor() {
        Worker w = worker;
        return state == RUNNING && !inKernel && w != null && w.current == this && w.act.isRunningOnProcessor();
    }

    private static UserThread currentOrThrow(String what) {
        UserThread t = current();
        if (t == null) {
            throw new IllegalStateException("UserThread." + what + " must be called from a user thread; on a platform thread use java.util.concurrent.locks.LockSupport");
        }
        return t;
    }

    // ------------------------------------------------------------------ builder

    /** Configures and starts a {@link UserThread}. */
    public static final class Builder {
        private String name;
        private int priority = NORM_PRIORITY;
        private Scheduler scheduler;
        private Thread.UncaughtExceptionHandler handler;

        private Builder() {
        }

        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name must not be null");
            return this;
        }

        /** 1 ({@link #MIN_PRIORITY}) to 10 ({@link #MAX_PRIORITY}); default 5. */
        public Builder priority(int priority) {
            if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
                throw new IllegalArgumentException("priority must be between 1 and 10, was " + priority);
            }
            this.priority = priority;
            return this;
        }

        /**
         * Default: the caller's scheduler, in a user thread or a Java thread of ours (as for
         * {@link UserThread#start(Runnable)}), else {@link Scheduler#shared()}.
         */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler must not be null");
            return this;
        }

        public Builder uncaughtExceptionHandler(Thread.UncaughtExceptionHandler handler) {
            this.handler = Objects.requireNonNull(handler, "handler must not be null");
            return this;
        }

        /** Creates the thread without starting it. */
        public UserThread unstarted(Runnable task) {
            Objects.requireNonNull(task, "task must not be null");
            Scheduler s = scheduler != null ? scheduler : defaultScheduler();
            s.checkOpen();
            return new UserThread(s, name, priority, task, handler);
        }

        /** Creates and starts the thread. */
        public UserThread start(Runnable task) {
            UserThread t = unstarted(task);
            t.start();
            return t;
        }
    }
}
