/**
 * The HTTP experiments' load: an HTTP/1.1 load generator (closed loop, or at a fixed rate) that
 * runs in a JVM of its own, and the benchmark's handle on it.
 *
 * <h2>Table of contents</h2>
 * <ul>
 *   <li>{@link dev.activations.bench.http.LoadGenerator} — the child process: NIO selector
 *       threads, keep-alive connections, one request outstanding on each, sent at once or on a
 *       schedule, latencies in HdrHistograms; a drain that tells whether any request was
 *       lost;</li>
 *   <li>{@link dev.activations.bench.http.LoadGeneratorProcess} — starts it, marks and reports
 *       load windows over its stdin/stdout, with every wait bounded;</li>
 *   <li>{@link dev.activations.bench.http.Completions} — the server-side request count the
 *       benchmark's score comes from.</li>
 * </ul>
 * Used by {@link dev.activations.bench.HttpLoad} and {@link dev.activations.bench.RealServer}
 * (closed loop) and {@link dev.activations.bench.HttpApps} (a fixed rate).
 */
package dev.activations.bench.http;
