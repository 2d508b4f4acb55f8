package dev.activations.bench.paper;

import java.util.Map;

/**
 * One JMH result: a benchmark with one set of parameters.
 *
 * @param benchmark  simple class name, e.g. {@code NullFork}
 * @param params     the JMH parameters of this run
 * @param score      primary score (mean over the measurement iterations of every fork)
 * @param error      99.9% confidence half-width, NaN with too few iterations
 * @param unit       JMH's unit, e.g. {@code ns/op}
 * @param secondary  secondary results by name (e.g. {@code utilization})
 */
record Measurement(String benchmark, Map<String, String> params, double score, double error, String unit,
                   Map<String, Double> secondary) {

    String param(String name) {
        return params.get(name);
    }

    /** True if every (name, value) pair given matches this measurement's parameters. */
    boolean matches(String... nameValue) {
        for (int i = 0; i < nameValue.length; i += 2) {
            if (!nameValue[i + 1].equals(params.get(nameValue[i]))) {
                return false;
            }
        }
        return true;
    }
}
