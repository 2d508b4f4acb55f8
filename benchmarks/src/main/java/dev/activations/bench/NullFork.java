package dev.activations.bench;

import dev.activations.kernel.Kernel;
import dev.activations.runtime.Activations;
import dev.activations.runtime.UserThread;
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

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The paper's Null Fork (Table I): create, schedule, run and complete a thread whose body is
 * the null procedure, and join it, from inside a thread of the same kind. Per fork.
 *
 * <p>Like the paper's, run on one processor by default ({@code processors=1}; the virtual
 * threads' forks get one carrier through {@code @Fork}). Platform threads cannot be limited:
 * the OS runs them on every core. {@code floor} creates a continuation and runs it to its end.
 *
 * <p>{@code taskfork} mixes the kinds as an application does: raw user threads forked
 * ({@code UserThread.start}, no scheduler named) and joined from inside a task of
 * {@code Activations.newExecutor}, a Java thread; they run in the task's scheduler. Issue 23's
 * target: at most half of {@code virtual}'s (virtual threads forked from a virtual thread).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {Bench.ADD_EXPORTS, Bench.ADD_OPENS, Bench.NATIVE_ACCESS, Bench.VT_ONE_CARRIER})
@State(Scope.Benchmark)
public class NullFork {
    /** Forks per invocation, all from one thread of the kind. */
    static final int FORKS = 1_000;

    @Param({"platform", "virtual", "activations", "userthread", "taskfork", "forkjoin", "floor"})
    public String impl;

    /** Processors the kind may use; 0 = all. */
    @Param("1")
    public int processors;

    private Kind kind;
    /** {@code taskfork}'s kernel and executor, else null. */
    private Kernel taskKernel;
    private ExecutorService tasks;
    private Runnable invocation;

    @Setup
    public void setup() {
        if (impl.equals("floor")) {
            invocation = () -> Floor.nullForks(FORKS);
            return;
        }
        if (impl.equals("taskfork")) {
            int all = Runtime.getRuntime().availableProcessors();
            taskKernel = Kernel.builder().processors(processors > 0 ? processors : all).name("bench").build();
            tasks = Activations.newExecutor(taskKernel, "bench", 5);
            invocation = this::forkFromATask;
            return;
        }
        Kind k = Kind.create(impl, processors);
        Runnable batch = () -> {
            for (int i = 0; i < FORKS; i++) {
                k.start(Bench.EMPTY).join();
            }
        };
        kind = k;
        invocation = () -> k.runInside(batch);
    }

    /** One invocation of {@code taskfork}: a task that forks and joins {@link #FORKS} user threads. */
    private void forkFromATask() {
        try {
            tasks.submit(() -> {
                for (int i = 0; i < FORKS; i++) {
                    UserThread.start(Bench.EMPTY).join();
                }
                return null;
            }).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("a taskfork invocation failed", e);
        }
    }

    @TearDown
    public void tearDown() {
        if (kind != null) {
            kind.close();
        }
        if (tasks != null) {
            tasks.close();
            taskKernel.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(FORKS)
    public void nullFork() {
        invocation.run();
    }
}
