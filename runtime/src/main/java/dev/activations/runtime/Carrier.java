package dev.activations.runtime;

import dev.activations.kernel.Activation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The one place the runtime asks "which carrier am I on?", through a call the JIT cannot inline.
 *
 * <h2>Why not just {@code Thread.currentThread()}</h2>
 * HotSpot's C2 treats the value of {@code Thread.currentThread()} as immutable for the life of
 * a compiled frame (unless the method is annotated {@code @ChangesCurrentThread}, which only
 * boot-loader classes may use). That is true for virtual threads, whose identity survives a
 * move to another carrier, but false for a raw continuation moved between platform carriers:
 * after a park that resumes on another carrier, a compiled frame that evaluated
 * {@code currentThread()} before the park reuses the old carrier. We saw exactly this:
 * {@code UserThread.current()} inlined into a user method before and after a {@code join}
 * returned another carrier's thread, and a push went to another carrier's single-producer ring.
 *
 * <p>So every lookup goes through {@link #current()}, which invokes {@link #lookup()} via a
 * {@link MethodHandle} held in a <em>non-final</em> field: C2 cannot constant-fold it, so it
 * cannot inline the target, and {@code currentThread()} is evaluated afresh in a frame of its
 * own on every call (a few nanoseconds). Code that already holds its {@code UserThread} uses the
 * thread's {@code worker} field instead (a plain field, reloaded after every call).
 */
final class Carrier {
    @SuppressWarnings("FieldMayBeFinal") // must stay non-final: see the class comment
    private static MethodHandle lookupHandle;

    static {
        try {
            lookupHandle = MethodHandles.lookup().findStatic(Carrier.class, "lookup", MethodType.methodType(Activation.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Carrier() {
    }

    /** The activation the caller runs on, or null on any other thread. Never inlined into callers. */
    static Activation current() {
        try {
            return (Activation) lookupHandle.invokeExact();
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    private static Activation lookup() {
        return Thread.currentThread() instanceof Activation a ? a : null;
    }
}
