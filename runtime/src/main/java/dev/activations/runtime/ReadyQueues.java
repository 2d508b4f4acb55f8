package dev.activations.runtime;

/**
 * Where ready user threads wait, and which one a processor runs next: the policy's whole
 * surface. One instance per {@link Scheduler}.
 *
 * <p>Calling contexts: {@code w} is the calling carrier's own {@link Worker} (owner-only
 * structures of {@code w} may be touched); the {@code pushExternal} path may be called from
 * any thread. Every push makes the thread visible to {@link #next}; the caller then decides
 * whether to wake a processor ({@link Scheduler#signalWork}).
 */
abstract class ReadyQueues {
    final Scheduler scheduler;

    ReadyQueues(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** A thread started by a user thread running on {@code w}. */
    abstract void pushNew(Worker w, UserThread t);

    /** A thread unparked by the user thread running on {@code w}: a hand-off, run it soon. */
    abstract void pushWoken(Worker w, UserThread t);

    /** The thread that just yielded on {@code w}, or whose park was cut short by a permit. */
    abstract void pushYielded(Worker w, UserThread t);

    /**
     * Owner only: takes {@code t} back out of {@code w}'s local queue if it is still there and
     * nobody else can take it any more; false if not found (or the policy does not support it).
     * Lets a join run a child that no processor has picked up yet inline.
     */
    boolean unpush(Worker w, UserThread t) {
        return false;
    }

    /** From any thread (platform threads, other schedulers, timers, upcalls). */
    abstract void pushExternal(UserThread t);

    /**
     * Next thread for {@code w}, or null. {@code lastChance} is set on an idle processor's
     * final attempt before it gives its processor up (may take hand-off slots of others).
     */
    abstract UserThread next(Worker w, boolean lastChance);

    /** True if some ready thread may be waiting anywhere (idle re-check; may be stale). */
    abstract boolean hasWork();

    /** True if {@code w} has ready threads that other processors could take. Owner only. */
    abstract boolean hasSurplus(Worker w);

    /** {@code w} is leaving its processor: move its local threads where others find them. Owner only. */
    abstract void drain(Worker w);

    /** Approximate number of ready threads. */
    abstract int size();

    /** Called after {@code t} was queued; the priority policy preempts here. */
    void afterReady(UserThread t) {
    }
}
