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
    abstract void pushNew(Worker w, Strand t);

    /** A thread unparked by the user thread running on {@code w}: a hand-off, run it soon. */
    abstract void pushWoken(Worker w, Strand t);

    /**
     * A Java thread started or unparked by the Java thread running on {@code w}
     * ({@link JavaThreads}): like {@link #pushWoken}, but returns true if the caller should wake
     * another processor now (the push left more ready here than the hand-off itself). The default,
     * for policies without a local hand-off slot, always says so.
     */
    boolean pushHandOff(Worker w, Strand t) {
        pushWoken(w, t);
        return true;
    }

    /** The thread that just yielded on {@code w}, or whose park was cut short by a permit. */
    abstract void pushYielded(Worker w, Strand t);

    /**
     * Owner only: takes {@code t} back out of {@code w}'s local queue if it is still there and
     * nobody else can take it any more; false if not found (or the policy does not support it).
     * Lets a join run a child that no processor has picked up yet inline.
     */
    boolean unpush(Worker w, Strand t) {
        return false;
    }

    /** From any thread (platform threads, other schedulers, timers, upcalls). */
    abstract void pushExternal(Strand t);

    /**
     * Next thread for {@code w}, or null. {@code lastChance} is set on an idle processor's
     * final attempt before it gives its processor up (may take hand-off slots of others).
     */
    abstract Strand next(Worker w, boolean lastChance);

    /**
     * Takes any ready strand from the structures shared by all processors (not a worker's own),
     * or null. For a closing scheduler's drain; any thread.
     */
    abstract Strand poll();

    /** True if some ready thread may be waiting anywhere (idle re-check; may be stale). */
    abstract boolean hasWork();

    /** True if {@code w} has ready threads that other processors could take. Owner only. */
    abstract boolean hasSurplus(Worker w);

    /** {@code w} is leaving its processor: move its local threads where others find them. Owner only. */
    abstract void drain(Worker w);

    /** Approximate number of ready threads. */
    abstract int size();

    /** Called after {@code t} was queued; the priority policy preempts here. */
    void afterReady(Strand t) {
    }
}
