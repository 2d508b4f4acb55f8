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
 * The JDK's {@code com.sun.net.httpserver.HttpServer} with an Activations executor
 * ({@link Activations#newExecutor(Scheduler)}): every exchange is handled in a virtual thread
 * of the test scheduler, on its carriers.
 *
 * <p>What it proves: a bounded number of concurrent requests, to handlers that compute and to
 * handlers that {@code Thread.sleep(20)} mid-request (the handler's thread unmounts), all get
 * their own correct answer, from a JDK {@link HttpClient} (HTTP/1.1) on platform threads, from
 * Java threads of the same scheduler (blocking {@code send}: socket waits unmount them), and
 * from raw user threads ({@link HttpURLConnection} inside {@link UserThread#blocking}); every
 * handler ran in a virtual thread on our carriers; the server stops and the executor
 * terminates afterwards.
 */
class HttpServerExecutorTest extends RuntimeTestBase {
    private HttpServer server;
    private ExecutorService executor;
    private final AtomicInteger handled = new AtomicInteger();
    private final AtomicInteger handledOnOurVirtualThreads = new AtomicInteger();

    @BeforeEach
    void startServer() throws IOException {
        executor = Activations.newExecutor(scheduler);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/compute", exchange -> {
            long n = Long.parseLong(exchange.getRequestURI().getQuery().substring("n=".length()));
            long sum = 0;
            for (long i = 0; i <= 10_000 + n; i++) {
                sum += i;
            }
            respond(exchange, "sum " + sum);
        });
        server.createContext("/sleep", exchange -> {
            try {
                Thread.sleep(20); // the handler's thread unmounts mid-request
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            respond(exchange, "slept");
        });
        server.setExecutor(executor);
        server.start();
    }

    /** Answers with {@code what}, the query and the request body. */
    private void respond(HttpExchange exchange, String what) throws IOException {
        handled.incrementAndGet();
        if (Thread.currentThread().isVirtual() && TestSupport.schedulerHere() == scheduler) {
            handledOnOurVirtualThreads.incrementAndGet();
        }
        byte[] in;
        try (InputStream is = exchange.getRequestBody()) {
            in = is.readAllBytes();
        }
        byte[] out = (what + " " + exchange.getRequestURI().getQuery() + " " + new String(in, StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, out.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(out);
        }
    }

    private static String expected(int i, String body) {
        long sum = 0;
        for (long k = 0; k <= 10_000 + i; k++) {
            sum += k;
        }
        return (i % 2 == 0 ? "sum " + sum : "slept") + " n=" + i + " " + body;
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        server.stop(0);
        executor.shutdown();
        assertTrue(executor.awaitTermination(TestSupport.HANG.toSeconds(), TimeUnit.SECONDS), "executor terminates after the server stopped");
    }

    private URI uri(int i) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + (i % 2 == 0 ? "/compute" : "/sleep") + "?n=" + i);
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(30)).build();
    }

    private HttpRequest request(int i, String body) {
        return HttpRequest.newBuilder(uri(i)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    @Test
    void concurrentRequestsFromAnHttpClient() {
        int n = 100;
        try (HttpClient client = client()) {
            List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                responses.add(client.sendAsync(request(i, "body" + i), HttpResponse.BodyHandlers.ofString()));
            }
            for (int i = 0; i < n; i++) {
                HttpResponse<String> r = responses.get(i).orTimeout(TestSupport.HANG.toSeconds(), TimeUnit.SECONDS).join();
                assertEquals(200, r.statusCode());
                assertEquals(expected(i, "body" + i), r.body());
            }
        }
        assertEquals(n, handled.get());
        assertEquals(n, handledOnOurVirtualThreads.get(), "every exchange was handled in a virtual thread on our carriers");
    }

    @Test
    void requestsFromJavaThreadsOfTheSameScheduler() {
        int n = 50;
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> clients = new ArrayList<>();
        try (HttpClient client = client()) {
            for (int i = 0; i < n; i++) {
                int me = i;
                clients.add(TestSupport.startJava(scheduler, "client-" + i, failures, () -> {
                    HttpResponse<String> r = client.send(request(me, "from-java-" + me), HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, r.statusCode());
                    assertEquals(expected(me, "from-java-" + me), r.body());
                }));
            }
            clients.forEach(TestSupport::join);
        }
        TestSupport.assertNoFailures(failures);
        assertEquals(n, handledOnOurVirtualThreads.get());
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
                    HttpURLConnection c = (HttpURLConnection) uri(me).toURL().openConnection();
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
                assertEquals(expected(me, "from-user-" + me), body);
            }));
        }
        TestSupport.joinAll(clients);
        TestSupport.assertNoFailures(failures);
        assertEquals(n, handledOnOurVirtualThreads.get());
    }
}
