package dev.activations.bench;

import dev.activations.kernel.Kernel;
import dev.activations.runtime.Activations;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link #TASKS} tiny tasks submitted from one thread to an {@link ExecutorService}, then a
 * wait for all of them: what a server's request fan-out costs. Tasks per second.
 *
 * <p>Each kind's natural executor: a fixed pool of one platform thread per processor, the
 * JDK's thread-per-task virtual executor, {@link Activations#newExecutor} (the same JDK
 * thread-per-task executor, its virtual threads scheduled by Activations on a private kernel),
 * and a {@link ForkJoinPool}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {Bench.ADD_EXPORTS, Bench.ADD_OPENS, Bench.NATIVE_ACCESS})
@State(Scope.Benchmark)
public class ExecutorThroughput {
    static final int TASKS = 100_000;

    @Param({"platform", "virtual", "activations", "forkjoin"})
    public String impl;

    private Kernel kernel;
    private ExecutorService executor;
    private final AtomicInteger remaining = new AtomicInteger();
    private volatile CountDownLatch done;
    private Runnable task;

    @Setup
    public void setup() {
        int p = Runtime.getRuntime().availableProcessors();
        executor = switch (impl) {
            case Kind.PLATFORM -> Executors.newFixedThreadPool(p);
            case Kind.VIRTUAL -> Executors.newVirtualThreadPerTaskExecutor();
            case Kind.ACTIVATIONS -> {
                kernel = Kernel.builder().processors(p).name("bench").build();
                yield Activations.newExecutor(kernel, "bench", 5);
            }
            case Kind.FORKJOIN -> new ForkJoinPool(p);
            default -> throw new IllegalArgumentException("unknown impl \"" + impl + "\"");
        };
        task = () -> {
            if (remaining.decrementAndGet() == 0) {
                done.countDown();
            }
        };
    }

    @TearDown
    public void tearDown() throws InterruptedException {
        executor.shutdown();
        if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException(impl + " executor did not terminate within 10 s");
        }
        if (kernel != null) {
            kernel.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long executeAll() throws InterruptedException {
        CountDownLatch latch = new CountDownLatch(1);
        done = latch;
        remaining.set(TASKS);
        submitAll();
        latch.await();
        return remaining.get();
    }

    private void submitAll() {
        ExecutorService e = executor;
        Runnable t = task;
        for (int i = 0; i < TASKS; i++) {
            e.execute(t);
        }
    }
}
