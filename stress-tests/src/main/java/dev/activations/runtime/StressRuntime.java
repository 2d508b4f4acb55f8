package dev.activations.runtime;

import dev.activations.kernel.Kernel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one kernel and scheduler the runtime tests of a forked JVM share.
 *
 * <p>jcstress runs millions of iterations per test, so nothing here is created per iteration:
 * one {@link Kernel} with two processors (the machine has two cores), one {@link Scheduler} on
 * it and a second one, {@link #OTHER}, for cross-scheduler tests; built on first use and never
 * closed (their carriers are daemon threads). Every test creates its user threads (or Java
 * threads: {@code SCHEDULER.ofVirtual().unstarted(...)}) unstarted in its {@code @State}
 * constructor, starts them in an actor and joins them in the arbiter with {@link #finished}.
 *
 * <p>{@link #errors()} counts what must never happen anywhere in the scheduler while a test
 * runs: an exception escaping a user thread, a Java thread or an upcall (a thread run twice, a continuation
 * mounted on two carriers, an impossible state). Tests report it as an outcome, so a corrupted
 * scheduler fails the test even when the property it checks happened to look right.
 */
final class StressRuntime {
    /** How long an arbiter waits for a user thread that should finish; past it, the wake-up was lost. */
    static final Duration LOST_AFTER = Duration.ofSeconds(5);

    private static final AtomicLong UNCAUGHT = new AtomicLong();

    static final Kernel KERNEL = Kernel.builder().processors(2).name("jcstress").build();
    static final Scheduler SCHEDULER = Scheduler.builder()
            .kernel(KERNEL)
            .name("jcstress")
            .uncaughtExceptionHandler(StressRuntime::uncaught)
            .build();
    /** A second address space on the same kernel, for cross-scheduler tests. */
    static final Scheduler OTHER = Scheduler.builder()
            .kernel(KERNEL)
            .name("jcstress-other")
            .uncaughtExceptionHandler(StressRuntime::uncaught)
            .build();

    /**
     * A third kernel with a single processor, for tests whose race needs the executor's runner
     * count at its limit (one runner per processor). Built only by the tests that use it.
     */
    static final class OneProcessor {
        static final Kernel KERNEL = Kernel.builder().processors(1).name("jcstress-one").build();
        static final Scheduler SCHEDULER = Scheduler.builder()
                .kernel(KERNEL)
                .name("jcstress-one")
                .uncaughtExceptionHandler(StressRuntime::uncaught)
                .build();

        private OneProcessor() {
        }

        /** {@link StressRuntime#errors()} plus this scheduler's failed upcalls. */
        static long errors() {
            return StressRuntime.errors() + SCHEDULER.space().stats().upcallFailures();
        }
    }

    private StressRuntime() {
    }

    /**
     * Counts and prints an exception that escaped a user thread or a Java thread (tests with a
     * scheduler of their own use it too). For a Java thread {@code thread} is the thread itself.
     */
    static void uncaught(Thread thread, Throwable e) {
        UNCAUGHT.incrementAndGet();
        System.err.println("thread failed on " + thread + ": " + e);
        e.printStackTrace();
    }

    /** An unstarted user thread of {@link #SCHEDULER}. */
    static UserThread unstarted(Runnable body) {
        return SCHEDULER.thread().unstarted(body);
    }

    /** Joins {@code t} for at most {@link #LOST_AFTER}; true if it terminated. */
    static boolean finished(UserThread t) {
        try {
            return t.join(LOST_AFTER);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Joins Java thread {@code t} for at most {@link #LOST_AFTER} in all, waiting first for
     * someone to start it; true if it terminated.
     */
    static boolean finished(Thread t) {
        long deadline = System.nanoTime() + LOST_AFTER.toNanos();
        try {
            while (t.getState() == Thread.State.NEW) {
                if (System.nanoTime() - deadline > 0) {
                    return false;
                }
                Thread.sleep(1);
            }
            return t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Uncaught user-thread exceptions plus failed upcalls of the shared scheduler so far. */
    static long errors() {
        return UNCAUGHT.get() + SCHEDULER.space().stats().upcallFailures() + OTHER.space().stats().upcallFailures();
    }
}
