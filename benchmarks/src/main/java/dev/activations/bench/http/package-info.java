/**
 * The HTTP experiment's load: a closed-loop HTTP/1.1 load generator that runs in a JVM of its
 * own, and the benchmark's handle on it.
 *
 * <h2>Table of contents</h2>
 * <ul>
 *   <li>{@link dev.activations.bench.http.LoadGenerator} — the child process: NIO selector
 *       threads, keep-alive connections, one request outstanding on each;</li>
 *   <li>{@link dev.activations.bench.http.LoadGeneratorProcess} — starts it, marks and reports
 *       load windows over its stdin/stdout, with every wait bounded;</li>
 *   <li>{@code LatencyHistogram} — a fixed log-linear histogram (about 3 % resolution);</li>
 *   <li>{@link dev.activations.bench.http.Completions} — the server-side request count the
 *       benchmark's score comes from.</li>
 * </ul>
 * Used by {@link dev.activations.bench.HttpLoad}.
 */
package dev.activations.bench.http;
