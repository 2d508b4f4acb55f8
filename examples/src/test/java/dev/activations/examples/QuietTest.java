package dev.activations.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A program that uses the runtime, started with exactly the README's flags, writes nothing to
 * stderr (issue 16: a library must not make its users' programs noisy; JDK 25 warns on stderr
 * about any {@code sun.misc.Unsafe} memory access, which JCTools' non-atomic queues make).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class QuietTest {
    @Test
    void quickStartWritesNothingToStderr() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path err = Files.createTempFile("quickstart", ".err");
        Path out = Files.createTempFile("quickstart", ".out");
        try {
            Process p = new ProcessBuilder(List.of(java,
                    "--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED",
                    "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), QuickStart.class.getName()))
                    .redirectError(err.toFile()).redirectOutput(out.toFile()).start();
            assertEquals(true, p.waitFor(90, TimeUnit.SECONDS), "QuickStart ended");
            String stderr = read(err);
            assertEquals(0, p.exitValue(), () -> "exit status; stderr: " + stderr);
            assertEquals("sum of the squares of 1..1000 = 333833500", read(out).strip());
            assertEquals("", stderr, "stderr of a program using the runtime with the documented flags");
        } finally {
            Files.deleteIfExists(err);
            Files.deleteIfExists(out);
        }
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
