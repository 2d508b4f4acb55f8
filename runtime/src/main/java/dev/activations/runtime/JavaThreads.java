package dev.activations.runtime;

import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * The Java-thread kind of a {@link Scheduler} (DESIGN.md §3a): real {@code java.lang.Thread}
 * virtual threads whose scheduler is ours. The JDK builds them ({@link VirtualThreads#builder})
 * with one of our {@link Level} executors, and calls its {@code execute(runContinuation)}
 * whenever the thread is ready: at start, after an unpark or a monitor hand-over, and after
 * {@code Thread.yield()}. Each call becomes a {@link JavaTask} on our ready queues; a worker
 * runs it, which mounts the thread until it unmounts. Parks, sleeps, socket reads and
 * monitor waits unmount (the JDK does that); what cannot (a native or file read, JNI, a park
 * while pinned) blocks the carrier, where the kernel's monitor finds it.
 *
 * <h2>Who submits, and where it goes ({@link #submit})</h2>
 * <ul>
 *   <li>A carrier of this scheduler re-submitting the thread it just ran (its
 *       {@code Thread.yield()}, or a park cut short by an unpark that raced with it): the
 *       worker's ring, behind what is already ready (a yield lets others run).</li>
 *   <li>A Java thread mounted on a carrier of this scheduler, starting or unparking another
 *       (the JDK calls {@code execute} with the submitter pinned, so this must not park or
 *       yield; it does neither): the worker's hand-off slot, run when the submitter unmounts,
 *       so a ping-pong stays on one processor; a thread displaced from the slot (a fan-out of
 *       starts or unparks) goes to the ring. Other processors are woken at once all the same
 *       ({@link Scheduler#signalWork}; free when every processor is busy or one spins): the JDK
 *       does not say whether this is a start or an unpark, and a submitter that goes on
 *       computing must not keep the new thread waiting (jcstress
 *       {@code JavaThreads_StartedRunsWhileStarterComputes}: it starved while an idle
 *       processor slept, when only a displacement woke one). A woken processor takes the slot
 *       of a busy one on its last look before it gives up.</li>
 *   <li>Anything else (a platform thread, the JDK's timer and unblocker threads, another
 *       scheduler's carrier): the global queue, then {@link Scheduler#signalWork}.</li>
 * </ul>
 *
 * <h2>After close</h2>
 * A closed scheduler has no processors. Its Java threads still alive are not lost: a
 * submission that finds it closing goes to {@link Scheduler#orphan} (platform threads of its own run
 * it, unscheduled by the kernel), and so does every task the closer drains from the queues.
 * The submitter writes its task, then reads {@code closing}; the closer writes {@code closing},
 * then drains: one of the two sees the task.
 */
final class JavaThreads {
    private final Scheduler scheduler;
    private final ReadyQueues queues;
    private final Level[] levels = new Level[UserThread.MAX_PRIORITY + 1];

    JavaThreads(Scheduler scheduler, ReadyQueues queues) {
        this.scheduler = scheduler;
        this.queues = queues;
        for (int p = UserThread.MIN_PRIORITY; p <= UserThread.MAX_PRIORITY; p++) {
            levels[p] = new Level(p);
        }
    }

    /**
     * The scheduler of {@code t} if it is a Java thread of ours (also once that scheduler is
     * closed), else null: the executor the JDK runs it with is one of our {@link Level}s.
     */
    static Scheduler schedulerOf(Thread t) {
        return t.isVirtual() && VirtualThreads.schedulerOf(t) instanceof Level l ? l.scheduler() : null;
    }

    /** A JDK {@link Thread.Builder.OfVirtual} whose threads this scheduler runs at {@code priority}. */
    Thread.Builder.OfVirtual builder(int priority) {
        return VirtualThreads.builder(levels[priority]);
    }

    /**
     * The executor the JDK submits a virtual thread's continuation to. One per priority level;
     * a thread started inside one of ours with {@code Thread.ofVirtual()} inherits its
     * parent's (JDK rule), hence its scheduler and priority.
     */
    final class Level implements Executor {
        final int priority;

        Level(int priority) {
            this.priority = priority;
        }

        Scheduler scheduler() {
            return scheduler;
        }

        @Override
        public void execute(Runnable runContinuation) {
            submit(new JavaTask(Objects.requireNonNull(runContinuation, "runContinuation"), priority));
        }

        @Override
        public String toString() {
            return scheduler + " priority " + priority;
        }
    }

    /** Queues {@code t}. Any thread; must not park or yield (see the class comment). */
    private void submit(JavaTask t) {
        Scheduler s = scheduler;
        if (s.isClosing()) {
            s.orphan(t);
            return;
        }
        Worker w = Carrier.worker();
        Strand mounted = w != null && w.scheduler == s ? w.current : null;
        if (mounted instanceof JavaTask own && own.cont == t.cont) {
            if (own.stoppedOnRevoke) {
                t.stoppedAt = own.stoppedAt; // stopped after a revoked call: Worker.resumed times its return
                t.stoppedOnRevoke = true;
            }
            queues.pushYielded(w, t);
        } else if (mounted != null) {
            queues.pushHandOff(w, t);
            s.signalWork(); // now: we cannot tell a start from an unpark, and the submitter may compute on
        } else {
            queues.pushExternal(t);
            s.signalWork();
        }
        queues.afterReady(t);
        if (s.isClosing()) {
            s.drainOrphans(); // pairs with shutdown: write closing, then drain
        }
    }
}
