package dev.activations.examples;

import dev.activations.kernel.Kernel;
import dev.activations.runtime.Activations;
import dev.activations.runtime.Scheduler;
import dev.activations.runtime.UserThread;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Two applications in one JVM, each with its own scheduler, sharing one kernel's processors by
 * priority: "web" gets processors first, "batch" runs on what web leaves.
 */
public class TwoSpaces {
    public static void main(String[] args) throws Exception {
        try (Kernel kernel = Kernel.builder().processors(2).name("k").build();
                Scheduler web = Scheduler.builder().kernel(kernel).name("web").priority(8).build();
                Scheduler batch = Scheduler.builder().kernel(kernel).name("batch").priority(3).build();
                ExecutorService webTasks = Activations.newExecutor(web);
                ExecutorService batchTasks = Activations.newExecutor(batch)) {
            Future<Long> report = batchTasks.submit(() -> crunch(20_000_000));
            List<Future<String>> pages = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                int page = i;
                pages.add(webTasks.submit(() -> "page " + page));
            }
            for (Future<String> p : pages) {
                p.get();
            }
            System.out.println("web served " + pages.size() + " pages; batch computed " + report.get());
        }
    }

    /** A long computation that lets a higher-priority space take its processor. */
    static long crunch(int n) {
        long acc = 0;
        for (int i = 0; i < n; i++) {
            acc += i % 7;
            if ((i & 0xFFFF) == 0) {
                UserThread.checkpoint(); // a safepoint: the kernel may take the processor back here
            }
        }
        return acc;
    }
}
