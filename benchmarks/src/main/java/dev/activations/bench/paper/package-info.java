/**
 * The paper job: re-runs the evaluation of Anderson et al. (and of the later scheduler
 * activation papers) on this machine through JMH, prints each table beside the published
 * figures and writes {@code report.md} with PNG charts.
 *
 * <h2>Table of contents</h2>
 * <ul>
 *   <li>{@link dev.activations.bench.paper.Paper} — the entry point and one method per experiment;
 *       {@link dev.activations.bench.paper.PromisesExperiment}, {@link dev.activations.bench.paper.HttpAppsExperiment},
 *       {@link dev.activations.bench.paper.RealServerExperiment} —
 *       experiments kept apart, each reporting to the targets table through
 *       {@link dev.activations.bench.paper.Targets};</li>
 *   <li>{@link dev.activations.bench.paper.Profile} — quick (about 6 minutes on 2 cores) and full;</li>
 *   <li>{@link dev.activations.bench.paper.Jmh}, {@link dev.activations.bench.paper.Measurement} —
 *       running a benchmark class through JMH's {@code Runner} and reading its results;</li>
 *   <li>{@link dev.activations.bench.paper.Published} — the papers' figures, as constants, labelled;</li>
 *   <li>{@link dev.activations.bench.paper.Table}, {@link dev.activations.bench.paper.Charts},
 *       {@link dev.activations.bench.paper.Section}, {@link dev.activations.bench.paper.Report} —
 *       text and Markdown tables, XChart PNGs, the report.</li>
 * </ul>
 */
package dev.activations.bench.paper;
