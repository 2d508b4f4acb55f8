package dev.activations.runtime;

import com.sun.net.httpserver.HttpServer;
import java.io.*;
import java.net.*;
import java.nio.charset.StandardCharsets;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
import org.junit.jupiter.api.Test;

class ScratchTest extends RuntimeTestBase {
    @Test
    void loop() throws Exception {
        for (int round = 0; round < 30; round++) {
            ExecutorService executor = Activations.newExecutor(scheduler);
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            AtomicInteger handled = new AtomicInteger();
            server.createContext("/echo", exchange -> {
                handled.incrementAndGet();
                byte[] in = exchange.getRequestBody().readAllBytes();
                exchange.sendResponseHeaders(200, in.length);
                try (OutputStream os = exchange.getResponseBody()) { os.write(in); }
            });
            server.setExecutor(executor);
            server.start();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            List<UserThread> clients = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int me = i;
                clients.add(TestSupport.startChecked(scheduler, "client-" + i, failures, () -> {
                    UserThread.blocking(() -> {
                        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/echo").toURL().openConnection();
                        c.setReadTimeout(5_000);
                        c.setRequestMethod("POST");
                        c.setDoOutput(true);
                        try (OutputStream os = c.getOutputStream()) { os.write(("x" + me).getBytes()); }
                        c.getResponseCode();
                        try (InputStream is = c.getInputStream()) { return new String(is.readAllBytes()); } finally { c.disconnect(); }
                    });
                }));
            }
            long t0 = System.nanoTime();
            boolean stuck = false;
            for (UserThread c : clients) {
                if (!c.join(java.time.Duration.ofSeconds(8))) { stuck = true; break; }
            }
            if (!failures.isEmpty() || stuck) {
                System.out.println("SCRATCH round " + round + " FAILED handled=" + handled.get() + " failures=" + failures.size() + " stuck=" + stuck);
                System.out.println("SCRATCH " + kernel.stats());
                System.out.println("SCRATCH " + scheduler.stats());
                for (UserThread t : scheduler.threads()) {
                    System.out.println("SCRATCH thread " + t + " " + Arrays.toString(t.stackTrace()));
                }
                for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
                    if (e.getKey().getName().startsWith(kernel.name()) || e.getKey().getName().contains("HTTP")|| e.getKey().getName().contains("server")) {
                        System.out.println("SCRATCH carrier " + e.getKey() + " " + e.getKey().getState() + " " + Arrays.toString(e.getValue()));
                    }
                }
                server.stop(0);
                throw new AssertionError("round " + round);
            }
            System.out.println("SCRATCH round " + round + " ok " + (System.nanoTime() - t0) / 1_000_000 + " ms handled=" + handled.get());
            server.stop(0);
            executor.shutdown();
        }
    }
}
