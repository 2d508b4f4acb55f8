package dev.activations.bench.paper;

/**
 * Paper's targets table, as an experiment kept in a class of its own sees it: one row per
 * ratio checked against an issue's target.
 */
@FunctionalInterface
interface Targets {
    /**
     * @param benchmark what was measured, e.g. {@code HttpApps}
     * @param what      the ratio or value, with its unit
     * @param target    the target as the report prints it, e.g. {@code ≤ 1.5}
     * @param value     this run's value (NaN when missing)
     * @param bound     the target's number
     * @param atMost    whether the value must be at most (rather than at least) the bound
     */
    void add(String benchmark, String what, String target, double value, double bound, boolean atMost);
}
