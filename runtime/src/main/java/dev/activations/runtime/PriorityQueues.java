package dev.activations.runtime;

import dev.activations.kernel.VirtualProcessor;

import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Strict priority: one {@link ConcurrentLinkedQueue} per priority level 1..10, scanned from the top.
 *
 * <p>Guarantee: no ready thread waits while a lower-priority thread runs, up to the
 * preemption bound. When {@code t} becomes ready, {@link #afterReady} wakes an idle processor
 * if there is one; otherwise it finds the worker running the lowest priority below
 * {@code t}'s and asks the kernel to preempt it (downcall {@code preempt}). The preempted
 * thread comes back through {@code processorPreempted} and is re-queued at its level; the
 * processor stays with this space and picks the highest ready thread. {@code preemptAsked}
 * (reset on every dispatch) keeps one worker from being asked twice for the same switch.
 */
final class PriorityQueues extends ReadyQueues {
    @SuppressWarnings("unchecked")
    private final ConcurrentLinkedQueue<Strand>[] levels = new ConcurrentLinkedQueue[UserThread.MAX_PRIORITY + 1];

    PriorityQueues(Scheduler s) {
        super(s);
        for (int p = UserThread.MIN_PRIORITY; p <= UserThread.MAX_PRIORITY; p++) {
            levels[p] = new ConcurrentLinkedQueue<>();
        }
    }

    @Override
    void pushNew(Worker w, Strand t) {
        levels[t.priority].offer(t);
    }

    @Override
    void pushWoken(Worker w, Strand t) {
        levels[t.priority].offer(t);
    }

    @Override
    void pushYielded(Worker w, Strand t) {
        levels[t.priority].offer(t);
    }

    @Override
    void pushExternal(Strand t) {
        levels[t.priority].offer(t);
    }

    @Override
    Strand next(Worker w, boolean lastChance) {
        for (int p = UserThread.MAX_PRIORITY; p >= UserThread.MIN_PRIORITY; p--) {
            Strand t = levels[p].poll();
            if (t != null) {
                return t;
            }
        }
        return null;
    }

    @Override
    Strand poll() {
        return next(null, false);
    }

    /** Highest priority with a ready thread, or 0. */
    int topReady() {
        for (int p = UserThread.MAX_PRIORITY; p >= UserThread.MIN_PRIORITY; p--) {
            if (!levels[p].isEmpty()) {
                return p;
            }
        }
        return 0;
    }

    @Override
    void afterReady(Strand t) {
        Worker victim = null;
        for (Worker w : scheduler.workers()) {
            Strand running = w.current;
            if (running == null) {
                return; // an idle or switching worker will take t
            }
            if (!w.preemptAsked && w.act.isRunningOnProcessor() && running.priority < t.priority
                    && (victim == null || running.priority < victim.runningPriority)) {
                victim = w;
            }
        }
        if (scheduler.workersOnProcessors() < scheduler.kernel().processors()) {
            return; // signalWork asks the kernel for another processor instead
        }
        VirtualProcessor vp = victim == null ? null : victim.act.processor(); // racy: it may have moved or gone
        if (vp != null) {
            victim.preemptAsked = true;
            scheduler.space().preempt(vp);
            scheduler.stats.preemptRequests.increment();
        }
    }

    @Override
    boolean hasWork() {
        return topReady() != 0;
    }

    @Override
    boolean hasSurplus(Worker w) {
        return topReady() != 0;
    }

    @Override
    void drain(Worker w) {
    }

    @Override
    int size() {
        int n = 0;
        for (int p = UserThread.MIN_PRIORITY; p <= UserThread.MAX_PRIORITY; p++) {
            n += levels[p].size();
        }
        return n;
    }
}
