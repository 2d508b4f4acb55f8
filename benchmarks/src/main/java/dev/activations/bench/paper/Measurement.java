package dev.activations.bench.paper;

import java.util.Arrays;
import java.util.List;
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
 * @param forks      the primary score of every measurement iteration, one array per fork
 */
record Measurement(String benchmark, Map<String, String> params, double score, double error, String unit,
                   Map<String, Double> secondary, List<double[]> forks) {

    /**
     * The worst fork's spread: the largest iteration over that fork's median (1 when every
     * iteration took the same; NaN without iterations).
     */
    double worstIterationOverMedian() {
        double worst = Double.NaN;
        for (double[] f : forks) {
            if (f.length == 0) {
                continue;
            }
            double[] sorted = f.clone();
            Arrays.sort(sorted);
            double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                    : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
            double r = sorted[sorted.length - 1] / median;
            worst = Double.isNaN(worst) ? r : Math.max(worst, r);
        }
        return worst;
    }

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
