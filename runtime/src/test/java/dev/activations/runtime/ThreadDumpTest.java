package dev.activations.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.activations.kernel.Kernel;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The thread dump shows a parked user thread's stack (walked from its continuation) and a
 * running one's (sampled from its carrier), in the {@code jcmd Thread.dump_to_file} layout,
 * through the API and the JMX operations.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ThreadDumpTest {

    static void parkHereForTheDump(AtomicBoolean release) {
        while (!release.get()) {
            UserThread.park();
        }
    }

    static void spinHereForTheDump(AtomicBoolean release) {
        while (!release.get()) {
            UserThread.checkpoint();
        }
    }

    @Test
    void showsParkedAndRunningThreadsWithStacksStateSchedulerAndPriority() throws Exception {
        // No blocking detection: the dump samples the spinner's stack from its carrier through a
        // handshake, during which the carrier sleeps off its CPU, and the monitor may read that as
        // a block and hand the VP off (once in a CI run; docs/DESIGN.md §7, false hand-offs).
        try (Kernel k = Kernel.builder().name("dump-kernel").processors(2).blockingDetection(false).build();
             Scheduler s = Scheduler.builder().kernel(k).name("dumped").priority(7).build()) {
            AtomicBoolean release = new AtomicBoolean();
            UserThread parked = s.thread().name("parked-one").priority(3).start(() -> parkHereForTheDump(release));
            UserThread spinner = s.thread().name("spinning-one").start(() -> spinHereForTheDump(release));
            while (parked.state() != UserThread.State.PARKED || spinner.state() != UserThread.State.RUNNING) {
                Thread.onSpinWait();
            }
            try {
                String dump = ThreadDumps.of(s);
                List<String> lines = dump.lines().toList();
                assertEquals(Long.toString(ProcessHandle.current().pid()), lines.get(0), dump);
                assertEquals(Runtime.version().toString(), lines.get(2), dump);
                assertEquals("", lines.get(3), dump);

                String p = block(dump, parked);
                assertTrue(p.startsWith("#" + parked.id() + " \"parked-one\" user PARKED "), p);
                assertTrue(p.contains("\n    - scheduler \"dumped\" (kernel \"dump-kernel\", space priority 7), priority 3\n"), p);
                assertTrue(p.contains("\n    at "), p);
                assertTrue(p.contains("dev.activations.runtime.UserThread.park("), p);
                assertTrue(p.contains("dev.activations.runtime.ThreadDumpTest.parkHereForTheDump(ThreadDumpTest.java:"), p);

                String r = block(dump, spinner);
                assertTrue(r.startsWith("#" + spinner.id() + " \"spinning-one\" user RUNNING "), r);
                assertTrue(r.contains("\n    - mounted on \"dump-kernel-activation-"), r);
                assertTrue(r.contains("dev.activations.runtime.ThreadDumpTest.spinHereForTheDump(ThreadDumpTest.java:"), r);
                assertTrue(!r.contains("dev.activations.runtime.Worker"), "frames below the continuation are cut: " + r);

                assertTrue(ThreadDumps.all().contains("ThreadDumpTest.parkHereForTheDump("), "all() covers every open scheduler");

                var server = ManagementFactory.getPlatformMBeanServer();
                ObjectName schedulerBean = new ObjectName("dev.activations:type=Scheduler,kernel=\"dump-kernel\",name=\"dumped\"");
                ObjectName runtimeBean = new ObjectName("dev.activations:type=Runtime");
                while (!server.isRegistered(schedulerBean) || !server.isRegistered(runtimeBean)) {
                    Thread.sleep(1); // registered in the background the first time
                }
                String viaScheduler = (String) server.invoke(schedulerBean, "dumpThreads", null, null);
                assertTrue(viaScheduler.contains("ThreadDumpTest.parkHereForTheDump("), viaScheduler);
                String viaRuntime = (String) server.invoke(runtimeBean, "dumpThreads", null, null);
                assertTrue(viaRuntime.contains("\"parked-one\" user PARKED"), viaRuntime);
            } finally {
                release.set(true);
                parked.unpark();
            }
            parked.join();
            spinner.join();
            assertTrue(block(ThreadDumps.of(s), parked).isEmpty(), "terminated threads are not dumped");
        }
    }

    /** The block of {@code t} in {@code dump} (its header line to the blank line), or "". */
    private static String block(String dump, UserThread t) {
        int start = dump.indexOf("#" + t.id() + " \"");
        if (start < 0) {
            return "";
        }
        int end = dump.indexOf("\n\n", start);
        return dump.substring(start, end + 1);
    }
}
