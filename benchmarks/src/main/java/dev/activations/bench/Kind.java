package dev.activations.bench;

import dev.activations.kernel.Kernel;

import java.util.concurrent.Callable;
import java.util.concurrent.locks.Lock;
import java.util.function.UnaryOperator;

/**
 * One thread system under test, driven through the same few operations in every benchmark, so
 * that a benchmark body is written once and the {@code impl} parameter picks the system.
 *
 * <p>A benchmark's JMH thread is a platform thread. Operations documented "inside" must run on
 * a thread of this kind: the benchmark gets there with {@link #runInside}. Each JMH fork runs
 * one {@code impl}, so the calls below are monomorphic where it matters.
 *
 * <p>Not every kind supports every operation: {@code forkjoin} has tasks, not threads that park
 * or yield, and {@code serial} runs every "thread" inline on the caller. Those throw
 * {@link UnsupportedOperationException} naming the benchmark value to drop.
 */
public abstract class Kind implements AutoCloseable {
    /** {@code @Param} values understood by {@link #create}. */
    public static final String PLATFORM = "platform";
    public static final String VIRTUAL = "virtual";
    /** Activations, Java threads (virtual threads whose scheduler is ours): the default kind. */
    public static final String ACTIVATIONS = "activations";
    /** Activations, raw user threads ({@code UserThread}). */
    public static final String USERTHREAD = "userthread";
    public static final String FORKJOIN = "forkjoin";
    public static final String SERIAL = "serial";

    private final String name;

    protected Kind(String name) {
        this.name = name;
    }

    /**
     * Builds the thread system named by a benchmark's {@code impl} parameter.
     *
     * @param impl       one of the constants above
     * @param processors processors the system may use; 0 means all the machine has. Platform
     *                   threads ignore it (the OS runs them on every core); virtual threads
     *                   take it only from the JVM's {@code jdk.virtualThreadScheduler.parallelism}
     *                   property, and a mismatch is an error.
     * @param kernel     tunes the kernel an {@code activations} system runs on (processors are
     *                   already set); identity for the defaults
     */
    public static Kind create(String impl, int processors, UnaryOperator<Kernel.Builder> kernel) {
        int all = Runtime.getRuntime().availableProcessors();
        int p = processors > 0 ? processors : all;
        return switch (impl) {
            case PLATFORM -> new PlatformKind();
            case VIRTUAL -> new VirtualKind(p);
            case ACTIVATIONS, USERTHREAD -> new ActivationsKind(impl, kernel.apply(Kernel.builder().processors(p).name("bench")));
            case FORKJOIN -> new ForkJoinKind(p);
            case SERIAL -> new SerialKind();
            default -> throw new IllegalArgumentException("unknown impl \"" + impl + "\"; expected one of "
                    + PLATFORM + ", " + VIRTUAL + ", " + ACTIVATIONS + ", " + USERTHREAD + ", " + FORKJOIN + ", " + SERIAL);
        };
    }

    /** {@link #create} with the kernel's defaults. */
    public static Kind create(String impl, int processors) {
        return create(impl, processors, UnaryOperator.identity());
    }

    /** The {@code impl} value this kind was made from. */
    public final String name() {
        return name;
    }

    /**
     * Starts {@code body} on a new thread of this kind. Inside a thread of this kind the new
     * thread shares its scheduler; outside (the JMH thread) it enters it.
     */
    public abstract Strand start(Runnable body);

    /** Runs {@code body} on a new thread of this kind and waits for it. Called from the JMH thread. */
    public void runInside(Runnable body) {
        start(body).join();
    }

    /** The calling thread as a strand. Inside only. */
    public abstract Strand current();

    /** Parks the calling thread until unparked (may return spuriously). Inside only. */
    public abstract void park();

    /** Gives the processor to another ready thread of this kind, if any. Inside only. */
    public abstract void yieldNow();

    /**
     * A safepoint in a long computation: Activations stop here if the kernel wants the
     * processor back (cooperative preemption); the others need nothing. Inside only.
     */
    public void checkpoint() {
    }

    /** A mutual-exclusion lock that suits this kind (a user-level mutex for Activations). */
    public abstract Lock newLock();

    /** A counting semaphore that suits this kind. */
    public abstract Sem newSemaphore(int permits);

    /**
     * Runs a call that blocks in the OS. Activations bracket it ({@code UserThread.blocking}) so
     * the kernel can hand the processor to another activation; the others just call it.
     */
    public <T> T blocking(Callable<T> call) throws Exception {
        return call.call();
    }

    /** Stops the system's own threads (pools, kernel). */
    @Override
    public abstract void close();

    @Override
    public String toString() {
        return name;
    }

    /** A counting semaphore, whichever library implements it. */
    public interface Sem {
        void acquire();

        void release();
    }

    static UnsupportedOperationException unsupported(String kind, String what) {
        return new UnsupportedOperationException(kind + " has no " + what
                + "; leave \"" + kind + "\" out of this benchmark's impl values");
    }
}
