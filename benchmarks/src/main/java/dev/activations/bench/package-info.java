/**
 * JMH benchmarks comparing platform threads, JDK virtual threads and Activations.
 *
 * <p>Every benchmark has a {@code @Param impl} so one run compares the thread systems side by
 * side, as ratios:
 * <ul>
 *   <li>{@code platform} — {@code java.lang.Thread}s, one kernel thread each (the paper's
 *       "kernel threads": Topaz threads);</li>
 *   <li>{@code virtual} — JDK virtual threads on the default scheduler;</li>
 *   <li>{@code activations} — {@link dev.activations.runtime.UserThread}s on a private
 *       {@link dev.activations.kernel.Kernel} (the paper's FastThreads on scheduler
 *       activations);</li>
 *   <li>{@code forkjoin} — a {@link java.util.concurrent.ForkJoinPool}, what users pick for
 *       pure tasks (where the scenario is a fork/join or task one);</li>
 *   <li>{@code floor} — a bare continuation yield + run loop ({@link dev.activations.bench.Floor}):
 *       the least any switch can cost on this JVM (where the scenario is a switch).</li>
 * </ul>
 *
 * <h2>Table of contents</h2>
 * <ul>
 *   <li>{@link dev.activations.bench.Kind}, {@link dev.activations.bench.Strand} — the one
 *       interface each thread system is driven through;</li>
 *   <li>{@link dev.activations.bench.Floor} — the only class that touches
 *       {@code jdk.internal.vm};</li>
 *   <li>Table I: {@link dev.activations.bench.NullFork}, {@link dev.activations.bench.SignalWait};</li>
 *   <li>switch and fork costs: {@link dev.activations.bench.Yield},
 *       {@link dev.activations.bench.SumTime}, {@link dev.activations.bench.PingPong},
 *       {@link dev.activations.bench.ExecutorThroughput};</li>
 *   <li>integration with the kernel: {@link dev.activations.bench.BlockingMix} (Figure 3, with
 *       {@link dev.activations.bench.IoDevice}), {@link dev.activations.bench.Multiprogramming}
 *       (Figure 2 and Table V, with {@link dev.activations.bench.NBody});</li>
 *   <li>servers: {@link dev.activations.bench.HttpLoad} (the JDK's HttpServer with each
 *       executor, loaded from another JVM by {@link dev.activations.bench.http.LoadGenerator}),
 *       {@link dev.activations.bench.TwoApps} (web latency beside a saturated batch executor),
 *       {@link dev.activations.bench.HttpApps} (the same with the HttpServer as web, at a fixed
 *       rate); the last two share {@link dev.activations.bench.ExecutorPair} (their executors
 *       per {@code impl}) and {@link dev.activations.bench.SaturatedBatch} (their batch);
 *       {@link dev.activations.bench.CpuWork} is their plain CPU loop, and
 *       {@link dev.activations.bench.AuxValue} how they report latencies as JMH secondary results;
 *       {@link dev.activations.bench.RealServer} (Jetty and Tomcat with each executor, handlers
 *       that compute, sleep, run a JDBC transaction or pin their carrier; the servers and the
 *       database in {@link dev.activations.bench.server}).</li>
 * </ul>
 *
 * <p>Benchmarks that must run <em>inside</em> a thread of the kind under test (a fork from a
 * user thread, a hand-off between two user threads) run a fixed batch there and declare it
 * with {@code @OperationsPerInvocation}: the loop lives in the batch, not in the benchmark
 * body, and the cost of entering the kind from the JMH thread is spread over the batch.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar [regex] [JMH options]}; the
 * forks get {@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED} from each class's
 * {@code @Fork}.
 */
package dev.activations.bench;
