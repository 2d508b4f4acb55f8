package dev.activations.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.activations.kernel.Activation;
import dev.activations.kernel.Kernel;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Nothing started behind the user's back, nothing left running (issue 23): a program that
 * builds its own kernel, schedulers and executors, runs tasks that start user threads and Java
 * threads, and closes everything it built has no thread of ours left alive, and never started
 * the shared kernel ({@code shared-} carriers and monitor) or the shared scheduler
 * ({@code default-} timer and orphan carriers).
 *
 * <p>How: a child JVM started with exactly the README's flags runs {@link Program}, which
 * prints, after the last close, the name of every live platform thread. Ours are named after
 * the kernel or scheduler they serve (the program names them all {@code own…}), or
 * {@code activations-…}; carriers are {@link Activation}s whatever their name. The child JVM
 * is needed because the threads of the shared kernel, once started, live as long as the JVM.
 */
class NothingLeftRunningTest {
    /** Name prefixes of threads of ours: see the class comment. */
    private static final List<String> OURS = List.of("own", "shared-", "default-", "activations-");

    @Test
    void aProgramThatClosesWhatItBuiltLeavesNoThreadOfOursAlive() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow(() -> new AssertionError("cannot find this JVM's java binary"));
        List<String> cmd = List.of(java, "-Xmx256m",
                "--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "-cp", classpath(), Program.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        boolean exited = p.waitFor(TestSupport.HANG.toSeconds(), TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!exited) {
            p.destroyForcibly();
        }
        assertTrue(exited, "the program hung; output so far:\n" + out);
        assertEquals(0, p.exitValue(), "the program failed:\n" + out);
        List<String> ran = out.lines().filter(l -> l.startsWith("RAN ")).toList();
        assertEquals(2 * Program.TASKS, ran.size(), "one line per task:\n" + out);
        for (String r : ran) {
            assertTrue(r.matches("RAN in (\\S+): user thread in \\1, Java thread in \\1"),
                    "a thread a task started ran outside the task's scheduler: " + r + "\nfull output:\n" + out);
        }
        List<String> live = out.lines().filter(l -> l.startsWith("LIVE ")).map(l -> l.substring(5)).toList();
        assertTrue(live.contains("main"), "the program lists the live threads:\n" + out);
        List<String> ours = live.stream().filter(n -> n.endsWith(" (carrier)") || OURS.stream().anyMatch(n::startsWith)).toList();
        assertEquals(List.of(), ours, "threads of ours alive after the program closed everything it built; all live:\n" + live);
    }

    /** The classes the program needs: test classes, runtime, kernel shim and their dependencies. */
    private static String classpath() throws URISyntaxException, ClassNotFoundException {
        Set<String> entries = new LinkedHashSet<>();
        for (Class<?> c : List.of(Program.class, UserThread.class, Kernel.class,
                org.jctools.queues.SpmcArrayQueue.class, org.agrona.DeadlineTimerWheel.class,
                Class.forName("org.HdrHistogram.Recorder"))) { // the kernel's; this module does not read it
            entries.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        }
        return String.join(File.pathSeparator, entries);
    }

    /**
     * Runs in the child JVM: a kernel "own" with an executor that makes its own scheduler
     * ("own-tasks") and one over a scheduler of the program's ("own-space"). Every task starts a
     * user thread (which sleeps: its scheduler's timer thread; and blocks in a bracketed call:
     * a hand-off to a new carrier) and a Java thread (which starts a user thread in turn), and
     * reports where they ran. Then everything is closed, and the live threads are listed.
     */
    public static final class Program {
        static final int TASKS = 8;

        public static void main(String[] args) throws Exception {
            List<Future<String>> reports = new ArrayList<>();
            try (Kernel kernel = Kernel.builder().processors(2).name("own").build();
                    Scheduler space = Scheduler.builder().kernel(kernel).name("own-space").build();
                    ExecutorService tasks = Activations.newExecutor(kernel, "own-tasks", 5);
                    ExecutorService spaceTasks = Activations.newExecutor(space)) {
                for (int i = 0; i < TASKS; i++) {
                    reports.add(tasks.submit(Program::task));
                    reports.add(spaceTasks.submit(Program::task));
                }
                for (Future<String> r : reports) {
                    System.out.println("RAN " + r.get());
                }
            }
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                System.out.println("LIVE " + t.getName() + (t instanceof Activation ? " (carrier)" : ""));
            }
        }

        /**
         * A task: starts one thread of each kind without naming a scheduler; says where they ran
         * (not through {@link TestSupport}, which needs JUnit, not on this JVM's class path).
         */
        static String task() throws Exception {
            String[] userThreadIn = new String[1];
            UserThread user = UserThread.start(unchecked(() -> {
                UserThread.sleep(Duration.ofMillis(1));
                UserThread.blocking(() -> {
                    Thread.sleep(2); // past blockedAfter: the kernel hands the processor to a new carrier
                    return null;
                });
                userThreadIn[0] = UserThread.current().scheduler().name();
            }));
            String[] javaThreadIn = new String[1];
            Thread java = Thread.ofVirtual().start(unchecked(() -> {
                UserThread grandchild = UserThread.start(() -> { });
                grandchild.join();
                javaThreadIn[0] = grandchild.scheduler().name();
            }));
            user.join();
            java.join();
            return "in " + Carrier.worker().scheduler.name() + ": user thread in " + userThreadIn[0]
                    + ", Java thread in " + javaThreadIn[0];
        }

        /** A thread body that may throw. */
        interface Body {
            void run() throws Exception;
        }

        private static Runnable unchecked(Body body) {
            return () -> {
                try {
                    body.run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
        }
    }
}
