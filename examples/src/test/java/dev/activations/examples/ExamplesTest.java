package dev.activations.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs every example's {@code main}, as {@code java ... dev.activations.examples.X} would, and
 * checks what it prints: an example that breaks (or hangs) fails {@code mvn verify}.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ExamplesTest {
    /** Every request answered, each on a Java thread, and the database's counter and rows agree with them. */
    static final String JETTY_LINE = "Jetty answered 20 of 20 requests, 20 on Java threads; database: counter 20, 20 orders";
    static final String TOMCAT_LINE = "Tomcat answered 20 of 20 requests, 20 on Java threads; database: counter 20, 20 orders";
    /** How long a thread the example stopped may take to end after {@code main} returns. */
    private static final long THREAD_END_MILLIS = 5_000;

    /** The lines {@code main} printed. */
    interface Main {
        void run(String[] args) throws Exception;
    }

    private static List<String> run(Main main) throws Exception {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            main.run(new String[0]);
        } finally {
            System.setOut(out);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        out.print(text); // still shown in the test's output
        return text.lines().toList();
    }

    /**
     * {@link #run}, then checks that {@code main} left none of the threads it started alive (its
     * server's, its pool's, its client's): any thread alive now that was not before, except the
     * JVM's own, which outlive any program: {@code Kernel.shared()}'s ({@code shared-...}) and
     * the JDK's (its virtual-thread scheduler, pollers and common pool, in the JDK's thread groups).
     */
    private static List<String> runLeavingNoThread(Main main) throws Exception {
        Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
        List<String> lines = run(main);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(THREAD_END_MILLIS);
        List<String> left = startedAndAlive(before);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            left = startedAndAlive(before);
        }
        assertEquals(List.of(), left, "threads the example left alive");
        return lines;
    }

    private static List<String> startedAndAlive(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && !jvmWide(t))
                .map(Thread::toString)
                .toList();
    }

    private static boolean jvmWide(Thread t) {
        ThreadGroup g = t.getThreadGroup(); // null once it has ended
        return t.getName().startsWith("shared-")
                || g != null && Set.of("CarrierThreads", "InnocuousThreadGroup", "InnocuousForkJoinWorkerThreadGroup")
                        .contains(g.getName());
    }

    @Test
    void quickStart() throws Exception {
        assertEquals(List.of("sum of the squares of 1..1000 = 333833500"), run(QuickStart::main));
    }

    @Test
    void shares() throws Exception {
        assertEquals(List.of("processor time big : small = about 3 : 1"), run(SharesExample::main));
    }

    @Test
    void httpServer() throws Exception {
        assertEquals(List.of("200 hello from Activations"), run(HttpServerExample::main));
    }

    @Test
    void jetty() throws Exception {
        assertEquals(List.of(JETTY_LINE), runLeavingNoThread(JettyExample::main));
    }

    @Test
    void tomcat() throws Exception {
        assertEquals(List.of(TOMCAT_LINE), runLeavingNoThread(TomcatExample::main));
    }

    @Test
    void twoSpaces() throws Exception {
        long expected = 0;
        for (int i = 0; i < 20_000_000; i++) {
            expected += i % 7;
        }
        assertEquals(List.of("web served 100 pages; batch computed " + expected), run(TwoSpaces::main));
    }

    @Test
    void blocking() throws Exception {
        assertEquals(List.of("reader got: the answer"), run(BlockingExample::main));
    }

    @Test
    void forkJoin() throws Exception {
        List<String> lines = run(ForkJoinExample::main);
        assertEquals(2, lines.size(), "two lines: " + lines);
        assertEquals("sum of 0..9999999 = 49999995000000", lines.get(0));
        Matcher m = Pattern.compile("joins run inline: (\\d+)").matcher(lines.get(1));
        assertTrue(m.matches(), lines.get(1)); // how many is up to the scheduler and the machine
    }

    @Test
    void sync() throws Exception {
        assertEquals(List.of("consumers summed 1..1000 = 500500"), run(SyncExample::main));
    }
}
