package dev.activations.runtime;

import dev.activations.kernel.Activation;
import dev.activations.kernel.VirtualProcessor;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.jctools.queues.atomic.SpmcAtomicArrayQueue;

/**
 * The scheduler loop for one upcall: one carrier ({@link Activation}) running one VP for one
 * {@link Scheduler}. Created when the kernel delivers {@code processorAdded} or
 * {@code activationBlocked}, gone when that upcall returns.
 *
 * <h2>Why per upcall, not per VP</h2>
 * When the monitor revokes a VP from a carrier blocked in an unbracketed call, that carrier
 * may still run user code until the thread's next safepoint. Owner-only structures (the SPMC
 * ring's producer side, the owner end of the spawn deque, the hand-off slot) therefore belong
 * to a carrier, never to a VP: the old carrier keeps its worker (others steal from it; it drains it when it leaves), and the
 * VP's new carrier gets a fresh worker. No structure ever has two producers.
 *
 * <h2>Loop ({@link #loop})</h2>
 * Check the signal word; take the next thread from the policy; if none, spin briefly (at most
 * half the workers spin, Agrona {@link BackoffIdleStrategy}), then report the VP idle to the
 * kernel ({@code processorIdle}), which may keep it (work was requested meanwhile) or take it.
 * Run the strand until it unmounts ({@link Strand#runOn}): a user thread, then act on why it
 * did (park, yield, stop, end); a Java thread, nothing to act on (the JDK re-submits it when it
 * is ready again). Either way the loop's next signal check is a safepoint, so a processor the
 * kernel wants back is given up at the latest when the strand it runs unmounts or ends.
 *
 * <h2>Fields</h2>
 * {@code current}, {@code tick}, {@code ring} producer side, {@code spawns} owner end: this
 * carrier only (thieves use the deque's steal end). {@code next}:
 * getAndSet by this carrier, CAS by thieves. {@code current}/{@code runningPriority}/
 * {@code preemptAsked} are read racily by the priority policy (a hint; a wrong guess costs one
 * spurious preemption or one delay until the next dispatch).
 */
final class Worker {
    private static final VarHandle NEXT;
    private static final long SPIN_NANOS = 50_000;

