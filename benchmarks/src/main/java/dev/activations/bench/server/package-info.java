/**
 * Real servers for {@link dev.activations.bench.RealServer}: Jetty 12 and Tomcat 11 embedded,
 * each request run by the executor under test, and a JDBC workload.
 *
 * <h2>Table of contents</h2>
 * <ul>
 *   <li>{@link dev.activations.bench.server.WebServer} — what the benchmark sees of a server:
 *       start one of either kind with an executor (or the server's own platform pool) and an
 *       endpoint, its address, a bounded close;</li>
 *   <li>{@code JettyServer}, {@code TomcatServer} — each server's wiring of the executor and its
 *       settings for a closed-loop load;</li>
 *   <li>{@code BoundedStop} — a server's stop, waited for at most a few seconds;</li>
 *   <li>{@link dev.activations.bench.server.OrderDatabase} — a transaction per request through
 *       HikariCP over an in-memory H2, and counts that must add up.</li>
 * </ul>
 */
package dev.activations.bench.server;
