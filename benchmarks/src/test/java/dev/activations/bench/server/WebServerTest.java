package dev.activations.bench.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.activations.runtime.Activations;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each server answers with its endpoint's body and a Content-Length, runs the endpoint on the
 * executor it was given (or its own platform threads), and answers 500 when the endpoint throws.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class WebServerTest {
    private static final int REQUESTS = 10;

    @ParameterizedTest
    @ValueSource(strings = {WebServer.JETTY, WebServer.TOMCAT})
    void answersOnActivationsJavaThreads(String kind) throws Exception {
        try (ExecutorService executor = Activations.newExecutor()) {
            assertEquals(REQUESTS, answeredOn(kind, executor), "requests run on virtual threads");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {WebServer.JETTY, WebServer.TOMCAT})
    void answersOnItsOwnPlatformThreads(String kind) throws Exception {
        assertEquals(0, answeredOn(kind, null), "requests run on virtual threads");
    }

    /** Sends {@link #REQUESTS} requests at once; checks every answer; returns how many ran on virtual threads. */
    private static int answeredOn(String kind, ExecutorService executor) throws Exception {
        AtomicInteger onVirtual = new AtomicInteger();
        try (WebServer server = WebServer.start(kind, executor, REQUESTS, () -> {
            if (Thread.currentThread().isVirtual()) {
                onVirtual.incrementAndGet();
            }
            return "hello\n".getBytes(StandardCharsets.US_ASCII);
        }); HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            URI uri = URI.create("http://" + server.address().getHostString() + ":" + server.address().getPort() + "/x");
            List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                sent.add(client.sendAsync(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> f : sent) {
                HttpResponse<String> r = f.join();
                assertEquals(200, r.statusCode());
                assertEquals("hello\n", r.body());
                assertEquals("6", r.headers().firstValue("content-length").orElse("none"), "Content-Length");
            }
        }
        return onVirtual.get();
    }

    @ParameterizedTest
    @ValueSource(strings = {WebServer.JETTY, WebServer.TOMCAT})
    void answers500WhenTheEndpointThrows(String kind) throws Exception {
        try (WebServer server = WebServer.start(kind, null, 1, () -> {
            throw new IllegalStateException("endpoint failed on purpose");
        }); HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            URI uri = URI.create("http://" + server.address().getHostString() + ":" + server.address().getPort() + "/");
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(500, r.statusCode());
        }
    }

    @Test
    void refusesAnUnknownServer() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WebServer.start("undertow", null, 1, () -> new byte[0]));
        assertTrue(e.getMessage().contains("jetty") && e.getMessage().contains("tomcat"), e.getMessage());
    }
}
