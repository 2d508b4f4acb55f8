package dev.activations.bench.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's side of a {@link LoadGenerator}: starts it as a child JVM (the same
 * {@code java} binary and class path as this JVM), sends it commands and reads its answers.
 * Every wait is bounded: a generator that does not answer in time is killed and the call throws
 * {@link IllegalStateException}. The child ends by itself when this JVM dies (EOF on its stdin).
 */
public final class LoadGeneratorProcess implements AutoCloseable {
    /** Marks the end of the child's stdout in {@link #lines}. */
    private static final String EOF = "\u0000eof";
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(15);
    /** Longer than the generator's own bound on a drain. */
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(LoadGenerator.DRAIN_MAX_SECONDS + 30);

    private final Process process;
    private final Writer commands;
    /** Lines from the child's stdout, in order; filled by a daemon reader thread. */
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    /** What the generator saw in one window (times in nanoseconds; percentiles NaN when it saw no response). */
    public record Window(long requests, long errors, double p50, double p99, double p999, long max, long nanos) {
    }

    /**
     * What the generator counted from its start to the end of a {@link #drain}: requests sent,
     * answered with status 200, errors (connections lost or answered otherwise), and requests
     * still unanswered when the drain gave up.
     */
    public record Totals(long sent, long answered, long errors, long unanswered) {
        /** True if every request sent was answered 200 and no connection failed. */
        public boolean nothingLost() {
            return sent == answered && errors == 0 && unanswered == 0;
        }
    }

    private LoadGeneratorProcess(Process process) {
        this.process = process;
        this.commands = process.outputWriter(StandardCharsets.US_ASCII);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.US_ASCII))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the child is gone: EOF below
            }
            lines.add(EOF);
        }, "load-generator-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts a closed-loop generator against {@code server} and waits until its connections are
     * open.
     *
     * @param path        request path, e.g. {@code /compute}
     * @param connections keep-alive connections, each with one request outstanding at a time
     * @param selectors   the generator's selector threads
     * @param startup     how long to wait for it to connect
     */
    public static LoadGeneratorProcess start(InetSocketAddress server, String path, int connections, int selectors,
                                             Duration startup) throws IOException {
        return start(server, path, connections, selectors, 0, startup);
    }

    /**
     * Starts a generator against {@code server} and waits until its connections are open.
     *
     * @param path        request path, e.g. {@code /compute}
     * @param connections keep-alive connections, each with one request outstanding at a time
     * @param selectors   the generator's selector threads
     * @param rate        requests per second over all connections (see {@link LoadGenerator}'s
     *                    fixed rate); 0 for a closed loop
     * @param startup     how long to wait for it to connect
     */
    public static LoadGeneratorProcess start(InetSocketAddress server, String path, int connections, int selectors,
                                             double rate, Duration startup) throws IOException {
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("rate must be a finite number of requests per second, "
                    + "0 for a closed loop; got " + rate);
        }
        String java = ProcessHandle.current().info().command()
                .orElseThrow(() -> new IllegalStateException("cannot tell which java binary runs this JVM"));
        List<String> command = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-Xms64m", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), LoadGenerator.class.getName(),
                server.getHostString(), Integer.toString(server.getPort()), path, Integer.toString(connections),
                Integer.toString(selectors), Double.toString(rate)));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        LoadGeneratorProcess g = new LoadGeneratorProcess(p);
        try {
            g.expect("ready", startup);
        } catch (RuntimeException e) {
            g.close();
            throw e;
        }
        return g;
    }

    /** Starts a new window: what the generator recorded so far is dropped. */
    public void mark() {
        send("mark");
        expect("marked", ANSWER_TIMEOUT);
    }

    /** Ends the window begun by the last {@link #mark} or report, and begins the next. */
    public Window report() {
        send("report");
        String[] f = expect("report", ANSWER_TIMEOUT).split(" ");
        return new Window(Long.parseLong(f[1]), Long.parseLong(f[2]), Double.parseDouble(f[3]),
                Double.parseDouble(f[4]), Double.parseDouble(f[5]), Long.parseLong(f[6]), Long.parseLong(f[7]));
    }

    /**
     * Stops the load and waits until every request sent is answered (or the generator gives up
     * on those left, after {@link LoadGenerator#DRAIN_STALL_SECONDS} s without an answer); returns
     * its counts since the start. After a drain the generator sends nothing more: close it.
     */
    public Totals drain() {
        send("drain");
        String[] f = expect("drained", DRAIN_TIMEOUT).split(" ");
        return new Totals(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]));
    }

    /** Asks the generator to quit, then kills it if it has not within a few seconds. */
    @Override
    public void close() {
        try {
            commands.write("quit\n");
            commands.flush();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void send(String command) {
        try {
            commands.write(command + "\n");
            commands.flush();
        } catch (IOException e) {
            throw new IllegalStateException("load generator gone (exit " + exit() + "): " + e, e);
        }
    }

    /** Waits for the next line, which must start with {@code word}. */
    private String expect(String word, Duration timeout) {
        String line;
        try {
            line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the load generator's \"" + word + "\"", e);
        }
        if (line == null) {
            process.destroyForcibly();
            throw new IllegalStateException("load generator did not answer \"" + word + "\" within " + timeout);
        }
        if (line.equals(EOF)) {
            throw new IllegalStateException("load generator ended (exit " + exit() + ") before \"" + word
                    + "\"; its stderr is above");
        }
        if (!line.startsWith(word)) {
            throw new IllegalStateException("load generator answered \"" + line + "\", expected \"" + word + "\"");
        }
        return line;
    }

    private String exit() {
        try {
            return process.waitFor(1, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
