package dev.activations.bench;

import com.sun.net.httpserver.HttpServer;
import dev.activations.bench.http.Completions;
import dev.activations.bench.http.LoadGenerator;
import dev.activations.bench.http.LoadGeneratorProcess;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Two applications on one machine, the web one a real server: {@link TwoApps}' question with
 * the JDK's {@code com.sun.net.httpserver.HttpServer} as web. Web: the server (as in
 * {@link HttpLoad}) answers every request with the {@code compute} handler (about 30 µs of a
 * plain CPU loop) on the web executor, loaded over loopback by a {@link LoadGenerator} in a JVM
 * of its own at a <em>fixed rate</em>: {@link #webRatePerProcessor} requests per second per
 * processor over {@link #connections} keep-alive connections, a light load (about 5 % of the
 * 2-core reference machine, generator included). Batch: TwoApps' own ({@link SaturatedBatch}),
 * {@link TwoApps#QUEUED_PER_PROCESSOR} tasks of about 1 ms per processor always queued or
 * running, plain CPU loops with no runtime calls and no checkpoints, submitted by a driver
 * thread.
 *
 * <p>Why a fixed rate: a closed loop (each connection sending its next request as soon as it
 * has the answer) raises web's throughput until something saturates, here the processors, even
 * with a single connection; web alone would leave batch nothing, and web's latency would be
 * its own queueing. At a fixed rate, web has spare capacity and its latency is its service
 * time plus the wait batch causes; a request that goes out late because its connection still
 * waited for the previous answer is timed from when it was due (see {@link LoadGenerator}).
 *
 * <p>What no executor here decides: the server's dispatcher thread (a platform thread of the
 * JDK's that sees a request arrive and hands the exchange to the executor) and the generator's
 * threads are scheduled by the OS among the threads the executors run on; with batch
 * saturating the processors they wait for a core as any OS thread does. That is part of what an
 * application on this machine sees, the same for every {@code impl}.
 *
 * <p>{@code scenario}: {@code web} — web alone, batch idle (web's latency with the machine to
 * itself); {@code batch} — batch alone, no server and no generator; {@code both}. {@code impl}:
 * the pair of executors, as in TwoApps ({@link ExecutorPair}): {@code activations} (two address
 * spaces on one kernel of all processors, web priority 8, batch 3, each with
 * {@code Activations.newExecutor(space)}), {@code activations-shares} (equal priorities, shares
 * 3 : 1), {@code virtual} (one JDK scheduler), {@code forkjoin} (two pools), {@code platform}
 * (two fixed pools, Java priorities MAX and MIN, which HotSpot on Linux ignores by default).
 *
 * <p>Set-up warms the server with a closed-loop burst of {@link #WARM_UP_REQUESTS} requests
 * before the fixed-rate load and the batch start. One iteration is one load window. Score: the JMH thread's ticks per second, about
 * {@code 1 s / }{@link #TICK_NANOS} (a check, not the result); each tick also checks that the
 * server still answers ({@link HttpLoad#STALL_NANOS}). Secondary results over each iteration's
 * window (see {@link AuxValue}), from the generator: {@code webP50Millis}, {@code webP99Millis},
 * {@code webMaxMillis} (request written, or due, to response read); {@code webRequests}, per
 * second, responses read (the offered rate when the server keeps up); {@code webErrors}, per
 * second, connections lost and replaced (0 when all is well). From the batch: {@code
 * batchTasks}, tasks finished per second, and {@code batchUtilization}, as in TwoApps. A request
 * that has no answer by the end of a window is in no percentile of it: a web application
 * starved shows as {@code webRequests} below the offered rate. Every wait is bounded; a
 * tear-down that cannot stop something says what and throws.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {Bench.ADD_EXPORTS, Bench.ADD_OPENS, Bench.NATIVE_ACCESS})
@State(Scope.Benchmark)
public class HttpApps {
    /** {@link #webRatePerProcessor}'s default: about 5 % of the reference machine with its generator. */
    public static final int WEB_RATE_PER_PROCESSOR = 500;
    /** {@link #connections}' default: enough that a connection is rarely still waiting when its turn comes. */
    public static final int CONNECTIONS = 16;
    /**
     * Requests the server answers in set-up, from a closed-loop burst over
     * {@link #WARM_UP_CONNECTIONS} connections, before the fixed-rate load and the batch start:
     * the server's code is compiled by the JIT during its first seconds of load (several on a
     * busy 2-core machine), and at a fixed rate of a few hundred requests per second those seconds
     * would reach into the measured windows as stalls of hundreds of ms.
     */
    static final int WARM_UP_REQUESTS = 10_000;
    static final int WARM_UP_CONNECTIONS = 4;
    /** The JMH thread's period: one tick per invocation. */
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** How long tear-down waits for the server to stop. */
    private static final long SERVER_STOP_SECONDS = 10;

    @Param({"activations", ExecutorPair.SHARES, "virtual", "forkjoin", "platform"})
    public String impl;

    @Param({TwoApps.WEB_ALONE, TwoApps.BATCH_ALONE, TwoApps.BOTH})
    public String scenario;

    /** Web's offered load: requests per second per processor, over all connections. */
    @Param("" + WEB_RATE_PER_PROCESSOR)
    public int webRatePerProcessor;

    /** The generator's keep-alive connections, each with at most one request outstanding. */
    @Param("" + CONNECTIONS)
    public int connections;

    private SaturatedBatch batch;
    private ExecutorPair executors;
    /** The server, its answers and its load; null in the {@code batch} scenario. */
    private HttpServer server;
    private final Completions completions = new Completions();
    private LoadGeneratorProcess generator;
    /** The next tick; JMH thread only. */
    private long nextTick;
    /** Answers counted at the last tick that saw one more, and when; JMH thread only. */
    private long answered;
    private long answeredAt;

    /** Secondary results over one iteration's window; see {@link AuxValue}. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Results {
        public double webP50Millis;
        public double webP99Millis;
        public double webMaxMillis;
        /** A rate: responses the generator read per second. */
        public double webRequests;
        /** A rate: connections lost and replaced per second. */
        public double webErrors;
        /** A rate: batch tasks finished per second. */
        public double batchTasks;
        /** Per second: the processors' share spent on batch work. */
        public double batchUtilization;

        private HttpApps apps;
        private long batchAtOpen;

        @Setup(Level.Iteration)
        public void open(HttpApps apps) {
            this.apps = apps;
            if (apps.generator != null) {
                apps.generator.mark();
            }
            batchAtOpen = apps.batch.done();
            apps.nextTick = System.nanoTime();
        }

        @TearDown(Level.Iteration)
        public void close() {
            long tasks = apps.batch.done() - batchAtOpen;
            batchTasks = tasks;
            batchUtilization = apps.batch.utilization(tasks);
            if (apps.generator == null) {
                webP50Millis = Double.NaN;
                webP99Millis = Double.NaN;
                webMaxMillis = Double.NaN;
                return;
            }
            LoadGeneratorProcess.Window w = apps.generator.report();
            webP50Millis = AuxValue.ofWindow(w.p50() / 1e6, w.nanos());
            webP99Millis = AuxValue.ofWindow(w.p99() / 1e6, w.nanos());
            webMaxMillis = AuxValue.ofWindow(w.max() / 1e6, w.nanos());
            webRequests = w.requests();
            webErrors = w.errors();
        }
    }

    @Setup
    public void setup() throws IOException {
        if (!scenario.equals(TwoApps.WEB_ALONE) && !scenario.equals(TwoApps.BATCH_ALONE)
                && !scenario.equals(TwoApps.BOTH)) {
            throw new IllegalArgumentException("unknown scenario \"" + scenario + "\"; expected " + TwoApps.WEB_ALONE
                    + ", " + TwoApps.BATCH_ALONE + " or " + TwoApps.BOTH);
        }
        if (webRatePerProcessor < 1) {
            throw new IllegalArgumentException("webRatePerProcessor must be at least 1 request per second; got "
                    + webRatePerProcessor);
        }
        if (connections < 1) {
            throw new IllegalArgumentException("connections must be at least 1; got " + connections);
        }
        int p = Runtime.getRuntime().availableProcessors();
        batch = new SaturatedBatch(p); // times a batch task while the machine is still quiet
        executors = ExecutorPair.create(impl, p, "http-apps");
        if (!scenario.equals(TwoApps.BATCH_ALONE)) {
            server = HttpLoad.serve(HttpLoad.COMPUTE, executors.web, Math.max(connections, WARM_UP_CONNECTIONS),
                    completions);
            try (LoadGeneratorProcess burst = HttpLoad.load(server.getAddress(), HttpLoad.COMPUTE, WARM_UP_CONNECTIONS, 0)) {
                completions.awaitAtLeast(WARM_UP_REQUESTS, HttpLoad.STALL_NANOS);
            }
            generator = HttpLoad.load(server.getAddress(), HttpLoad.COMPUTE, connections, (double) webRatePerProcessor * p);
            answered = completions.count();
            answeredAt = System.nanoTime();
        }
        if (!scenario.equals(TwoApps.WEB_ALONE)) {
            batch.start(executors.batch);
        }
    }

    /**
     * Stops the load, the server, the batch driver and the executors, in that order, each wait
     * bounded; throws naming what did not stop.
     */
    @TearDown
    public void tearDown() throws InterruptedException {
        List<String> stuck = new ArrayList<>();
        if (generator != null) {
            generator.close(); // bounded: kills the generator if it does not quit
        }
        if (server != null && !stop(server)) {
            stuck.add("the HTTP server (" + SERVER_STOP_SECONDS + " s)");
        }
        if (batch != null && !batch.stop()) {
            stuck.add("the batch driver (" + SaturatedBatch.STOP_SECONDS + " s)");
        }
        if (executors != null && !executors.close()) {
            stuck.add("the executors (" + ExecutorPair.TERMINATION_SECONDS + " s each)");
        }
        if (!stuck.isEmpty()) {
            throw new IllegalStateException(impl + ", scenario " + scenario + ": did not stop in time: "
                    + String.join(", ", stuck));
        }
    }

    /** {@code HttpServer.stop} joins its dispatcher thread without a bound: call it on a thread we can wait for. */
    private static boolean stop(HttpServer server) throws InterruptedException {
        Thread stopper = Thread.ofPlatform().name("http-server-stop").daemon().start(() -> server.stop(0));
        stopper.join(TimeUnit.SECONDS.toMillis(SERVER_STOP_SECONDS));
        return !stopper.isAlive();
    }

    /**
     * One tick: park until the next one is due (a late JMH thread skips the ticks it missed),
     * then check that the server has answered within {@link HttpLoad#STALL_NANOS}. {@code window}
     * opens and closes the iteration's window (JMH instantiates a state only for a benchmark that
     * names it).
     */
    @Benchmark
    public void tick(Results window) {
        nextTick = Math.max(nextTick + TICK_NANOS, System.nanoTime());
        sleepUntil(nextTick);
        if (server != null) {
            checkAnswering();
        }
    }

    private static void sleepUntil(long deadline) {
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(left);
        }
    }

    private void checkAnswering() {
        long n = completions.count();
        long now = System.nanoTime();
        if (n != answered) {
            answered = n;
            answeredAt = now;
        } else if (now - answeredAt > HttpLoad.STALL_NANOS) {
            throw new IllegalStateException(impl + ", scenario " + scenario + ": no web request answered for "
                    + HttpLoad.STALL_NANOS / 1_000_000 + " ms (" + n + " in all): the server stopped answering");
        }
    }
}
