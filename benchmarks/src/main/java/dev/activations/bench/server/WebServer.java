package dev.activations.bench.server;

import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;

/**
 * An embedded HTTP/1.1 server under test, on a free loopback port: it answers every {@code GET},
 * whatever its path, with status 200, a {@code Content-Length} (the load generator needs one) and
 * the body its {@link Endpoint} returns, or with status 500 if the endpoint throws. Keep-alive
 * connections are never closed by the server while they are busy (no cap on requests per
 * connection).
 *
 * <p>Who runs a request: the executor given to {@link #start}, wired the way each server is
 * told to use one (Jetty 12: its {@code QueuedThreadPool}'s virtual-threads executor; Tomcat 11:
 * its protocol handler's executor), or, with none, the server's own pool of
 * {@link #PLATFORM_POOL} platform threads. Either way the server's acceptor and selector or
 * poller threads are its own platform threads. The executor stays its caller's: close it after
 * the server.
 */
public interface WebServer extends AutoCloseable {
    String JETTY = "jetty";
    String TOMCAT = "tomcat";
    /** Threads of a server's own platform pool: both servers' default. */
    int PLATFORM_POOL = 200;
    /** How long {@link #close} waits for the server to stop. */
    long STOP_SECONDS = 10;

    /** What every request runs, on the thread the server gives it; returns the response body. */
    @FunctionalInterface
    interface Endpoint {
        byte[] answer() throws Exception;
    }

    /**
     * Starts a server of {@code kind} answering with {@code endpoint}.
     *
     * @param kind        {@link #JETTY} or {@link #TOMCAT}
     * @param requests    runs each request; null for the server's own pool of {@link #PLATFORM_POOL}
     *                    platform threads
     * @param connections the most connections the load will hold: the accept backlog
     * @throws IllegalArgumentException if {@code kind} is neither, or {@code connections} &lt; 1
     */
    static WebServer start(String kind, ExecutorService requests, int connections, Endpoint endpoint) throws Exception {
        if (connections < 1) {
            throw new IllegalArgumentException("connections must be at least 1; got " + connections);
        }
        return switch (kind) {
            case JETTY -> JettyServer.start(requests, connections, endpoint);
            case TOMCAT -> TomcatServer.start(requests, connections, endpoint);
            default -> throw new IllegalArgumentException("unknown server \"" + kind + "\"; expected " + JETTY + " or "
                    + TOMCAT);
        };
    }

    /** Where it listens. */
    InetSocketAddress address();

    /**
     * Stops the server (its threads and its connections), waiting at most {@link #STOP_SECONDS}.
     *
     * @throws IllegalStateException if it did not stop in time, or its stop failed
     */
    @Override
    void close();
}
