package dev.activations.runtime;

import dev.activations.kernel.Activation;
import dev.activations.kernel.AddressSpace;
import dev.activations.kernel.Allocation;
import dev.activations.kernel.Kernel;
import dev.activations.kernel.Upcalls;
import dev.activations.kernel.VirtualProcessor;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A user-level scheduler: one {@link AddressSpace} on a {@link Kernel}, running threads of two
 * kinds on the processors the kernel gives it: Java threads (real virtual threads whose
 * scheduler is this one: {@link #ofVirtual()}, {@link #threadFactory()}; see
 * {@link JavaThreads}) and raw {@link UserThread}s ({@link #start}). Both are queued as a
 * {@link Strand} on the same ready queues. It implements the kernel's {@link Upcalls}.
 *
 * <h2>Implementation overview</h2>
 * <ul>
 *   <li><b>Upcalls.</b> {@code processorAdded}/{@code activationBlocked} run a {@link Worker}
 *       loop on the processor until the kernel signals or the VP is given up idle.
 *       {@code processorPreempted}/{@code activationUnblocked} put the stopped user thread back
 *       on the global queue and ask for a processor. A Java thread is never "stopped": it
 *       gives the processor up by unmounting (every unmount returns to the worker loop, which
 *       checks the signal word first), and the JDK re-submits it itself.</li>
 *   <li><b>Ready queues</b> belong to the {@link Policy} ({@link ReadyQueues}).</li>
 *   <li><b>Waking processors ({@link #signalWork}).</b> After work is queued: if a worker
 *       spins, it will find it; else if a worker of ours lingers idle in the kernel, or we hold
 *       fewer VPs than the kernel has, one {@code requestProcessors(1)} is made, and no second
 *       one until a worker starts or returns from {@code processorIdle}
 *       ({@link #requestOutstanding}). A thread started by a user thread signals at once (new
 *       parallelism); a thread unparked by a user thread goes to the hand-off slot and signals
 *       lazily, at the next dispatch, only if work is still left over (ping-pong stays on one
 *       processor and costs no wake-ups).</li>
 *   <li><b>No lost wake-up.</b> A worker stops spinning (decrement, a full fence), then checks
 *       every queue, then calls {@code processorIdle}; a producer queues, then reads
 *       {@code spinning}. Either the worker sees the work or the producer sees no spinner and
 *       requests; a request that reaches the kernel before the worker's {@code processorIdle}
 *       stays pending there and makes {@code processorIdle} return at once.</li>
 * </ul>
 *
 * <p><b>Where a new thread goes.</b> A thread started without a scheduler named
 * ({@code UserThread.start(r)}, {@code UserThread.builder()}) goes to the caller's
 * ({@link #current()}: its user thread's, or its Java thread's, whatever started that Java
 * thread), and to {@link #shared()} only from a thread none of ours runs; a Java thread started
 * with {@code Thread.ofVirtual()} inside one of our Java threads inherits its scheduler (a JDK
 * rule). Nothing here builds {@link #shared()} or {@link Kernel#shared()} unless asked: their
 * threads would outlive everything the program closes.
 *
 * <p>Invariant: a thread is in at most one ready queue, and only while RUNNABLE; the CAS to
 * RUNNABLE (unpark) or the unmount (yield/stop) is the single point that queues it (for a Java
 * thread, the JDK's own state CAS before {@code execute}).
 *
 * <p><b>Closing.</b> {@link #close} fails the joiners of user threads still alive; Java threads
 * still alive are moved to platform threads of their own ({@link #orphan}), so that none is lost and no
 * {@code Thread.join} hangs.
 */
public final class Scheduler implements Upcalls, AutoCloseable {
    private final Kernel kernel;
    /** This is {@link #shared()}: it cannot be closed. */
    private final boolean shared;
    private final String name;
    private final int priority;
    private final Policy policy;
    private final AddressSpace space;
    final ReadyQueues queues;
    private final JavaThreads javaThreads;
    final SchedulerStats.Counters stats = new SchedulerStats.Counters();
    private final Thread.UncaughtExceptionHandler uncaught;
    private final Thread.UncaughtExceptionHandler javaUncaught;

    private final Object registryLock = new Object();
    private volatile Worker[] workers = new Worker[0];
    private final AtomicInteger spinning = new AtomicInteger();
    final AtomicInteger idleWorkers = new AtomicInteger();
    private final AtomicBoolean requestOutstanding = new AtomicBoolean();
    private final LiveSet<UserThread> live = new LiveSet<>();
    /**
     * Started with the first user thread started from outside this scheduler ({@link #queueNew}),
     * else at the first timed park. Not at the first timed park alone: that ran
     * {@code Thread.start} on a carrier inside a user thread, a wait of ~100 µs that the kernel's
     * monitor read as a block and handed off. Not with the scheduler: an executor of Java
     * threads never needs it (the JDK times their parks), and starting and stopping a thread
     * made an {@code Activations.newExecutor()} created, used once and closed several times dearer
     * (60-170 µs each before, 300-1 500 µs with it, on a loaded 2-core VM). Idle, it parks without a
     * deadline. Written under {@code registryLock}.
     */
    private volatile TimerService timers;
    /** Runs Java threads still alive after close ({@link #orphan}); made at the first orphan. */
    private volatile ExecutorService orphans;
    private volatile boolean closing;
    private volatile String closedReason;

    private Scheduler(Builder b, boolean shared) {
        Fiber.checkAvailable();
        VirtualThreads.checkAvailable();
        this.kernel = b.kernel != null ? b.kernel : Kernel.shared();
        this.shared = shared;
        this.name = b.name;
        this.priority = b.allocation.priority();
        this.policy = b.policy;
        this.uncaught = b.uncaught != null ? b.uncaught : Scheduler::printUncaught;
        this.javaUncaught = b.uncaught; // null: the JDK's default for Java threads
        this.queues = policy.create(this, b.seed);
        this.javaThreads = new JavaThreads(this, queues);
        this.space = kernel.attach(name, b.allocation, this);
        SchedulerManagement.register(this);
    }

    /** A builder: kernel (default {@link Kernel#shared()}), name, priority, policy. */
    public static Builder builder() {
        return new Builder();
    }

    /** The default scheduler ("default", priority 5, work stealing) on {@link Kernel#shared()}. */
    public static Scheduler shared() {
        Fiber.checkAvailable(); // before the holder: a constructor failing there would surface as ExceptionInInitializerError
        VirtualThreads.checkAvailable();
        return SharedHolder.SHARED;
    }

    /**
     * Built on the first call of {@link #shared()}, never by anything else: touching it builds
     * {@link Kernel#shared()} too, whose monitor thread then runs for the rest of the JVM's life.
     */
    private static final class SharedHolder {
        static final Scheduler SHARED = new Scheduler(new Builder().name("default"), true);
    }

    /**
     * The scheduler the caller runs in: its user thread's, or its Java thread's (the scheduler
     * whose {@link #ofVirtual()} built it, or its parent's, which it inherited; that scheduler
     * even once closed, while the thread runs on as an orphan); null in any other thread (a
     * platform thread, a virtual thread of the JDK's own scheduler). The default scheduler of
     * every thread started without one named ({@link UserThread#start(Runnable)},
     * {@link UserThread#builder()}).
     */
    static Scheduler current() {
        UserThread u = UserThread.current();
        return u != null ? u.scheduler : JavaThreads.schedulerOf(Thread.currentThread());
    }

    private static void printUncaught(Thread carrier, Throwable e) {
        UserThread t = UserThread.current();
        System.err.println("Exception in user thread \"" + (t != null ? t.name() : carrier.getName()) + "\" " + e);
        e.printStackTrace();
    }

    // ------------------------------------------------------------------ public API

    /**
     * A builder of Java threads run by this scheduler: real {@code java.lang.Thread} virtual
     * threads ({@code Thread.currentThread()}, {@code ThreadLocal}s, lock ownership, interrupts
     * and JUC blocking as on any virtual thread) whose ready queues, priority, processors and
     * blocking detection are this scheduler's. Threads they start with
     * {@code Thread.ofVirtual()} inherit the scheduler (a JDK rule). The JDK's builder: name,
     * inheritance of inheritable thread locals, uncaught-exception handler, {@code factory()}.
     */
    public Thread.Builder.OfVirtual ofVirtual() {
        return ofVirtual(UserThread.NORM_PRIORITY);
    }

    /**
     * As {@link #ofVirtual()}, at thread priority {@code priority} (1 to 10) within this
     * scheduler; it matters under {@link Policy#PRIORITY}.
     */
    public Thread.Builder.OfVirtual ofVirtual(int priority) {
        if (priority < UserThread.MIN_PRIORITY || priority > UserThread.MAX_PRIORITY) {
            throw new IllegalArgumentException("priority must be between 1 and 10, was " + priority);
        }
        checkOpen();
        Thread.Builder.OfVirtual b = javaThreads.builder(priority);
        return javaUncaught != null ? b.uncaughtExceptionHandler(javaUncaught) : b;
    }

    /**
     * Unnamed Java threads of this scheduler ({@code ofVirtual().factory()}). Once the scheduler
     * is closed, {@code newThread} throws {@link RejectedExecutionException} saying why (an
     * executor over this factory then refuses tasks, as its contract says).
     */
    public ThreadFactory threadFactory() {
        ThreadFactory threads = ofVirtual().factory();
        return task -> {
            String r = closedReason;
            if (r != null) {
                throw new RejectedExecutionException(r + "; its executors and thread factories accept no more work");
            }
            return threads.newThread(task);
        };
    }

    /** Starts a user thread running {@code task} in this scheduler. */
    public UserThread start(Runnable task) {
        return UserThread.builder().scheduler(this).start(task);
    }

    /** An unstarted thread of this scheduler with the defaults (the executor's runners, without a builder). */
    UserThread newThread(Runnable task) {
        checkOpen();
        return new UserThread(this, null, UserThread.NORM_PRIORITY, task, null);
    }

    /** A thread builder bound to this scheduler. */
    public UserThread.Builder thread() {
        return UserThread.builder().scheduler(this);
    }

    public String name() {
        return name;
    }

    public int priority() {
        return priority;
    }

    public Policy policy() {
        return policy;
    }

    public Kernel kernel() {
        return kernel;
    }

    public AddressSpace space() {
        return space;
    }

    /** Live user threads (started, not terminated), a snapshot. */
    public List<UserThread> threads() {
        return live.snapshot();
    }

    /** A snapshot of this scheduler's counters. */
    public SchedulerStats stats() {
        int liveNow = live.size();
        int ready = queues.size();
        int held = space.processorsHeld();
        synchronized (registryLock) { // a leaving worker's counts move into stats under this lock: none counted twice
            return stats.snapshot(name, liveNow, ready, workers, held);
        }
    }

    /**
     * Threads waiting in this scheduler's ready queues now (hand-off slots included): approximate
     * and racy, no lock and no allocation, for samplers. {@link #stats()} is the snapshot to read
     * otherwise.
     */
    public int readyThreads() {
        return queues.size();
    }

    /**
     * Detaches this scheduler from its kernel: its processors are preempted and it gets no
     * more. User threads still alive can never finish: their joiners get an
     * {@link IllegalStateException} saying so. Idempotent.
     *
     * @throws UnsupportedOperationException on {@link #shared()}
     */
    @Override
    public void close() {
        if (shared) {
            throw new UnsupportedOperationException("Scheduler.shared() lives as long as the JVM and cannot be closed");
        }
        shutdown("scheduler \"" + name + "\" was closed");
    }

    private void shutdown(String reason) {
        if (closedReason != null) {
            return;
        }
        closedReason = reason;
        closing = true;
        SchedulerManagement.unregister(this);
        space.close();
        TimerService ts;
        synchronized (registryLock) { // after closing was set: timers() starts no service after this
            ts = timers;
        }
        if (ts != null) {
            ts.stop();
        }
        for (UserThread t : threads()) {
            t.termination.fail(new IllegalStateException(reason + " before user thread " + t.name() + " finished"));
        }
        drainOrphans();
    }

    /**
     * Closing: empties the shared ready queues. Java threads go to {@link #orphan}; user
     * threads are dropped (their joiners were failed by {@link #shutdown}). Workers leaving
     * their processors move their own queues here first ({@link #runWorker}). Any thread.
     */
    void drainOrphans() {
        Strand s;
        while ((s = queues.poll()) != null) {
            if (s instanceof JavaTask t) {
                orphan(t);
            }
        }
    }

    /**
     * A Java thread of this closed scheduler became ready: it has no processors any more, so the
     * orphan carriers ({@link #orphanCarriers}) run it to its end, unscheduled by the kernel (a thread must not be lost,
     * and its joiners must not hang). Any thread; must not park (see {@link JavaThreads}).
     */
    void orphan(JavaTask t) {
        orphanCarriers().execute(t.cont);
    }

    /**
     * Carriers for orphans: platform threads made on demand, one per orphan that runs at a time
     * (so a computing orphan delays no other), gone after a second idle. Not the JDK's common
     * pool, which has one thread on a 2-core machine and is everybody's.
     */
    private ExecutorService orphanCarriers() {
        ExecutorService e = orphans;
        if (e == null) {
            synchronized (registryLock) {
                e = orphans;
                if (e == null) {
                    AtomicInteger n = new AtomicInteger();
                    e = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 1, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
                        Thread t = new Thread(r, name + "-orphan-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
                    orphans = e;
                }
            }
        }
        return e;
    }

    boolean isClosing() {
        return closing;
    }

    void checkOpen() {
        String r = closedReason;
        if (r != null) {
            throw new IllegalStateException(r + "; start threads on an open Scheduler");
        }
    }

    @Override
    public String toString() {
        return "Scheduler[" + name + ", " + policy + ", priority " + priority + "]";
    }

    // ------------------------------------------------------------------ upcalls

    @Override
    public Object processorAdded(VirtualProcessor vp) {
        return runWorker(vp);
    }

    @Override
    public Object activationBlocked(VirtualProcessor vp, Activation blocked, Object thread) {
        stats.kernelBlocks.increment();
        return runWorker(vp);
    }

    @Override
    public void processorPreempted(VirtualProcessor vp, Object stopped) {
        stats.preemptions.increment();
        if (stopped instanceof UserThread t) {
            requeue(t); // and asks for a processor
        } else if (queues.hasWork()) {
            // A Java thread gave the processor up by unmounting (the JDK re-submitted it), or the
            // processor was taken between two threads: still ready work, so keep a request
            // pending; a saturating space that let its request lapse would drop out of the
            // kernel's time slicing between spaces of equal priority.
            signalWork();
        }
    }

    @Override
    public void activationUnblocked(Activation activation, Object thread) {
        if (thread instanceof UserThread t) {
            requeue(t);
        }
    }

    /**
     * Not while the strand on {@code holder} is inside a critical section (a racy read of its
     * depth): the section keeps its processor to its end, as the paper's critical-section
     * recovery wants. A strand that enters one just after this answer is displaced inside it
     * and still stops only at its end.
     */
    @Override
    public boolean mayDisplace(Activation holder) {
        Strand s = holder.attachment() instanceof Worker w ? w.current : null;
        return s == null || !s.inCriticalSection();
    }

    @Override
    public void kernelClosed() {
        shutdown("kernel \"" + kernel.name() + "\" was closed");
    }

    /** A thread stopped at a safepoint for the kernel (Worker set it RUNNABLE and queued it nowhere). */
    void requeue(UserThread t) {
        if (t.rawState() != UserThread.RUNNABLE) {
            throw new IllegalStateException("stopped thread must be RUNNABLE, was " + t);
        }
        queues.pushExternal(t);
        signalWork();
    }

    private Object runWorker(VirtualProcessor vp) {
        Activation act = Activation.current();
        Worker w = new Worker(this, act, vp);
        act.attach(w);
        register(w);
        requestDone();
        try {
            return w.loop();
        } finally {
            queues.drain(w);
            unregister(w); // folds w's counts into stats
            act.attach(null);
            act.noteIdle();
            if (closing) {
                drainOrphans(); // after drain(w): a Java thread on our queues is not lost
            } else if (queues.hasWork()) {
                signalWork();
            }
        }
    }

    private void register(Worker w) {
        synchronized (registryLock) {
            Worker[] cur = workers;
            Worker[] next = Arrays.copyOf(cur, cur.length + 1);
            next[cur.length] = w;
            workers = next;
        }
    }

    private void unregister(Worker w) {
        synchronized (registryLock) {
            stats.add(w);
            Worker[] cur = workers;
            int i = Arrays.asList(cur).indexOf(w);
            Worker[] next = new Worker[cur.length - 1];
            System.arraycopy(cur, 0, next, 0, i);
            System.arraycopy(cur, i + 1, next, i, cur.length - i - 1);
            workers = next;
        }
    }

    Worker[] workers() {
        return workers;
    }

    int workerCount() {
        return workers.length;
    }

    /**
     * Workers whose carrier holds its processor now. Not {@code workers.length}: a worker whose
     * carrier blocked stays registered (others steal from it) until that carrier comes back,
     * but it runs nothing; counting it once made a space with free processors stop asking for
     * them while threads waited in its queues.
     */
    int workersOnProcessors() {
        int n = 0;
        for (Worker w : workers) {
            if (w.act.holdsProcessor()) {
                n++;
            }
        }
        return n;
    }

    // ------------------------------------------------------------------ readying threads

    /**
     * A new thread was started, by whatever thread calls this. A Java thread of ours is pinned
     * while it queues {@code t}: it pushes onto its carrier's owner-only structures, and on the
     * way (a {@link SpinLock} that yields, the kernel's monitor in {@link #signalWork}) an
     * unpinned virtual thread could unmount and go on on another carrier, behind the back of
     * the worker it looked up. Its safepoint comes after the unpin (a pinned thread cannot yield).
     */
    void admit(UserThread t) {
        Fiber.pin();
        try {
            queueNew(t, localWorker());
        } finally {
            Fiber.unpin();
        }
        UserThread.poll();
    }

    /** A new thread was started by the user thread running on {@code w}, a worker of this scheduler. */
    void admit(UserThread t, Worker w) {
        queueNew(t, w);
        Strand self = w.current;
        if (self != null) {
            int sig = w.act.signal();
            if (sig != 0) {
                self.honourSignal(sig);
            }
        }
    }

    /**
     * Queues the new thread {@code t}, started by the caller, whose carrier's worker of this
     * scheduler is {@code w} (null if the caller runs on none: a platform thread, another
     * scheduler, an orphan carrier); the caller's safepoint is left to the caller.
     */
    private void queueNew(UserThread t, Worker w) {
        live.add(t); // then read the closing flag: pairs with shutdown's write-then-scan
        if (closedReason != null) {
            live.remove(t);
            IllegalStateException refused = new IllegalStateException(closedReason + "; start threads on an open Scheduler");
            t.termination.fail(refused); // a joiner of the refused thread gets this, never a hang
            throw refused;
        }
        if (w != null) {
            w.started++;
            queues.pushNew(w, t);
        } else {
            timers(); // started here, off this scheduler's carriers, rather than in a timed park on one
            stats.started.increment();
            queues.pushExternal(t);
        }
        signalWork();
        queues.afterReady(t);
    }

    /** A parked thread was unparked (its CAS to RUNNABLE succeeded); queue it. Any thread. */
    void wake(UserThread t) {
        Worker w = localWorker();
        if (w != null && w.current != null) {
            queues.pushWoken(w, t); // hand-off: signalled lazily at the next dispatch
        } else {
            queues.pushExternal(t);
            signalWork();
        }
        queues.afterReady(t);
    }

    /** The calling carrier's worker if it belongs to this scheduler, else null. */
    private Worker localWorker() {
        Worker w = Carrier.worker(); // not Thread.currentThread(): see Carrier
        return w != null && w.scheduler == this ? w : null;
    }

    /** {@code t} ended on {@code w}'s carrier. */
    void terminated(UserThread t, Worker w) {
        t.setState(UserThread.TERMINATED);
        live.remove(t);
        w.terminated++;
        if (t.failure() != null) {
            stats.failed.increment();
        }
        t.termination.open();
    }

    // ------------------------------------------------------------------ processors

    /** Work was queued: make sure some processor will look at it. Any thread. */
    void signalWork() {
        if (spinning.get() > 0) {
            return;
        }
        if (idleWorkers.get() == 0 && workersOnProcessors() >= kernel.processors()) {
            return;
        }
        if (requestOutstanding.get() || !requestOutstanding.compareAndSet(false, true)) {
            return;
        }
        space.requestProcessors(1);
    }

    /** A worker started or came back from processorIdle: the last request has been answered. */
    void requestDone() {
        if (requestOutstanding.get()) {
            requestOutstanding.set(false);
        }
    }

    /** At most half of the workers (at least one) spin. */
    boolean startSpinning() {
        int s = spinning.get();
        if (2 * s >= Math.max(1, workers.length)) {
            return false;
        }
        spinning.incrementAndGet();
        stats.spins.increment();
        return true;
    }

    int stopSpinning() {
        return spinning.decrementAndGet();
    }

    /** The timer service, started on first use (see {@link #timers}); none starts for good after close. */
    TimerService timers() {
        TimerService ts = timers;
        if (ts == null) {
            synchronized (registryLock) {
                ts = timers;
                if (ts == null) {
                    ts = new TimerService(name + "-timer");
                    if (closing) {
                        ts.stop(); // closed meanwhile: its timers never fire (the scheduler runs nothing more), no thread left
                    }
                    timers = ts;
                }
            }
        }
        return ts;
    }

    Thread.UncaughtExceptionHandler uncaughtHandler() {
        return uncaught;
    }

    // ------------------------------------------------------------------ builder

    /** Configures a {@link Scheduler}. */
    public static final class Builder {
        private Kernel kernel;
        private String name = "scheduler";
        private Allocation allocation = Allocation.DEFAULT;
        private Policy policy = Policy.WORK_STEALING;
        private long seed = 1;
        private Thread.UncaughtExceptionHandler uncaught;

        private Builder() {
        }

        /** The kernel to attach to; default {@link Kernel#shared()}. */
        public Builder kernel(Kernel kernel) {
            this.kernel = Objects.requireNonNull(kernel, "kernel must not be null");
            return this;
        }

        /** Name of the address space; not blank. */
        public Builder name(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name must be a non-blank string, was " + (name == null ? "null" : "\"" + name + "\""));
            }
            this.name = name;
            return this;
        }

        /** Priority of the address space among the kernel's spaces, 1 to 10; default 5. */
        public Builder priority(int priority) {
            this.allocation = allocation.withPriority(priority);
            return this;
        }

        /**
         * Processors guaranteed to this space whenever it wants them, whatever the priority of
         * the others (a request, in container terms); default 0. The minimums of one kernel's
         * spaces add up to at most its processors: {@link #build()} refuses one that would not fit.
         */
        public Builder minProcessors(int n) {
            this.allocation = allocation.withMinProcessors(n);
            return this;
        }

        /** Most processors this space ever holds, even while others are idle (a limit); default no cap. */
        public Builder maxProcessors(int n) {
            this.allocation = allocation.withMaxProcessors(n);
            return this;
        }

        /**
         * Weight of this space against the others of its priority, 1 to 1000 (default 1):
         * processor time is divided in proportion, by rotating processors when the portions are
         * not whole numbers (see {@link Allocation}).
         */
        public Builder share(int weight) {
            this.allocation = allocation.withShare(weight);
            return this;
        }

        /** The scheduling policy; default {@link Policy#WORK_STEALING}. */
        public Builder policy(Policy policy) {
            this.policy = Objects.requireNonNull(policy, "policy must not be null");
            return this;
        }

        /** Seed for {@link Policy#RANDOMIZED}. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Handler for exceptions that end a thread of this scheduler, of either kind; default
         * prints to System.err (for Java threads: the JDK's default, the thread group's).
         */
        public Builder uncaughtExceptionHandler(Thread.UncaughtExceptionHandler h) {
            this.uncaught = Objects.requireNonNull(h, "h must not be null");
            return this;
        }

        /** Attaches a new address space to the kernel. */
        public Scheduler build() {
            return new Scheduler(this, false);
        }
    }
}
