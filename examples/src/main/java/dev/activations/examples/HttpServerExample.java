package dev.activations.examples;

import com.sun.net.httpserver.HttpServer;
import dev.activations.runtime.Activations;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;

/** The JDK's HTTP server with an Activations executor; serves one request and stops. */
public class HttpServerExample {
    public static void main(String[] args) throws Exception {
        try (ExecutorService executor = Activations.newExecutor()) {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/hello", exchange -> {
                byte[] body = "hello from Activations".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.setExecutor(executor); // each exchange is handled by a task of the executor
            server.start();
            try (HttpClient client = HttpClient.newHttpClient()) {
                URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hello");
                HttpResponse<String> response =
                        client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
                System.out.println(response.statusCode() + " " + response.body());
            } finally {
                server.stop(0);
            }
        }
    }
}
