package dev.activations.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A loopback TCP connection for blocking tests: {@link #read} blocks in native code (Java reports
 * the thread RUNNABLE, Linux asleep) until {@link #write} sends the byte 42 (idempotent; close
 * writes it too, so no reader is left blocked), or {@link Await#TIMEOUT} passes.
 */
final class LoopbackConnection implements AutoCloseable {
    private final ServerSocket server;
    private final Socket client;
    private final Socket accepted;
    private final AtomicBoolean written = new AtomicBoolean();

    LoopbackConnection() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        server = new ServerSocket(0, 1, loopback);
        client = new Socket(loopback, server.getLocalPort());
        accepted = server.accept();
        accepted.setSoTimeout((int) Await.TIMEOUT.toMillis());
    }

    /** One byte from the connection: blocks until {@link #write}. */
    int read() throws IOException {
        return accepted.getInputStream().read();
    }

    /** Sends the byte 42, once. */
    void write() {
        if (written.compareAndSet(false, true)) {
            try {
                client.getOutputStream().write(42);
                client.getOutputStream().flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void close() throws IOException {
        try (server; client; accepted) {
            write();
        }
    }
}
