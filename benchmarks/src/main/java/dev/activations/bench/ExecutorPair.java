package dev.activations.bench;

import dev.activations.kernel.Kernel;
import dev.activations.runtime.Activations;
import dev.activations.runtime.Scheduler;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The two applications of a two-applications benchmark ({@link TwoApps}, {@link HttpApps}): a
 * latency-sensitive {@link #web} executor and a {@link #batch} executor on one machine, built one
 * way per {@code impl}:
 * <ul>
 *   <li>{@code activations} — two address spaces on one kernel of all processors, web priority
 *       {@link #WEB_PRIORITY}, batch {@link #BATCH_PRIORITY}, each with
 *       {@code Activations.newExecutor(scheduler)};</li>
 *   <li>{@code activations-shares} — the same, but equal priorities and shares
 *       {@link #WEB_SHARE} : {@link #BATCH_SHARE} (the kernel rotates processors by weight);</li>
 *   <li>{@code virtual} — two {@code newVirtualThreadPerTaskExecutor()}s: one JDK scheduler;</li>
 *   <li>{@code forkjoin} — two {@code ForkJoinPool(p)}s, time-sliced by the OS;</li>
 *   <li>{@code platform} — two fixed pools of {@code p} platform threads, web's at
 *       {@code Thread.MAX_PRIORITY}, batch's at {@code MIN_PRIORITY} (HotSpot on Linux ignores
 *       Java priorities unless started with {@code -XX:ThreadPriorityPolicy=1} as root: what
 *       an application gets by default).</li>
 * </ul>
 * Built in a benchmark's set-up and closed in its tear-down, on the JMH thread.
 */
final class ExecutorPair {
    static final int WEB_PRIORITY = 8;
    static final int BATCH_PRIORITY = 3;
    /** The {@code impl} of two spaces of equal priority that share processors by weight. */
    static final String SHARES = "activations-shares";
    static final int WEB_SHARE = 3;
    static final int BATCH_SHARE = 1;
    /** How long {@link #close} waits for each executor to terminate. */
    static final long TERMINATION_SECONDS = 10;

    final ExecutorService web;
    final ExecutorService batch;
    /** The kernel and the two spaces for {@code activations*}; null otherwise. */
    private final Kernel kernel;
    private final Scheduler webSpace;
    private final Scheduler batchSpace;

    private ExecutorPair(ExecutorService web, ExecutorService batch, Kernel kernel, Scheduler webSpace,
                         Scheduler batchSpace) {
        this.web = web;
        this.batch = batch;
        this.kernel = kernel;
        this.webSpace = webSpace;
        this.batchSpace = batchSpace;
    }

    /**
     * Builds the pair named by a benchmark's {@code impl} parameter.
     *
     * @param impl       activations, activations-shares, virtual, forkjoin or platform
     * @param processors the kernel's processors, the pools' parallelism and threads
     * @param name       the kernel's name
     */
    static ExecutorPair create(String impl, int processors, String name) {
        if (processors < 1) {
            throw new IllegalArgumentException("processors must be at least 1; got " + processors);
        }
        int p = processors;
        return switch (impl) {
            case Kind.ACTIVATIONS -> {
                Kernel k = Kernel.builder().processors(p).name(name).build();
                yield spaces(k, Scheduler.builder().kernel(k).name("web").priority(WEB_PRIORITY).build(),
                        Scheduler.builder().kernel(k).name("batch").priority(BATCH_PRIORITY).build());
            }
            case SHARES -> {
                Kernel k = Kernel.builder().processors(p).name(name).build();
                yield spaces(k, Scheduler.builder().kernel(k).name("web").share(WEB_SHARE).build(),
                        Scheduler.builder().kernel(k).name("batch").share(BATCH_SHARE).build());
            }
            case Kind.VIRTUAL -> new ExecutorPair(Executors.newVirtualThreadPerTaskExecutor(),
                    Executors.newVirtualThreadPerTaskExecutor(), null, null, null);
            case Kind.FORKJOIN -> new ExecutorPair(new ForkJoinPool(p), new ForkJoinPool(p), null, null, null);
            case Kind.PLATFORM -> new ExecutorPair(
                    Executors.newFixedThreadPool(p, prioritized("web", Thread.MAX_PRIORITY)),
                    Executors.newFixedThreadPool(p, prioritized("batch", Thread.MIN_PRIORITY)), null, null, null);
            default -> throw new IllegalArgumentException("unknown impl \"" + impl + "\"; expected activations, "
                    + SHARES + ", virtual, forkjoin or platform");
        };
    }

    private static ExecutorPair spaces(Kernel kernel, Scheduler web, Scheduler batch) {
        return new ExecutorPair(Activations.newExecutor(web), Activations.newExecutor(batch), kernel, web, batch);
    }

    private static ThreadFactory prioritized(String name, int priority) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setPriority(priority);
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Stops both executors ({@code shutdownNow}, then up to {@link #TERMINATION_SECONDS} each),
     * then the spaces and the kernel, whatever the executors did.
     *
     * @return whether both executors terminated in time
     */
    boolean close() throws InterruptedException {
        boolean terminated = stop(web) & stop(batch);
        if (webSpace != null) {
            webSpace.close();
            batchSpace.close();
        }
        if (kernel != null) {
            kernel.close();
        }
        return terminated;
    }

    private static boolean stop(ExecutorService e) throws InterruptedException {
        e.shutdownNow();
        return e.awaitTermination(TERMINATION_SECONDS, TimeUnit.SECONDS);
    }
}
