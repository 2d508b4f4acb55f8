package dev.activations.bench.paper;

import dev.activations.bench.Bench;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Runs one benchmark class through JMH's {@link Runner} with the paper job's profile and
 * returns its results. Each run leaves JMH's log ({@code jmh-<run>.log}: why a combination
 * failed) and raw results ({@code jmh-<run>.json}) in the output directory.
 */
final class Jmh {
    private final Profile profile;
    private final Path out;
    private int runs;

    Jmh(Profile profile, Path out) {
        this.profile = profile;
        this.out = out;
    }

    /** A run of one benchmark class: parameters, extra JVM flags, long iterations or not. */
    static final class Run {
        final Class<?> benchmark;
        final Map<String, String[]> params = new LinkedHashMap<>();
        final List<String> jvmArgs = new ArrayList<>();
        boolean slow;
        boolean window;
        boolean server;

        Run(Class<?> benchmark) {
            this.benchmark = benchmark;
        }

        Run param(String name, String... values) {
            params.put(name, values);
            return this;
        }

        Run jvmArg(String arg) {
            jvmArgs.add(arg);
            return this;
        }

        /** Operations of tens of milliseconds: use the profile's longer iterations. */
        Run slow() {
            slow = true;
            return this;
        }

        /**
         * One iteration is one window of load that the benchmark set up outside its own thread
         * (a server and its load generator, two executors): the profile's window iterations,
         * fewer and longer.
         */
        Run window() {
            window = true;
            return this;
        }

        /** A {@link #window} benchmark that runs a whole server: the profile's longer warm-up windows. */
        Run serverWindow() {
            server = true;
            return window();
        }
    }

    /**
     * Runs {@code run}; combinations that fail are missing from the answer (JMH's log says why).
     */
    List<Measurement> run(Run run) throws RunnerException {
        String tag = run.benchmark.getSimpleName() + "-" + (++runs);
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include("^" + Pattern.quote(run.benchmark.getName()) + "\\.")
                .shouldFailOnError(false)
                .verbosity(VerboseMode.NORMAL)
                .output(out.resolve("jmh-" + tag + ".log").toString())
                .result(out.resolve("jmh-" + tag + ".json").toString())
                .resultFormat(ResultFormatType.JSON)
                .forks(profile.forks())
                .timeout(profile.timeout());
        if (run.window) {
            o.warmupIterations(profile.windowWarmups())
                    .measurementIterations(profile.windowIterations())
                    .warmupTime(run.server ? profile.serverWarmup() : profile.windowWarmup())
                    .measurementTime(profile.window());
        } else {
            o.warmupIterations(run.slow ? profile.slowWarmupIterations() : profile.warmupIterations())
                    .measurementIterations(profile.measurementIterations())
                    .warmupTime(run.slow ? profile.slowIterations() : profile.iteration())
                    .measurementTime(run.slow ? profile.slowIterations() : profile.iteration());
        }
        // Replaces the class's @Fork(jvmArgsAppend): repeat what every fork needs.
        List<String> jvm = new ArrayList<>(List.of(Bench.ADD_EXPORTS, Bench.ADD_OPENS, Bench.NATIVE_ACCESS));
        jvm.addAll(run.jvmArgs);
        o.jvmArgsAppend(jvm.toArray(String[]::new));
        run.params.forEach(o::param);
        List<Measurement> answer = new ArrayList<>();
        for (RunResult rr : new Runner(o.build()).run()) {
            Map<String, String> params = new LinkedHashMap<>();
            for (String key : rr.getParams().getParamsKeys()) {
                params.put(key, rr.getParams().getParam(key));
            }
            Result<?> primary = rr.getPrimaryResult();
            Map<String, Double> secondary = new LinkedHashMap<>();
            rr.getSecondaryResults().forEach((name, r) -> secondary.put(name, r.getScore()));
            List<double[]> forks = new ArrayList<>();
            for (BenchmarkResult fork : rr.getBenchmarkResults()) {
                forks.add(fork.getIterationResults().stream().mapToDouble(i -> i.getPrimaryResult().getScore()).toArray());
            }
            answer.add(new Measurement(run.benchmark.getSimpleName(), params, primary.getScore(),
                    primary.getScoreError(), primary.getScoreUnit(), secondary, forks));
        }
        return answer;
    }
}
