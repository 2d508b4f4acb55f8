package dev.activations.runtime;

import static dev.activations.runtime.TestSupport.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 22: two address spaces of equal priority on one kernel, each running barrier-synchronised
 * work the way the paper's Table V applications do (a step forks Java threads that compute and
 * update a shared total under a {@code ReentrantLock}, then joins them all), finish every step and
 * both finish, on an idle machine and with platform threads computing on every core beside them
 * (a busy machine: the OS takes cores from our carriers, holders of the lock included). What is
 * checked is liveness, with a generous bound: no step stalls for seconds (a multi-second step
 * means a processor was lost, or a thread waited on one the OS had descheduled and nothing moved
 * on). How fast they go is measured by JMH ({@code Multiprogramming}).
 */
class MultiprogrammingTest extends RuntimeTestBase {
    private static final int STEPS = 20;
    private static final int CHUNKS = 8;
    private static final int UPDATES_PER_CHUNK = 64;
    /** A step takes about a millisecond of CPU; one that takes this long stalled. */
    private static final long STALL_NANOS = 5_000_000_000L;

    @ParameterizedTest(name = "background hog {0}")
    @ValueSource(booleans = {false, true})
    void twoSpacesOfBarrierSynchronisedWorkFinishWithoutStalling(boolean hog) throws InterruptedException {
        AtomicBoolean hogging = new AtomicBoolean(hog);
        List<Thread> hogs = new ArrayList<>();
        if (hog) {
            for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
                Thread t = new Thread(() -> {
                    long x = 0;
                    while (hogging.get()) {
                        x += x * 31 + 7;
                    }
                    if (x == 42) {
                        System.out.print("");
                    }
                }, "hog-" + i);
                t.setDaemon(true);
                t.start();
                hogs.add(t);
            }
        }
        try {
            Scheduler a = newScheduler("app-a", 5);
            Scheduler b = newScheduler("app-b", 5);
            App appA = new App();
            App appB = new App();
            Thread ta = a.ofVirtual().name("app-a").start(appA::run);
            Thread tb = b.ofVirtual().name("app-b").start(appB::run);
            join(ta);
            join(tb);
            for (App app : List.of(appA, appB)) {
                assertEquals(STEPS, app.steps, "every step finished");
                assertEquals((long) STEPS * CHUNKS * UPDATES_PER_CHUNK, app.total, "every update under the lock counted");
                assertTrue(app.longestStepNanos < STALL_NANOS, "a step stalled for " + app.longestStepNanos / 1_000_000
                        + " ms: " + kernel.stats());
            }
        } finally {
            hogging.set(false);
            for (Thread t : hogs) {
                t.join();
            }
        }
    }

    /** One application: STEPS barrier-synchronised steps of CHUNKS forked Java threads. */
    private static final class App {
        private final ReentrantLock lock = new ReentrantLock();
        private final AtomicLong sink = new AtomicLong();
        /** lock */
        private long total;
        /** The stepping thread only. */
        private int steps;
        private long longestStepNanos;

        void run() {
            for (int s = 0; s < STEPS; s++) {
                long start = System.nanoTime();
                List<Thread> chunks = new ArrayList<>();
                for (int c = 0; c < CHUNKS; c++) {
                    chunks.add(Thread.ofVirtual().start(this::chunk)); // inherits this space's scheduler
                }
                for (Thread t : chunks) {
                    try {
                        t.join();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
                longestStepNanos = Math.max(longestStepNanos, System.nanoTime() - start);
                steps++;
            }
        }

        private void chunk() {
            long x = 1;
            for (int u = 0; u < UPDATES_PER_CHUNK; u++) {
                for (int i = 0; i < 2_000; i++) {
                    x += x * 31 + i;
                }
                lock.lock();
                try {
                    total++;
                } finally {
                    lock.unlock();
                }
            }
            sink.addAndGet(x);
        }
    }
}
