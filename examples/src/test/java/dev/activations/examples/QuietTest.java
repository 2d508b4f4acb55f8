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
 * about any {@code sun.misc.Unsafe} memory access, which JCTools' non-atomic queues make); nor
 * do the server examples, whose libraries log (issue 23).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class QuietTest {
    @Test
    void quickStartWritesNothingToStderr() throws IOException, InterruptedException {
        assertQuiet(QuickStart.class, "sum of the squares of 1..1000 = 333833500");
    }

    /** Jetty and HikariCP log through SLF4J, which warns on stderr when it has no provider. */
    @Test
    void jettyExampleWritesNothingToStderr() throws IOException, InterruptedException {
        assertQuiet(JettyExample.class, ExamplesTest.JETTY_LINE);
    }

    /** Tomcat logs through java.util.logging, whose console handler writes to stderr. */
    @Test
    void tomcatExampleWritesNothingToStderr() throws IOException, InterruptedException {
        assertQuiet(TomcatExample.class, ExamplesTest.TOMCAT_LINE);
    }

    /** Runs {@code example} in a JVM of its own with the README's flags: it prints {@code line}, and nothing on stderr. */
    private static void assertQuiet(Class<?> example, String line) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String name = example.getSimpleName();
        Path err = Files.createTempFile(name, ".err");
        Path out = Files.createTempFile(name, ".out");
        try {
            Process p = new ProcessBuilder(List.of(java,
                    "--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED",
                    "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                    "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), example.getName()))
                    .redirectError(err.toFile()).redirectOutput(out.toFile()).start();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError(name + " did not end within 90 s");
            }
            String stderr = read(err);
            assertEquals(0, p.exitValue(), () -> "exit status; stderr: " + stderr);
            assertEquals(line, read(out).strip());
            assertEquals("", stderr, "stderr of " + name + " using the runtime with the documented flags");
        } finally {
            Files.deleteIfExists(err);
            Files.deleteIfExists(out);
        }
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
