package dev.activations.bench;

import dev.activations.bench.http.Completions;
import dev.activations.bench.http.LoadGenerator;
import dev.activations.bench.http.LoadGeneratorProcess;
import dev.activations.bench.server.OrderDatabase;
import dev.activations.bench.server.WebServer;
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
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The servers users run, under closed-loop load: Jetty 12 or Tomcat 11 embedded
 * ({@link WebServer}), each request run by the executor under test, and {@link #connections}
 * keep-alive HTTP/1.1 connections over loopback from a {@link LoadGenerator} in a JVM of its
 * own, each sending a {@code GET} as soon as it has read the answer to the previous one.
 *
 * <p>{@code executor}: {@code activations}, {@code Activations.newExecutor()} (a space on
 * {@code Kernel.shared()}); {@code virtual}, {@code Executors.newVirtualThreadPerTaskExecutor()};
 * both given to the server the way it takes a virtual-thread executor (Jetty: its
 * {@code QueuedThreadPool}'s {@code setVirtualThreadsExecutor}; Tomcat: its protocol handler's
 * {@code setExecutor}); {@code platform}, the server's own pool of {@link WebServer#PLATFORM_POOL}
 * platform threads.
 *
 * <p>{@code handler}, what each request does:
 * <ul>
 *   <li>{@code compute}: {@link HttpLoad#COMPUTE_ITERATIONS} steps of a plain CPU loop (about
 *       30 µs on the 2-core reference machine);</li>
 *   <li>{@code sleep}: {@code Thread.sleep(}{@value #SLEEP_MILLIS}{@code )}, a stand-in for a
 *       remote call;</li>
 *   <li>{@code jdbc}: one transaction through HikariCP over an in-memory H2
 *       ({@link OrderDatabase}): bump a counter row, insert the order it numbers;</li>
 *   <li>{@code pinned}: a read that holds its carrier: one byte from a named pipe through
 *       {@code FileInputStream}, answered {@value #PINNED_MICROS} µs after the request by an
 *       {@link IoDevice} (one pipe per connection). The read is not bracketed: it is ordinary
 *       code, as a file read, a JNI call or a driver in native code would be. Virtual threads
 *       cannot unmount there: the read blocks their carrier. On Activations the kernel's monitor
 *       sees the carrier asleep and hands its processor to another carrier after
 *       {@code blockedAfter} (100 µs).</li>
 * </ul>
 *
 * <p>One iteration is one load window. Score: requests per second, counted on the server as
 * handlers finish (before the response is written; each invocation waits for
 * {@link #REQUESTS_PER_OP} more). Secondary results, from the generator's latencies over the same
 * window (first byte of a request written to last byte of its response read): {@code p50Millis},
 * {@code p99Millis}. The generator shares the machine's cores with the server, the same for every
 * executor: compare the executors as ratios.
 *
 * <h2>Checks: a failed one throws, and JMH reports the run failed</h2>
 * After each iteration: the generator lost no connection and got no answer but 200 (a handler
 * that throws makes a 500; the first failure's cause is in the message); every request ran on the
 * kind of thread its executor makes (virtual for {@code activations} and {@code virtual},
 * platform for {@code platform}); for {@code jdbc}, the counter equals the number of rows, read in
 * one snapshot. After the trial, before anything stops: the generator stops sending and waits for
 * every answer ({@link LoadGeneratorProcess#drain}); requests sent = answered 200 = requests the
 * server finished, and for {@code jdbc} = the counter = the rows.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {Bench.ADD_EXPORTS, Bench.ADD_OPENS, Bench.NATIVE_ACCESS})
@State(Scope.Benchmark)
public class RealServer {
    public static final String COMPUTE = "compute";
    public static final String SLEEP = "sleep";
    public static final String JDBC = "jdbc";
    public static final String PINNED = "pinned";
    static final long SLEEP_MILLIS = 20;
    static final long PINNED_MICROS = 2_000;
    static final int REQUESTS_PER_OP = 100;
    /** How long tear-down waits for the executor's threads to end once the server has stopped. */
    private static final long TERMINATION_SECONDS = 10;

    @Param({WebServer.JETTY, WebServer.TOMCAT})
    public String server;

    @Param({COMPUTE, SLEEP, JDBC, PINNED})
    public String handler;

    @Param({Kind.ACTIVATIONS, Kind.VIRTUAL, Kind.PLATFORM})
    public String executor;

    /** Concurrent keep-alive connections (each has one request outstanding at a time). */
    @Param("400")
    public int connections;

    /** Runs the requests; null for the server's own platform pool. */
    private ExecutorService requests;
    private WebServer web;
    private LoadGeneratorProcess generator;
    private final Completions completions = new Completions();
    /** Requests that ran on the wrong kind of thread (see the class comment). */
    private final LongAdder misplaced = new LongAdder();
    /** The first exception a handler threw, if any. */
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
    /** {@code jdbc} only. */
    private OrderDatabase database;
    /** {@code pinned} only: the device, a reader per pipe, and the pipes no request holds. */
    private IoDevice device;
    private InputStream[] pipes;
    private final ConcurrentLinkedQueue<Integer> freePipes = new ConcurrentLinkedQueue<>();
    /** Completions the current invocation waits for; JMH thread only. */
    private long target;

    /**
     * Secondary results: what the load generator saw over one iteration's window (see
     * {@link AuxValue}); closing the window runs the iteration's checks.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Client {
        public double p50Millis;
        public double p99Millis;

        private RealServer bench;

        @Setup(Level.Iteration)
        public void open(RealServer bench) {
            this.bench = bench;
            bench.generator.mark();
        }

        @TearDown(Level.Iteration)
        public void close() throws SQLException {
            LoadGeneratorProcess.Window w = bench.generator.report();
            p50Millis = AuxValue.ofWindow(w.p50() / 1e6, w.nanos());
            p99Millis = AuxValue.ofWindow(w.p99() / 1e6, w.nanos());
            bench.checkWindow(w);
        }
    }

    @Setup
    public void setup() throws Exception {
        if (connections < 1) {
            throw new IllegalArgumentException("connections must be at least 1; got " + connections);
        }
        requests = switch (executor) {
            case Kind.ACTIVATIONS -> Activations.newExecutor();
            case Kind.VIRTUAL -> Executors.newVirtualThreadPerTaskExecutor();
            case Kind.PLATFORM -> null;
            default -> throw new IllegalArgumentException("unknown executor \"" + executor + "\"; expected "
                    + Kind.ACTIVATIONS + ", " + Kind.VIRTUAL + " or " + Kind.PLATFORM);
        };
        WebServer.Endpoint work = switch (handler) {
            case COMPUTE -> () -> ascii(Long.toHexString(CpuWork.spin(System.nanoTime(), HttpLoad.COMPUTE_ITERATIONS)));
            case SLEEP -> () -> {
                Thread.sleep(SLEEP_MILLIS);
                return ascii("slept");
            };
            case JDBC -> {
                database = new OrderDatabase("realserver");
                yield () -> ascii("order " + database.place());
            }
            case PINNED -> {
                openPipes();
                yield this::readPipe;
            }
            default -> throw new IllegalArgumentException("unknown handler \"" + handler + "\"; expected " + COMPUTE
                    + ", " + SLEEP + ", " + JDBC + " or " + PINNED);
        };
        boolean virtual = requests != null;
        web = WebServer.start(server, requests, connections, () -> {
            if (Thread.currentThread().isVirtual() != virtual) {
                misplaced.increment();
            }
            try {
                byte[] body = work.answer();
                completions.completed();
                return body;
            } catch (Exception e) {
                firstFailure.compareAndSet(null, e);
                throw e;
            }
        });
        generator = HttpLoad.load(web.address(), handler, connections, 0);
    }

    private void openPipes() throws IOException, InterruptedException {
        device = new IoDevice(connections, PINNED_MICROS, TimeUnit.MICROSECONDS);
        pipes = new InputStream[connections];
        for (int i = 0; i < connections; i++) {
            pipes[i] = device.open(i);
            freePipes.add(i);
        }
    }

    /**
     * The {@code pinned} handler: takes a free pipe (a request holds one for the read; at most
     * {@link #connections} requests are in flight), asks the device for a byte on it and reads
     * the byte.
     */
    private byte[] readPipe() throws Exception {
        Integer pipe = freePipes.poll();
        if (pipe == null) {
            throw new IllegalStateException("more than " + connections + " pinned reads at once: one pipe each");
        }
        try {
            device.request(pipe);
            int b = pipes[pipe].read(); // unbracketed: the kernel has to notice it
            if (b < 0) {
                throw new IllegalStateException("pipe " + pipe + " closed early");
            }
        } finally {
            freePipes.add(pipe);
        }
        return ascii("read");
    }

    private static byte[] ascii(String text) {
        return (text + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The checks after an iteration; see the class comment. */
    void checkWindow(LoadGeneratorProcess.Window w) throws SQLException {
        List<String> failures = new ArrayList<>();
        if (w.errors() > 0) {
            failures.add("the load generator lost " + w.errors() + " connections this iteration (closed by the "
                    + "server, or an answer other than 200)" + failureCause());
        }
        if (misplaced.sum() > 0) {
            failures.add(misplaced.sum() + " requests ran on " + (requests != null ? "platform" : "virtual")
                    + " threads: the server did not use the " + executor + " executor");
        }
        if (database != null) {
            OrderDatabase.Counts c = database.counts();
            if (c.counter() != c.orders()) {
                failures.add("database: counter " + c.counter() + " but " + c.orders() + " orders");
            }
        }
        fail(failures);
    }

    private String failureCause() {
        Exception e = firstFailure.get();
        return e == null ? "" : "; the first handler failure: " + e;
    }

    private void fail(List<String> failures) {
        if (!failures.isEmpty()) {
            throw new IllegalStateException(server + " / " + handler + " / " + executor + ": "
                    + String.join("; ", failures));
        }
    }

    /**
     * Drains the load and checks that nothing was lost (see the class comment), then stops the
     * generator, the server, the executor, the database and the device, in that order, each wait
     * bounded; throws naming every check that failed and everything that did not stop.
     */
    @TearDown
    public void tearDown() throws Exception {
        List<String> failures = new ArrayList<>();
        try {
            checkTrial(failures);
        } catch (RuntimeException | SQLException e) {
            failures.add("the checks failed: " + e);
        }
        stopAll(failures);
        fail(failures);
    }

    private void checkTrial(List<String> failures) throws SQLException {
        if (generator == null) {
            return;
        }
        LoadGeneratorProcess.Totals t = generator.drain();
        long served = completions.count();
        if (!t.nothingLost()) {
            failures.add("requests lost: " + t.sent() + " sent, " + t.answered() + " answered 200, " + t.errors()
                    + " errors, " + t.unanswered() + " unanswered" + failureCause());
        }
        if (served != t.answered()) {
            failures.add("the server finished " + served + " requests, the generator read " + t.answered()
                    + " answers");
        }
        if (database != null) {
            OrderDatabase.Counts c = database.counts();
            if (c.counter() != served || c.orders() != served) {
                failures.add("database: counter " + c.counter() + ", " + c.orders() + " orders, " + served
                        + " transactions committed");
            }
        }
    }

    private void stopAll(List<String> failures) throws InterruptedException {
        if (generator != null) {
            generator.close(); // bounded: kills the generator if it does not quit
        }
        if (web != null) {
            try {
                web.close();
            } catch (RuntimeException e) {
                failures.add(e.getMessage());
            }
        }
        if (requests != null) {
            requests.shutdownNow();
            if (!requests.awaitTermination(TERMINATION_SECONDS, TimeUnit.SECONDS)) {
                failures.add("the " + executor + " executor did not terminate within " + TERMINATION_SECONDS + " s");
            }
        }
        if (database != null) {
            database.close();
        }
        if (device != null) {
            try {
                for (InputStream p : pipes) {
                    p.close();
                }
                device.close();
            } catch (IOException e) {
                failures.add("the pipes did not close: " + e);
            }
        }
    }

    @Setup(Level.Iteration)
    public void startWindow() {
        target = completions.count();
    }

    @Benchmark
    @OperationsPerInvocation(REQUESTS_PER_OP)
    public long requests(Client window) {
        target += REQUESTS_PER_OP;
        return completions.awaitAtLeast(target, HttpLoad.STALL_NANOS);
    }
}
