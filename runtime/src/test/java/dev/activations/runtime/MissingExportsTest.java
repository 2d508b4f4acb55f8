package dev.activations.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.activations.kernel.Kernel;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Without {@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED} the runtime fails at
 * first use with an {@link UnsupportedOperationException} whose message names that flag.
 *
 * <p>How: a child JVM (this JVM's own {@code java} binary) runs {@link Probe} on the test
 * classpath but without the flag. The probe calls each public first-use entry point in a
 * fresh order and prints, per entry point, the class and message of what it threw. The test
 * checks every one threw {@link UnsupportedOperationException} naming the flag (not an
 * {@link ExceptionInInitializerError} or an {@link IllegalAccessError}).
 */
class MissingExportsTest {
    private static final String FLAG = "--add-exports java.base/jdk.internal.vm=ALL-UNNAMED";

    @Test
    void firstUseWithoutTheFlagNamesIt() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow(() -> new AssertionError("cannot find this JVM's java binary"));
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx64m", "-cp", classpath(), Probe.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        boolean exited = p.waitFor(TestSupport.HANG.toSeconds(), TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!exited) {
            p.destroyForcibly();
        }
        assertTrue(exited, "the probe JVM hung; output so far:\n" + out);
        assertEquals(0, p.exitValue(), "probe failed:\n" + out);
        List<String> results = out.lines().filter(l -> l.startsWith("RESULT ")).toList();
        assertEquals(Probe.ENTRY_POINTS.length, results.size(), "one result per entry point:\n" + out);
        for (String r : results) {
            assertTrue(r.contains(" threw java.lang.UnsupportedOperationException: "), "wrong failure: " + r + "\nfull output:\n" + out);
            assertTrue(r.contains(FLAG), "message does not name the flag: " + r);
        }
    }

    /** The classes the probe needs: test classes, runtime, kernel shim and their dependencies. */
    private static String classpath() throws URISyntaxException, ClassNotFoundException {
        Set<String> entries = new LinkedHashSet<>();
        for (Class<?> c : List.of(Probe.class, UserThread.class, Kernel.class,
                org.jctools.queues.SpmcArrayQueue.class, org.agrona.DeadlineTimerWheel.class,
                Class.forName("org.HdrHistogram.Recorder"))) { // the kernel's; this module does not read it
            entries.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        }
        return String.join(File.pathSeparator, entries);
    }

    /** Runs in the child JVM without the flag. */
    public static final class Probe {
        static final String[] ENTRY_POINTS = {
            "UserThread.start", "UserThread.builder().start", "Scheduler.builder().build", "Scheduler.shared",
            "Activations.newExecutor()", "Activations.newExecutor(kernel)", "UserThread.start again",
        };

        public static void main(String[] args) {
            for (String e : ENTRY_POINTS) {
                try (Kernel k = Kernel.builder().processors(1).name("probe").build()) {
                    switch (e) {
                        case "UserThread.start", "UserThread.start again" -> UserThread.start(() -> { });
                        case "UserThread.builder().start" -> UserThread.builder().start(() -> { });
                        case "Scheduler.builder().build" -> Scheduler.builder().kernel(k).build();
                        case "Scheduler.shared" -> Scheduler.shared();
                        case "Activations.newExecutor()" -> Activations.newExecutor();
                        case "Activations.newExecutor(kernel)" -> Activations.newExecutor(k, "probe", 5);
                        default -> throw new AssertionError(e);
                    }
                    System.out.println("RESULT " + e + " did not throw");
                } catch (Throwable t) {
                    System.out.println("RESULT " + e + " threw " + t.getClass().getName() + ": " + t.getMessage());
                }
            }
        }
    }
}
