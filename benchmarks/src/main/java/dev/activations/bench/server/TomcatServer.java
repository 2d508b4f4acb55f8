package dev.activations.bench.server;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.stream.Stream;
import org.apache.catalina.Globals;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;

/**
 * Tomcat 11 embedded as a {@link WebServer}: one servlet mapped to every path, on an NIO
 * connector. Given an executor, the connector's protocol handler runs each request on it
 * (reading it, the servlet, writing the response); without, on Tomcat's own pool of
 * {@link WebServer#PLATFORM_POOL} platform threads. Settings that differ from Tomcat's defaults:
 * {@code maxKeepAliveRequests=-1} (the default, 100, closes a busy keep-alive connection after
 * 100 requests), {@code acceptCount} = the connections the load holds; start-up logging silenced;
 * a temporary base directory (Tomcat writes there), deleted on close. Tomcat also sets the
 * JVM-wide properties {@code catalina.home} and {@code catalina.base} to the first base
 * directory it sees, and a later Tomcat would create that directory again: close puts them back
 * as they were before start.
 */
final class TomcatServer implements WebServer {
    private static final List<String> PROPERTIES = List.of(Globals.CATALINA_HOME_PROP, Globals.CATALINA_BASE_PROP);

    private final Tomcat tomcat;
    private final Path base;
    /** {@link #PROPERTIES}' values before start; null for unset. */
    private final Map<String, String> propertiesBefore;
    private final InetSocketAddress address;

    private TomcatServer(Tomcat tomcat, Path base, Map<String, String> propertiesBefore, InetSocketAddress address) {
        this.tomcat = tomcat;
        this.base = base;
        this.propertiesBefore = propertiesBefore;
        this.address = address;
    }

    static TomcatServer start(ExecutorService requests, int connections, Endpoint endpoint) throws Exception {
        Map<String, String> propertiesBefore = new HashMap<>();
        PROPERTIES.forEach(p -> propertiesBefore.put(p, System.getProperty(p)));
        Path base = Files.createTempDirectory("tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.setSilent(true);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        Connector connector = new Connector();
        connector.setProperty("address", loopback.getHostAddress());
        connector.setPort(0);
        connector.setProperty("maxThreads", Integer.toString(PLATFORM_POOL));
        connector.setProperty("acceptCount", Integer.toString(connections));
        connector.setProperty("maxKeepAliveRequests", "-1");
        if (requests != null) {
            connector.getProtocolHandler().setExecutor(requests);
        }
        tomcat.setConnector(connector);
        StandardContext context = (StandardContext) tomcat.addContext("", null);
        context.setClearReferencesRmiTargets(false); // the one leak check that needs an --add-opens: it warns
        Tomcat.addServlet(context, "endpoint", new EndpointServlet(endpoint));
        context.addServletMappingDecoded("/*", "endpoint");
        tomcat.start();
        TomcatServer server = new TomcatServer(tomcat, base, propertiesBefore,
                new InetSocketAddress(loopback, connector.getLocalPort()));
        if (connector.getState() != LifecycleState.STARTED || connector.getLocalPort() <= 0) {
            server.close();
            throw new IllegalStateException("Tomcat's connector did not start (state " + connector.getState() + ")");
        }
        return server;
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public void close() {
        try {
            BoundedStop.run("tomcat", () -> {
                tomcat.stop();
                tomcat.destroy();
            });
        } finally {
            propertiesBefore.forEach((p, v) -> {
                if (v == null) {
                    System.clearProperty(p);
                } else {
                    System.setProperty(p, v);
                }
            });
            try (Stream<Path> files = Files.walk(base)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not delete Tomcat's base directory " + base, e);
            }
        }
    }

    /** Answers every GET with the endpoint's body; an endpoint that throws makes it a 500. */
    private static final class EndpointServlet extends HttpServlet {
        private final transient Endpoint endpoint;

        EndpointServlet(Endpoint endpoint) {
            this.endpoint = endpoint;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response)
                throws ServletException, IOException {
            byte[] body;
            try {
                body = endpoint.answer();
            } catch (Exception e) {
                throw new ServletException("endpoint failed", e);
            }
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }
    }
}
