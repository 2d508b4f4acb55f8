package dev.activations.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A busy machine: another process computing on every core, at the default OS priority, the same
 * for every system a benchmark compares (the busy-machine variant of Table V, issue 22). Its
 * {@code main} starts {@code threads} threads that compute until the process's standard input
 * closes, so it never outlives the JVM that started it, even if that one is killed.
 */
public final class CpuHog {
    /** Where the hog's threads leave their results, so the JIT keeps their work. */
    static volatile long sink;

    private CpuHog() {
    }

    /** {@code java ... CpuHog <threads>}: computes on that many threads until stdin closes. */
    public static void main(String[] args) throws IOException {
        int threads = Integer.parseInt(args[0]);
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                long x = 1;
                while (true) {
                    for (int j = 0; j < 1_000_000; j++) {
                        x += x * 31 + j;
                    }
                    sink = x;
                }
            }, "hog-" + i);
            t.setDaemon(true);
            t.start();
        }
        System.out.println("ready");
        System.out.flush();
        while (System.in.read() >= 0) {
            // the parent keeps stdin open while it wants us
        }
        System.exit(0);
    }

    /** A running hog process; {@link #close()} ends it and waits for it. */
    public record Process(java.lang.Process process) implements AutoCloseable {
        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Starts a hog of {@code threads} threads in a JVM of its own (this JVM's {@code java} and
     * class path) and returns once it computes.
     *
     * @throws IllegalArgumentException if threads is below 1
     * @throws IllegalStateException if it did not start within 30 s
     */
    public static Process start(int threads) throws IOException {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx64m", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), CpuHog.class.getName(), Integer.toString(threads)));
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process hog = new Process(pb.start());
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(hog.process().getInputStream(), StandardCharsets.US_ASCII));
            String line = out.readLine();
            if (!"ready".equals(line)) {
                throw new IllegalStateException("the CPU hog did not start: said " + line);
            }
        } catch (IOException | RuntimeException e) {
            hog.close();
            throw e;
        }
        return hog;
    }
}
