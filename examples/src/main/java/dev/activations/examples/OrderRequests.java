package dev.activations.examples;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The client of {@link JettyExample} and {@link TomcatExample}: the JDK's {@link HttpClient}
 * sending a number of {@code GET}s at once, all in flight together, over HTTP/1.1.
 */
final class OrderRequests {
    private OrderRequests() {
    }

    /** Sends {@code n} requests to {@code uri} at once; returns how many were answered 200. */
    static int send(URI uri, int n) throws Exception {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpRequest request = HttpRequest.newBuilder(uri).build();
            List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                responses.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
            }
            int ok = 0;
            for (CompletableFuture<HttpResponse<String>> r : responses) {
                if (r.get().statusCode() == 200) {
                    ok++;
                }
            }
            return ok;
        }
    }
}
