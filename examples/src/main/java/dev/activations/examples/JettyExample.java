package dev.activations.examples;

import dev.activations.runtime.Activations;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Jetty 12 embedded, its requests on Activations: the server's {@code QueuedThreadPool} takes an
 * Activations executor as its virtual-threads executor, and Jetty runs each request's handler
 * (a blocking one) on a Java thread of that executor; its acceptor and selector stay on the
 * pool's platform threads. Each request places an order in a JDBC transaction ({@link Orders}:
 * HikariCP over an in-memory H2). The JDK's HttpClient sends {@value #REQUESTS} requests at once;
 * the example prints what the client, the server and the database counted, and stops the
 * server, then closes the pool and the executor.
 */
public class JettyExample {
    static final int REQUESTS = 20;

    public static void main(String[] args) throws Exception {
        try (ExecutorService executor = Activations.newExecutor();
                Orders orders = new Orders("jetty")) {
            QueuedThreadPool threads = new QueuedThreadPool();
            threads.setVirtualThreadsExecutor(executor); // each request is handled by a Java thread of Activations
            Server server = new Server(threads);
            ServerConnector connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            server.addConnector(connector);
            AtomicInteger onJavaThreads = new AtomicInteger();
            server.setHandler(new Handler.Abstract() {
                @Override
                public boolean handle(Request request, Response response, Callback callback) throws Exception {
                    if (Thread.currentThread().isVirtual()) {
                        onJavaThreads.incrementAndGet();
                    }
                    long order = orders.place(); // waiting for a pooled connection parks the thread, not its processor
                    Content.Sink.write(response, true, "order " + order, callback);
                    return true;
                }
            });
            server.start();
            try {
                URI uri = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/order");
                int ok = OrderRequests.send(uri, REQUESTS);
                System.out.println("Jetty answered " + ok + " of " + REQUESTS + " requests, " + onJavaThreads
                        + " on Java threads; database: " + orders.tally());
            } finally {
                server.stop();
            }
        }
    }
}
