package dev.activations.bench;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A slow device on named pipes (FIFOs): a request on channel {@code i} is answered by one byte
 * written to FIFO {@code i} after a fixed latency. Reading the answer with
 * {@link FileInputStream} blocks the reading thread in the OS ({@code read(2)} on a pipe): a
 * virtual thread cannot unmount there and a user thread's carrier is stuck, which is the
 * blocking the paper's kernel support exists for.
 *
 * <p>Answers come from one platform thread of its own. A request never blocks and takes no
 * lock: a lock here would let the benchmark measure something else. (With a {@code DelayQueue}
 * virtual threads deadlocked: both carriers sat in {@code read}, the queue's lock was handed to
 * a virtual thread that had no carrier left to run on, and the device waited behind it for the
 * lock it needed to write the bytes those reads were waiting for: the paper's section 2.2.)
 * Needs {@code mkfifo} (Linux, macOS).
 */
final class IoDevice implements AutoCloseable {
    private final Path dir;
    private final List<Path> fifos = new ArrayList<>();
    private final List<RandomAccessFile> writeEnds = new ArrayList<>();
    private final long latencyNanos;
    /** Many producers (readers), one consumer (the server). */
    private final ConcurrentLinkedQueue<Request> inbox = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;
    private final Thread server;

    /**
     * @param channels how many FIFOs (one per reader)
     * @param latency  time from a request to its answer
     */
    IoDevice(int channels, long latency, TimeUnit unit) throws IOException, InterruptedException {
        this.latencyNanos = unit.toNanos(latency);
        this.dir = Files.createTempDirectory("activations-io");
        List<String> command = new ArrayList<>(List.of("mkfifo"));
        for (int i = 0; i < channels; i++) {
            Path p = dir.resolve("channel-" + i);
            fifos.add(p);
            command.add(p.toString());
        }
        Process mkfifo = new ProcessBuilder(command).inheritIO().start();
        if (mkfifo.waitFor() != 0) {
            throw new IOException("mkfifo failed with status " + mkfifo.exitValue() + " in " + dir
                    + ": the blocking benchmarks need named pipes (Linux or macOS)");
        }
        for (Path p : fifos) {
            // O_RDWR on a FIFO does not wait for a reader (Linux); readers then open without waiting.
            writeEnds.add(new RandomAccessFile(p.toFile(), "rw"));
        }
        server = Thread.ofPlatform().daemon(true).name("io-device").start(this::serve);
    }

    /** A new stream for reading the answers on {@code channel}; one reader per channel. */
    InputStream open(int channel) throws IOException {
        return new FileInputStream(fifos.get(channel).toFile());
    }

    /** Asks for one byte on {@code channel}, to arrive after the latency. Never blocks. */
    void request(int channel) {
        inbox.add(new Request(System.nanoTime() + latencyNanos, channel));
        LockSupport.unpark(server); // after the add: pairs with the server's poll after waking
    }

    /** The server thread: answers requests in order of due time. */
    private void serve() {
        PriorityQueue<Request> due = new PriorityQueue<>();
        try {
            while (!closed) {
                for (Request r; (r = inbox.poll()) != null; ) {
                    due.add(r);
                }
                Request first = due.peek();
                long now = System.nanoTime();
                if (first != null && first.dueNanos - now <= 0) {
                    writeEnds.get(due.poll().channel).write(1);
                } else {
                    LockSupport.parkNanos(this, first != null ? first.dueNanos - now : 1_000_000L);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("io device could not answer: " + e, e);
        }
    }

    /** Stops answering; readers still waiting stay blocked, so join them first. */
    @Override
    public void close() throws IOException, InterruptedException {
        closed = true;
        LockSupport.unpark(server);
        server.join();
        for (RandomAccessFile w : writeEnds) {
            w.close();
        }
        for (Path p : fifos) {
            Files.deleteIfExists(p);
        }
        Files.deleteIfExists(dir);
    }

    private record Request(long dueNanos, int channel) implements Comparable<Request> {
        @Override
        public int compareTo(Request o) {
            return Long.compare(dueNanos, o.dueNanos);
        }
    }
}
