package dev.activations.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code com.sun.net.httpserver.HttpServer} with an Activations executor: every exchange is
 * handled in a user thread.
 *
 * <p>What it proves: a bounded number of requests (from a {@link HttpClient} on platform
 * threads, concurrently, and from user threads with {@link HttpURLConnection} inside
 * {@link UserThread#blocking}) all get their own correct answer; every handler ran in a user
 * thread, including ones that park (sleep) mid-request; the server stops and the executor
 * terminates afterwards.
 */
class HttpServerExecutorTest extends RuntimeTestBase {
    private HttpServer server;
    private ExecutorService executor;
    private final AtomicInteger handledOnUserThreads = new AtomicInteger();
    private final AtomicInteger handled = new AtomicInteger();

    @BeforeEach
    void startServer() throws IOException {
        executor = Activations.newExecutor(scheduler);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/echo", this::echo);
        server.createContext("/sleep", exchange -> {
            try {
                UserThread.sleep(Duration.ofMillis(1)); // parks the handler's user thread mid-request
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            echo(exchange);
        });
        server.setExecutor(executor);
        server.start();
    }

    private void echo(HttpExchange exchange) throws IOException {
        handled.incrementAndGet();
        boolean user = UserThread.current() != null;
        if (user) {
            handledOnUserThreads.incrementAndGet();
        }
        byte[] in;
        try (InputStream is = exchange.getRequestBody()) {
            in = is.readAllBytes();
        }
        byte[] out = ("echo " + exchange.getRequestURI().getQuery() + " " + new String(in, StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, out.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(out);
        }
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        server.stop(0);
        executor.shutdown();
        assertTrue(executor.awaitTermination(TestSupport.HANG.toSeconds(), TimeUnit.SECONDS), "executor terminates after the server stopped");
    }

    private URI uri(String path, int i) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path + "?n=" + i);
    }

    @Test
    void concurrentRequestsFromAnHttpClient() {
        int n = 100;
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30)).build()) {
            List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                HttpRequest req = HttpRequest.newBuilder(uri(i % 2 == 0 ? "/echo" : "/sleep", i))
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString("body" + i)).build();
                responses.add(client.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
            }
            for (int i = 0; i < n; i++) {
                HttpResponse<String> r = responses.get(i).orTimeout(TestSupport.HANG.toSeconds(), TimeUnit.SECONDS).join();
                assertEquals(200, r.statusCode());
                assertEquals("echo n=" + i + " body" + i, r.body());
            }
        }
        assertEquals(n, handled.get());
        assertEquals(n, handledOnUserThreads.get(), "every exchange was handled in a user thread");
    }

    @Test
    void requestsFromUserThreads() {
        int n = 20;
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<UserThread> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int me = i;
            clients.add(TestSupport.startChecked(scheduler, "client-" + i, failures, () -> {
                String body = UserThread.blocking(() -> {
                    HttpURLConnection c = (HttpURLConnection) uri("/echo", me).toURL().openConnection();
                    c.setConnectTimeout(30_000);
                    c.setReadTimeout(30_000);
                    c.setRequestMethod("POST");
                    c.setDoOutput(true);
                    try (OutputStream os = c.getOutputStream()) {
                        os.write(("from-user-" + me).getBytes(StandardCharsets.UTF_8));
                    }
                    assertEquals(200, c.getResponseCode());
                    try (InputStream is = c.getInputStream()) {
                        return new String(is.readAllBytes(), StandardCharsets.UTF_8);
                    } finally {
                        c.disconnect();
                    }
                });
                assertEquals("echo n=" + me + " from-user-" + me, body);
            }));
        }
        TestSupport.joinAll(clients);
        TestSupport.assertNoFailures(failures);
        assertEquals(n, handledOnUserThreads.get());
    }
}
