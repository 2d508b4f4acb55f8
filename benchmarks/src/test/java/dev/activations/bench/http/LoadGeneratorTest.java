package dev.activations.bench.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The load generator in a JVM of its own against the JDK's HTTP server: its windows report what
 * it read, and a drain counts every request sent, answered or not.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LoadGeneratorTest {
    private static final int CONNECTIONS = 4;
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final AtomicLong served = new AtomicLong();
    private HttpServer server;

    /** Answers every request with {@code status} and a short body, counting it. */
    private InetSocketAddress serve(int status) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), CONNECTIONS);
        server.createContext("/", exchange -> {
            byte[] body = "ok\n".getBytes(StandardCharsets.US_ASCII);
            served.incrementAndGet();
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server.getAddress();
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    private void awaitServed(long n) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (served.get() < n) {
            assertTrue(System.nanoTime() < deadline, "the server answered " + served.get() + " of " + n + " requests");
            Thread.sleep(10);
        }
    }

    @Test
    void aWindowReportsItsAnswersAndADrainLosesNone() throws Exception {
        InetSocketAddress address = serve(200);
        try (LoadGeneratorProcess g = LoadGeneratorProcess.start(address, "/", CONNECTIONS, 1, Duration.ofSeconds(30))) {
            g.mark();
            awaitServed(served.get() + 500);
            LoadGeneratorProcess.Window w = g.report();
            assertTrue(w.requests() > 0, "answers read in the window: " + w);
            assertEquals(0, w.errors(), "errors in the window");
            assertTrue(w.p50() > 0 && w.p50() <= w.p99() && w.p99() <= w.p999() && w.p999() <= w.max(),
                    "percentiles in order: " + w);

            LoadGeneratorProcess.Totals t = g.drain();
            assertEquals(new LoadGeneratorProcess.Totals(served.get(), served.get(), 0, 0), t,
                    "every request sent answered 200, counted by the server too");
            assertTrue(t.nothingLost());
            long afterDrain = served.get();
            Thread.sleep(200);
            assertEquals(afterDrain, served.get(), "requests sent after the drain");
        }
    }

    @Test
    void aDrainCountsAnswersOtherThan200AsErrors() throws Exception {
        InetSocketAddress address = serve(500);
        try (LoadGeneratorProcess g = LoadGeneratorProcess.start(address, "/", CONNECTIONS, 1, Duration.ofSeconds(30))) {
            awaitServed(10);
            LoadGeneratorProcess.Totals t = g.drain();
            assertEquals(0, t.answered(), "answered 200: " + t);
            assertTrue(t.errors() >= 10, "errors: " + t);
            assertFalse(t.nothingLost());
        }
    }

    @Test
    void aWindowWithNoAnswerHasNoPercentiles() throws Exception {
        InetSocketAddress address = serve(500);
        try (LoadGeneratorProcess g = LoadGeneratorProcess.start(address, "/", CONNECTIONS, 1, Duration.ofSeconds(30))) {
            g.mark();
            awaitServed(10);
            LoadGeneratorProcess.Window w = g.report();
            assertEquals(0, w.requests(), "answers read: " + w);
            assertTrue(Double.isNaN(w.p50()) && Double.isNaN(w.p99()), "percentiles of no answer: " + w);
        }
    }
}
