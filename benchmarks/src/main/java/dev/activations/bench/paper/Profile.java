package dev.activations.bench.paper;

import org.openjdk.jmh.runner.options.TimeValue;

/**
 * How long each JMH run of the paper job lasts. {@link #QUICK}: one fork and a few short
 * iterations, the whole job in about six minutes on 2 cores; a first look, not a result to
 * quote. {@link #FULL}: three forks and the benchmarks' own iteration counts, the figures for
 * the README.
 *
 * @param slowIterations    iteration length for benchmarks whose one operation lasts tens of ms
 * @param windowWarmups     warm-up iterations of a load-window benchmark (one iteration = one
 *                          window of load from outside the benchmark thread: HttpLoad, TwoApps)
 * @param windowWarmup      length of one warm-up window
 * @param serverWarmup      length of one warm-up window of a benchmark that runs a whole server
 *                          (HttpLoad), whose code the JIT compiles during the first seconds of load
 * @param windowIterations  measured iterations of a load-window benchmark
 * @param window            length of one measured window
 */
record Profile(String name, int forks, int warmupIterations, int measurementIterations,
               TimeValue iteration, TimeValue slowIterations, TimeValue timeout,
               int windowWarmups, TimeValue windowWarmup, TimeValue serverWarmup, int windowIterations,
               TimeValue window) {

    /** Long operations get fewer warm-up iterations (each is long enough to warm the JIT). */
    int slowWarmupIterations() {
        return Math.max(1, warmupIterations - 1);
    }

    static final Profile QUICK = new Profile("quick", 1, 3, 3,
            TimeValue.milliseconds(300), TimeValue.seconds(1), TimeValue.seconds(30),
            1, TimeValue.milliseconds(500), TimeValue.seconds(2), 2, TimeValue.seconds(1));
    static final Profile FULL = new Profile("full", 3, 3, 5,
            TimeValue.seconds(1), TimeValue.seconds(2), TimeValue.minutes(2),
            2, TimeValue.seconds(2), TimeValue.seconds(3), 5, TimeValue.seconds(2));
}
