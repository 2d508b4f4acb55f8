package dev.activations.runtime;

import dev.activations.kernel.Kernel;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Entry points: executors that run each task in its own Java thread (a real
 * {@code java.lang.Thread} virtual thread whose scheduler is Activations): a drop-in for
 * {@link java.util.concurrent.Executors#newVirtualThreadPerTaskExecutor()}. Ordinary
 * {@code java.util.concurrent} code behaves as it does there ({@code Thread.currentThread()},
 * {@code ThreadLocal}s, locks, interrupts, JUC blocking); what changes is the scheduling:
 * processors shared by priority between executors, and none lost to a pinned or native
 * blocking call.
 *
 * <p>Needs the JVM flags {@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED
 * --add-opens java.base/java.lang=ALL-UNNAMED} on the class path ({@code =dev.activations.runtime}
 * on the module path); without them the first call throws {@link UnsupportedOperationException}
 * naming every flag.
 *
 * <pre>{@code
 * try (ExecutorService ex = Activations.newExecutor()) {
 *     Future<String> f = ex.submit(() -> "hello from " + Thread.currentThread());
 *     System.out.println(f.get());
 * }
 * }</pre>
 */
public final class Activations {
    private static final AtomicInteger EXECUTORS = new AtomicInteger();

    private Activations() {
    }

    /** An executor on {@link Kernel#shared()}, in a new address space of priority 5. */
    public static ExecutorService newExecutor() {
        return newExecutor(Kernel.shared(), "executor-" + EXECUTORS.incrementAndGet(), 5);
    }

    /**
     * An executor in a new address space of {@code kernel}. Closing the executor waits for its
     * tasks and then detaches the space (so does observing its termination through
     * {@code isTerminated} or {@code awaitTermination}).
     *
     * @param name     name of the address space, not blank
     * @param priority 1 to 10: the space's share of processors against other spaces
     */
    public static ExecutorService newExecutor(Kernel kernel, String name, int priority) {
        Objects.requireNonNull(kernel, "kernel must not be null");
        Scheduler s = Scheduler.builder().kernel(kernel).name(name).priority(priority).build();
        return new ActivationsExecutor(s, true);
    }

    /** An executor over an existing scheduler; closing it leaves the scheduler open. */
    public static ExecutorService newExecutor(Scheduler scheduler) {
        Objects.requireNonNull(scheduler, "scheduler must not be null");
        return new ActivationsExecutor(scheduler, false);
    }
}
