package dev.activations.bench.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutorService;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Jetty 12 (its core API, no servlets) as a {@link WebServer}. Its {@code QueuedThreadPool} of
 * {@link WebServer#PLATFORM_POOL} platform threads runs the acceptor and the selector; given an
 * executor, the pool's virtual-threads executor is that one, and Jetty runs each request's
 * handler (a blocking one, {@code Handler.Abstract}) on it; without, on the pool's threads.
 */
final class JettyServer implements WebServer {
    private final Server server;
    private final InetSocketAddress address;

    private JettyServer(Server server, InetSocketAddress address) {
        this.server = server;
        this.address = address;
    }

    static JettyServer start(ExecutorService requests, int connections, Endpoint endpoint) throws Exception {
        QueuedThreadPool pool = new QueuedThreadPool(PLATFORM_POOL);
        if (requests != null) {
            pool.setVirtualThreadsExecutor(requests);
        }
        Server server = new Server(pool);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(loopback.getHostAddress());
        connector.setAcceptQueueSize(connections);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                byte[] body = endpoint.answer();
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
                response.write(true, ByteBuffer.wrap(body), callback);
                return true;
            }
        });
        server.start();
        return new JettyServer(server, new InetSocketAddress(loopback, connector.getLocalPort()));
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public void close() {
        BoundedStop.run("jetty", server::stop);
    }
}
