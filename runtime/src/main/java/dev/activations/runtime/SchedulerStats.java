package dev.activations.runtime;

import java.util.concurrent.atomic.LongAdder;

/**
 * A snapshot of one scheduler's counters (totals since it was built, except the gauges).
 *
 * @param name             the scheduler's name
 * @param liveThreads      gauge: user threads started and not terminated
 * @param readyThreads     gauge: threads in ready queues (approximate)
 * @param workers          gauge: processors running this scheduler's loop (incl. ones whose carrier blocked)
 * @param processorsHeld   gauge: VPs the kernel allocates to this space
 * @param started          user threads started
 * @param terminated       user threads terminated
 * @param failed           user threads ended by an exception
 * @param parks            parks that returned
 * @param yields           yields
 * @param steals           threads stolen from another processor
 * @param preemptions      threads stopped at a safepoint for the kernel
 * @param preemptRequests  preempt downcalls made by the priority policy
 * @param kernelBlocks     activationBlocked upcalls (a carrier blocked, its VP handed off)
 * @param spins            times an idle worker started spinning
 * @param inlineJoins      joins that ran their not yet started child inline instead of parking
 * @param dispatches       threads mounted on a processor, both kinds (a Java thread once per run
 *                         between two unmounts; a user thread once per resume)
 * @param javaRuns         of those, runs of Java threads (the JDK's submissions of them)
 */
public record SchedulerStats(
        String name,
        int liveThreads,
        int readyThreads,
        int workers,
        int processorsHeld,
        long started,
        long terminated,
        long failed,
        long parks,
        long yields,
        long steals,
        long preemptions,
        long preemptRequests,
        long kernelBlocks,
        long spins,
        long inlineJoins,
        long dispatches,
        long javaRuns) {

    /**
     * The counters behind a snapshot. LongAdders for events off a worker's carrier; events on a
     * carrier are counted in its {@link Worker}'s plain fields (no shared write per thread
     * started or ended) and folded in here when the worker leaves.
     */
    static final class Counters {
        final LongAdder started = new LongAdder();
        final LongAdder terminated = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder parks = new LongAdder();
        final LongAdder yields = new LongAdder();
        final LongAdder steals = new LongAdder();
        final LongAdder preemptions = new LongAdder();
        final LongAdder preemptRequests = new LongAdder();
        final LongAdder kernelBlocks = new LongAdder();
        final LongAdder spins = new LongAdder();
        final LongAdder inlineJoins = new LongAdder();
        final LongAdder dispatches = new LongAdder();
        final LongAdder javaRuns = new LongAdder();

        /** Folds a leaving worker's carrier-local counts in. Runs on that worker's carrier. */
        void add(Worker w) {
            parks.add(w.parks);
            yields.add(w.yields);
            inlineJoins.add(w.inlineJoins);
            started.add(w.started);
            terminated.add(w.terminated);
            dispatches.add(w.dispatches);
            javaRuns.add(w.javaRuns);
        }

        /** Live workers' counts are read racily: the snapshot is approximate while they run. */
        SchedulerStats snapshot(String name, int live, int ready, Worker[] workers, int held) {
            long p = parks.sum();
            long y = yields.sum();
            long j = inlineJoins.sum();
            long st = started.sum();
            long te = terminated.sum();
            long d = dispatches.sum();
            long jr = javaRuns.sum();
            for (Worker w : workers) {
                d += w.dispatches;
                jr += w.javaRuns;
                p += w.parks;
                y += w.yields;
                j += w.inlineJoins;
                st += w.started;
                te += w.terminated;
            }
            return new SchedulerStats(name, live, ready, workers.length, held, st, te, failed.sum(),
                    p, y, steals.sum(), preemptions.sum(), preemptRequests.sum(), kernelBlocks.sum(), spins.sum(), j, d, jr);
        }
    }
}