    static {
        try {
            NEXT = MethodHandles.lookup().findVarHandle(Worker.class, "next", Strand.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Scheduler scheduler;
    final Activation act;
    final VirtualProcessor vp;
    final ReadyQueues queues;
    final SpmcAtomicArrayQueue<Strand> ring;
    final SpawnDeque spawns = new SpawnDeque();
    private final IdleStrategy idle = new BackoffIdleStrategy(64, 16, 1_000, 32_000);

    /**
     * Mounted strand (a user thread, or one run of a Java thread); written by this carrier
     * only, read racily by the priority policy.
     */
    Strand current;
    @SuppressWarnings("unused") private volatile Strand next;
    int tick;
    /** Joins running inline on this carrier, nested (bounded: they share the carrier's stack). */
    int inlineDepth;
    int runningPriority;
    boolean preemptAsked;
    /** Event counts, written by this carrier only; summed racily by stats(). */
    long dispatches;
    long javaRuns;
    long parks;
    long yields;
    long inlineJoins;
    long started;
    long terminated;

    Worker(Scheduler scheduler, Activation act, VirtualProcessor vp) {
        this.scheduler = scheduler;
        this.act = act;
        this.vp = vp;
        this.queues = scheduler.queues;
        this.ring = WorkStealingQueues.newRing();
    }

    Strand swapNext(Strand t) {
        return (Strand) NEXT.getAndSet(this, t);
    }

    Strand takeNext() {
        return next == null ? null : (Strand) NEXT.getAndSet(this, (Strand) null);
    }

    Strand peekNext() {
        return next;
    }

    Strand stealNext() {
        Strand t = next;
        return t != null && NEXT.compareAndSet(this, t, (Strand) null) ? t : null;
    }

    /** Runs on {@link #act} inside the upcall. Returns the thread stopped by a signal, or null. */
    Object loop() {
        while (true) {
            if (act.signal() != 0 || scheduler.isClosing()) {
                return null;
            }
            Strand t = queues.next(this, false);
            if (t == null) {
                t = idleUntilWork();
                if (t == null) {
                    return null;
                }
            }
            if (queues.hasSurplus(this)) {
                scheduler.signalWork(); // lazy wake: more ready here than this processor will run soon
            }
            runningPriority = t.priority;
            preemptAsked = false;
            Object stopped = t.runOn(this);
            if (stopped != null) {
                return stopped;
            }
        }
    }

    /** Runs user thread {@code t} from the loop until it unmounts ({@link UserThread#runOn}). */
    Object run(UserThread t) {
        if (t.stoppedOnRevoke) {
            resumed(t);
        }
        mount(t);
        t.fiber.run();
        current = null;
        return afterRun(t);
    }

    /**
     * Runs one submission of a Java thread ({@link JavaTask#runOn}): the JDK's
     * {@code runContinuation} mounts the virtual thread on this carrier and returns when it
     * unmounts (parks, yields, ends). The JDK re-submits it itself (through
     * {@link JavaThreads}) when it is ready again, so nothing is left to do here: the loop's
     * next signal check is the safepoint every unmount gives.
     */
    Object run(JavaTask t) {
        if (t.stoppedOnRevoke) {
            resumed(t);
        }
        current = t;
        dispatches++;
        javaRuns++;
        act.noteDispatch(t);
        t.cont.run();
        current = null;
        return null;
    }

    /** {@code t} stopped after a revoked blocking call and runs again now: one sample for the kernel's HandOffStats. */
    private void resumed(Strand t) {
        t.stoppedOnRevoke = false;
        act.noteResumed(t.stoppedAt);
    }

    /** Makes {@code t} the thread running on this carrier (the worker loop, or a join run inline). */
    void mount(UserThread t) {
        current = t;
        t.worker = this;
        dispatches++;
        act.noteDispatch(t);
        t.setStateRelease(UserThread.RUNNING);
    }

    /** The joiner {@code t} is current again after a child it ran inline came back. */
    void remount(UserThread t) {
        current = t;
        act.noteDispatch(t);
    }

    /**
     * {@code t} came back from {@code fiber.run()} on this carrier: acts on why. Returns
     * {@code t} if a kernel signal stopped it (RUNNABLE, queued nowhere: the caller hands it to
     * the kernel or re-queues it), else null.
     */
    Object afterRun(UserThread t) {
        if (t.fiber.isDone()) {
            scheduler.terminated(t, this);
            return null;
        }
        switch (t.yieldReason) {
            case UserThread.Y_PARK -> {
                if (t.afterParkUnmount()) {
                    queues.pushYielded(this, t);
                }
            }
            case UserThread.Y_YIELD -> {
                t.setStateRelease(UserThread.RUNNABLE);
                queues.pushYielded(this, t);
                yields++;
            }
            case UserThread.Y_PREEMPT, UserThread.Y_REVOKED -> {
                if (t.yieldReason == UserThread.Y_REVOKED) {
                    t.noteRevokedStop(); // unmounted for good: time its wait to run again
                }
                t.setState(UserThread.RUNNABLE);
                return t; // the kernel delivers processorPreempted / activationUnblocked with it
            }
            default -> throw new IllegalStateException("thread " + t + " unmounted without a reason: " + t.yieldReason);
        }
        return null;
    }

    /** Spin, then report the VP idle. Returns work, or null when the VP is gone. */
    private Strand idleUntilWork() {
        act.noteIdle();
        Strand t;
        if (scheduler.startSpinning()) {
            idle.reset();
            long until = System.nanoTime() + SPIN_NANOS;
            try {
                do {
                    if (act.signal() != 0) {
                        return null;
                    }
                    if ((t = queues.next(this, false)) != null) {
                        return t;
                    }
                    idle.idle();
                } while (System.nanoTime() < until);
            } finally {
                if (scheduler.stopSpinning() == 0 && queues.hasWork()) {
                    scheduler.signalWork(); // the last spinner found work: let another one look
                }
            }
        }
        while (true) {
            // Not spinning any more (decrement was a full fence), and counted idle (another full
            // fence) before the last look at the queues: a producer queues, then reads spinning and
            // idleWorkers (signalWork). Either this look sees its work, or it sees this worker idle
            // and requests a processor, which keeps processorIdle from sleeping. (Counting idle
            // after the look left a window in which a producer saw every processor busy and asked
            // for nothing, while this worker went to sleep.)
            scheduler.idleWorkers.incrementAndGet();
            boolean keep;
            try {
                if ((t = queues.next(this, true)) != null) {
                    return t;
                }
                keep = scheduler.space().processorIdle(vp);
            } finally {
                scheduler.idleWorkers.decrementAndGet();
            }
            scheduler.requestDone();
            if (!keep || act.signal() != 0) {
                return null;
            }
        }
    }
}
