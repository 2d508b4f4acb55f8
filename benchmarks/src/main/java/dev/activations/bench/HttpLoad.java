package dev.activations.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.activations.bench.http.Completions;
import dev.activations.bench.http.LoadGenerator;
import dev.activations.bench.http.LoadGeneratorProcess;
import dev.activations.kernel.Kernel;
import dev.activations.runtime.Activations;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP server under closed-loop load: the JDK's {@code com.sun.net.httpserver.HttpServer}
 * with the executor under test ({@code setExecutor}), and {@link #connections} keep-alive
 * HTTP/1.1 connections over loopback from a {@link LoadGenerator} in a JVM of its own, each
 * sending a {@code GET} as soon as the answer to the previous one has been read.
 *
 * <p>Handlers: {@code compute} runs {@link #COMPUTE_ITERATIONS} steps of a plain CPU loop
 * (about 30 µs on the 2-core reference machine); {@code block20ms} calls
 * {@code Thread.sleep(20)}, a stand-in for a database or HTTP call. Executors: a fixed pool of
 * {@link #PLATFORM_POOL} platform threads (a servlet container's), the JDK's
 * {@code newVirtualThreadPerTaskExecutor()}, and {@code Activations.newExecutor(kernel, "http", 5)}
 * on a kernel of all processors. The benchmark uses only the {@link ExecutorService} interface.
 *
 * <p>One iteration is one load window. Score: requests per second, counted on the server as
 * handlers finish (each invocation waits for {@link #REQUESTS_PER_OP} more). Secondary results,
 * from the generator's latencies over the same window (first byte of a request written to last
 * byte of its response read): {@code p50Millis}, {@code p99Millis}; {@code errors}: per second,
 * connections the generator lost and replaced (0 when all is well). The generator shares the
 * machine's cores with the server, the same for every executor: compare the executors as ratios.
 * The server's code is compiled by the JIT during the first seconds of load (several on a busy
 * 2-core machine): hence the long warm-up.
 *
 * <p>Server settings, set before the server class loads: {@code sun.net.httpserver.nodelay=true}
 * (what servers do; without it a response can wait for a delayed ACK), and
 * {@code sun.net.httpserver.maxIdleConnections} raised to {@link #connections} (its default of
 * 200 would make the server close connections that are idle for a moment between requests).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {Bench.ADD_EXPORTS, Bench.ADD_OPENS, Bench.NATIVE_ACCESS})
@State(Scope.Benchmark)
public class HttpLoad {
    public static final String COMPUTE = "compute";
    public static final String BLOCK = "block20ms";
    /** {@link CpuWork#spin} steps per compute request: about 30 µs on the reference machine. */
    static final int COMPUTE_ITERATIONS = 16_000;
    static final long BLOCK_MILLIS = 20;
    /** Threads of the platform executor, as a servlet container would have. */
    static final int PLATFORM_POOL = 200;
    static final int REQUESTS_PER_OP = 100;
    /** An invocation fails if no request completes for this long. */
    static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(10);

    @Param({"platform", "virtual", "activations"})
    public String impl;

    @Param({COMPUTE, BLOCK})
    public String handler;

    /** Concurrent keep-alive connections (each has one request outstanding at a time). */
    @Param("400")
    public int connections;

    private Kernel kernel;
    private ExecutorService executor;
    private HttpServer server;
    private LoadGeneratorProcess generator;
    private final Completions completions = new Completions();
    /** Completions the current invocation waits for; JMH thread only. */
    private long target;

    /**
     * Secondary results: what the load generator saw over one iteration's window (see
     * {@link AuxValue}). Opening and closing the window are this state's iteration set-up and
     * tear-down, which bracket JMH's measured loop.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Client {
        public double p50Millis;
        public double p99Millis;
        /** A rate: connections lost and replaced per second. */
        public double errors;

        private HttpLoad load;

        @Setup(Level.Iteration)
        public void open(HttpLoad load) {
            this.load = load;
            load.generator.mark();
        }

        @TearDown(Level.Iteration)
        public void close() {
            LoadGeneratorProcess.Window w = load.generator.report();
            p50Millis = AuxValue.ofWindow(w.p50() / 1e6, w.nanos());
            p99Millis = AuxValue.ofWindow(w.p99() / 1e6, w.nanos());
            errors = w.errors();
        }
    }

    @Setup
    public void setup() throws IOException {
        int p = Runtime.getRuntime().availableProcessors();
        executor = switch (impl) {
            case Kind.PLATFORM -> Executors.newFixedThreadPool(PLATFORM_POOL);
            case Kind.VIRTUAL -> Executors.newVirtualThreadPerTaskExecutor();
            case Kind.ACTIVATIONS -> {
                kernel = Kernel.builder().processors(p).name("http").build();
                yield Activations.newExecutor(kernel, "http", 5);
            }
            default -> throw new IllegalArgumentException("unknown impl \"" + impl + "\"; expected platform, virtual or activations");
        };
        server = serve(handler, executor, connections, completions);
        generator = load(server.getAddress(), handler, connections, 0);
    }

    /**
     * Starts a server on a free loopback port that answers every path with {@code handler}
     * ({@link #COMPUTE} or {@link #BLOCK}) on {@code executor}, counting each answer in
     * {@code completions}. Sets the server's properties first (see the class comment): call it
     * once per JVM, before anything else loads the server's classes.
     *
     * @param connections the most connections the load will hold (backlog and idle pool)
     */
    static HttpServer serve(String handler, ExecutorService executor, int connections, Completions completions)
            throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        System.setProperty("sun.net.httpserver.maxIdleConnections", Integer.toString(Math.max(200, connections)));
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), connections);
        switch (handler) {
            case COMPUTE -> server.createContext("/", exchange -> compute(exchange, completions));
            case BLOCK -> server.createContext("/", exchange -> block(exchange, completions));
            default -> throw new IllegalArgumentException("unknown handler \"" + handler + "\"; expected " + COMPUTE + " or " + BLOCK);
        }
        server.setExecutor(executor);
        server.start();
        return server;
    }

    /**
     * Starts a load generator in a JVM of its own against path {@code /handler} of the server at
     * {@code address} (one selector thread, two on more than 4 processors) and waits up to 30 s
     * for its connections.
     *
     * @param rate requests per second over all connections; 0 for a closed loop
     */
    static LoadGeneratorProcess load(InetSocketAddress address, String handler, int connections, double rate)
            throws IOException {
        int selectors = Runtime.getRuntime().availableProcessors() > 4 ? 2 : 1;
        return LoadGeneratorProcess.start(address, "/" + handler, connections, selectors, rate, Duration.ofSeconds(30));
    }

    @TearDown
    public void tearDown() throws InterruptedException {
        if (generator != null) {
            generator.close();
        }
        if (server != null) {
            server.stop(0);
        }
        executor.shutdownNow();
        boolean terminated = executor.awaitTermination(10, TimeUnit.SECONDS);
        if (kernel != null) {
            kernel.close();
        }
        if (!terminated) {
            throw new IllegalStateException(impl + " executor did not terminate within 10 s");
        }
    }

    private static void compute(HttpExchange exchange, Completions completions) throws IOException {
        long r = CpuWork.spin(System.nanoTime(), COMPUTE_ITERATIONS);
        respond(exchange, Long.toHexString(r), completions);
    }

    private static void block(HttpExchange exchange, Completions completions) throws IOException {
        try {
            Thread.sleep(BLOCK_MILLIS);
        } catch (InterruptedException e) {
            exchange.close(); // the server is stopping
            Thread.currentThread().interrupt();
            return;
        }
        respond(exchange, "slept", completions);
    }

    private static void respond(HttpExchange exchange, String text, Completions completions) throws IOException {
        byte[] body = (text + "\n").getBytes(StandardCharsets.US_ASCII);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
        completions.completed();
    }

    @Setup(Level.Iteration)
    public void startWindow() {
        target = completions.count();
    }

    @Benchmark
    @OperationsPerInvocation(REQUESTS_PER_OP)
    public long requests(Client window) {
        target += REQUESTS_PER_OP;
        return completions.awaitAtLeast(target, STALL_NANOS);
    }
}
