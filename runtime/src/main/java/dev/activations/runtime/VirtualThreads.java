package dev.activations.runtime;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.Executor;

/**
 * The one door to the JDK's virtual-thread internals (as {@link Fiber} is to
 * {@code Continuation}): nothing else in the project reaches into {@code java.lang}.
 *
 * <ul>
 *   <li>{@link #builder(Executor)}: the package-private
 *       {@code java.lang.ThreadBuilders.VirtualThreadBuilder(Executor)}, a real
 *       {@link Thread.Builder.OfVirtual} whose threads are scheduled by the given executor
 *       (JDK 25: {@code execute(runContinuation)} on start, unpark, yield; see DESIGN.md §6).</li>
 *   <li>{@link #schedulerOf(Thread)}: the {@code scheduler} field of a
 *       {@code java.lang.VirtualThread}, the executor it was built with or inherited from the
 *       virtual thread that built it (how {@link JavaThreads#schedulerOf} tells a Java thread of
 *       ours, and whose).</li>
 *   <li>{@link #currentCarrier()}: {@code Thread.currentCarrierThread()}, the platform thread
 *       under the caller (the caller itself on a platform thread). Called through a method
 *       handle in a non-final field, which C2 cannot inline: inside a continuation the
 *       current thread can change between two calls of one compiled frame (see
 *       {@link Carrier}).</li>
 * </ul>
 * All three need {@code --add-opens java.base/java.lang=...}; without it {@link #checkAvailable()}
 * throws an {@link UnsupportedOperationException} listing every flag ({@link JvmFlags}), and
 * {@link #currentCarrier()} falls back to {@code Thread.currentThread()} (right for platform
 * threads, so the kernel shim alone keeps working).
 */
final class VirtualThreads {
    private static final MethodHandle NEW_BUILDER;
    /** {@code (Thread) -> Executor}: a virtual thread's {@code scheduler} field. */
    private static final MethodHandle SCHEDULER_OF;
    /** Null when the JDK internals are usable, else why not. */
    private static final String UNAVAILABLE;

    @SuppressWarnings("FieldMayBeFinal") // must stay non-final: see the class comment
    private static MethodHandle currentCarrier;

    static {
        MethodHandle nb = null;
        MethodHandle so = null;
        MethodHandle cc = null;
        String why = null;
        try {
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup());
            cc = l.findStatic(Thread.class, "currentCarrierThread", MethodType.methodType(Thread.class));
            Class<?> builder = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
            nb = l.findConstructor(builder, MethodType.methodType(void.class, Executor.class))
                    .asType(MethodType.methodType(Thread.Builder.OfVirtual.class, Executor.class));
            Class<?> vthread = Class.forName("java.lang.VirtualThread");
            so = MethodHandles.privateLookupIn(vthread, MethodHandles.lookup()).findGetter(vthread, "scheduler", Executor.class)
                    .asType(MethodType.methodType(Executor.class, Thread.class));
        } catch (ReflectiveOperationException | IllegalAccessError | SecurityException | IllegalArgumentException e) {
            why = e.toString();
        }
        if (cc == null) {
            try {
                cc = MethodHandles.lookup().findStatic(Thread.class, "currentThread", MethodType.methodType(Thread.class));
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
        NEW_BUILDER = why == null ? nb : null;
        SCHEDULER_OF = why == null ? so : null;
        UNAVAILABLE = why;
        currentCarrier = cc;
        startJdkPollers();
    }

    /**
     * The JDK starts its socket pollers (on Linux, virtual threads: "SubPoller-…") when a
     * virtual thread first waits for socket I/O, from that thread; a virtual thread started in
     * one of ours inherits our scheduler (a JDK rule), so pollers started from one of our Java
     * threads would be scheduled by us, and stranded when that scheduler closes. We start them
     * here instead, from the thread that first builds a scheduler, before any Java thread of
     * ours exists. A no-op if they run already.
     */
    private static void startJdkPollers() {
        try {
            Class.forName("sun.nio.ch.Poller", true, null);
        } catch (ClassNotFoundException | LinkageError e) {
            // Another JDK layout: nothing to start early.
        }
    }

    private VirtualThreads() {
    }

    /** Throws {@link UnsupportedOperationException} naming every flag if Java threads cannot be built. */
    static void checkAvailable() {
        if (UNAVAILABLE != null) {
            throw new UnsupportedOperationException(JvmFlags.missing(UNAVAILABLE));
        }
    }

    /** A JDK virtual-thread builder whose threads {@code scheduler} runs. */
    static Thread.Builder.OfVirtual builder(Executor scheduler) {
        checkAvailable();
        try {
            return (Thread.Builder.OfVirtual) NEW_BUILDER.invokeExact(scheduler);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot build a virtual thread builder", e);
        }
    }

    /**
     * The executor that schedules virtual thread {@code t} (for one of ours a
     * {@link JavaThreads.Level}); null when the JDK internals are unusable (no Java thread of
     * ours can exist then).
     */
    static Executor schedulerOf(Thread t) {
        assert t.isVirtual() : t;
        MethodHandle so = SCHEDULER_OF;
        if (so == null) {
            return null;
        }
        try {
            return (Executor) so.invokeExact(t);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    /** The platform thread the caller runs on. Never inlined into callers. */
    static Thread currentCarrier() {
        try {
            return (Thread) currentCarrier.invokeExact();
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }
}
