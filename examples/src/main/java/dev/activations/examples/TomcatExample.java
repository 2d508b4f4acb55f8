package dev.activations.examples;

import dev.activations.runtime.Activations;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;

/**
 * Tomcat 11 embedded, its requests on Activations: the connector's protocol handler takes an
 * Activations executor, and Tomcat runs each request (parsing, the servlet, the response) on a
 * Java thread of it; its acceptor and poller stay platform threads. The servlet places an order
 * in a JDBC transaction ({@link Orders}: HikariCP over an in-memory H2). The JDK's HttpClient
 * sends {@value #REQUESTS} requests at once; the example prints what the client, the server and
 * the database counted, stops and destroys Tomcat, closes the pool and the executor, and deletes
 * Tomcat's working directory (a temporary one: Tomcat writes there).
 */
public class TomcatExample {
    static final int REQUESTS = 20;

    public static void main(String[] args) throws Exception {
        Path base = Files.createTempDirectory("tomcat");
        try (ExecutorService executor = Activations.newExecutor();
                Orders orders = new Orders("tomcat")) {
            Tomcat tomcat = new Tomcat();
            tomcat.setBaseDir(base.toString());
            tomcat.setSilent(true); // no start-up lines on stderr
            Connector connector = new Connector();
            connector.setProperty("address", "127.0.0.1");
            connector.setPort(0);
            connector.getProtocolHandler().setExecutor(executor); // each request is handled by a Java thread of Activations
            tomcat.setConnector(connector);
            AtomicInteger onJavaThreads = new AtomicInteger();
            StandardContext context = (StandardContext) tomcat.addContext("", null);
            context.setClearReferencesRmiTargets(false); // the one leak check that would need another --add-opens
            Tomcat.addServlet(context, "orders", new HttpServlet() {
                @Override
                protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                    if (Thread.currentThread().isVirtual()) {
                        onJavaThreads.incrementAndGet();
                    }
                    try {
                        response.getWriter().print("order " + orders.place());
                    } catch (SQLException e) {
                        throw new IOException("order not placed", e);
                    }
                }
            });
            context.addServletMappingDecoded("/*", "orders");
            tomcat.start();
            try {
                URI uri = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/order");
                int ok = OrderRequests.send(uri, REQUESTS);
                System.out.println("Tomcat answered " + ok + " of " + REQUESTS + " requests, " + onJavaThreads
                        + " on Java threads; database: " + orders.tally());
            } finally {
                tomcat.stop();
                tomcat.destroy();
            }
        } finally {
            try (Stream<Path> files = Files.walk(base)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
