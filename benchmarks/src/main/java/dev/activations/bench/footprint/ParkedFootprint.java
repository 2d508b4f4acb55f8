package dev.activations.bench.footprint;

import dev.activations.kernel.Kernel;
import dev.activations.runtime.Latch;
import dev.activations.runtime.Scheduler;
import dev.activations.runtime.UserThread;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

/**
 * Heap bytes per parked thread (issue 6): parks N user threads, then N virtual threads, each
 * with the same small stack (a few frames, then park), and reports the heap growth after GC
 * divided by N. Not a JMH benchmark: it measures memory, not time.
 *
 * <pre>
 * java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *      dev.activations.bench.footprint.ParkedFootprint [N]
 * </pre>
 */
public final class ParkedFootprint {
    private ParkedFootprint() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        if (n < 1) {
            throw new IllegalArgumentException("N must be >= 1, was " + n);
        }
        System.out.printf("parked user thread:    %6.0f bytes%n", userThreads(n));
        System.out.printf("parked virtual thread: %6.0f bytes%n", virtualThreads(n));
    }

    private static double userThreads(int n) throws Exception {
        try (Kernel k = Kernel.builder().processors(Runtime.getRuntime().availableProcessors()).name("footprint").build();
             Scheduler s = Scheduler.builder().kernel(k).name("footprint").build()) {
            Latch parked = new Latch(n);
            long before = heapAfterGc();
            List<UserThread> ts = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                ts.add(s.start(() -> depth(3, () -> {
                    parked.countDown();
                    UserThread.park();
                })));
            }
            parked.await();
            long after = heapAfterGc();
            ts.forEach(UserThread::unpark);
            for (UserThread t : ts) {
                t.join();
            }
            return (after - before) / (double) n;
        }
    }

    private static double virtualThreads(int n) throws Exception {
        CountDownLatch parked = new CountDownLatch(n);
        long before = heapAfterGc();
        List<Thread> ts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ts.add(Thread.ofVirtual().start(() -> depth(3, () -> {
                parked.countDown();
                LockSupport.park();
            })));
        }
        parked.await();
        long after = heapAfterGc();
        ts.forEach(LockSupport::unpark);
        for (Thread t : ts) {
            t.join();
        }
        return (after - before) / (double) n;
    }

    private static void depth(int d, Runnable then) {
        if (d == 0) {
            then.run();
        } else {
            depth(d - 1, then);
        }
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
