package dev.activations.runtime;

import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;

/**
 * The one door to {@code jdk.internal.vm.Continuation}: a one-shot, resumable body of code.
 * Nothing else in the project imports {@code jdk.internal.vm}.
 *
 * <p>{@link #run()} mounts the body on the calling carrier until it finishes or calls
 * {@link #suspend()}; the next {@code run()} resumes it where it stopped. A suspend inside a
 * native frame or a {@code Continuation.pin()} region cannot unmount: {@code suspend()} then
 * returns false and the caller must wait on the carrier instead.
 *
 * <p>{@link #pin()}/{@link #unpin()} pin whatever continuation the caller runs in, a user
 * thread's or a Java (virtual) thread's: used where a Java thread must not unmount (inside
 * {@code UserThread.blocking} and {@code critical}, see {@link JavaTask}).
 *
 * <p>Needs {@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED} at run time on the class
 * path ({@code =dev.activations.runtime} on the module path); without it the first use throws
 * {@link UnsupportedOperationException} naming every flag ({@link JvmFlags}).
 */
final class Fiber {
    /** Null when continuations are usable, else what the user must do. */
    private static final String UNAVAILABLE = probe();

    private final Body cont;

    Fiber(Runnable body) {
        checkAvailable();
        this.cont = new Body(body);
    }

    /** Runs or resumes the body on the calling carrier; returns when it suspends or ends. */
    void run() {
        cont.run();
    }

    boolean isDone() {
        return cont.isDone();
    }

    /** Suspends the calling fiber. Returns false, without suspending, if it is pinned. */
    static boolean suspend() {
        return Continuation.yield(Scope.SCOPE);
    }

    /** Pins the caller's continuation: until {@link #unpin()} it cannot unmount (nestable). */
    static void pin() {
        Continuation.pin();
    }

    static void unpin() {
        Continuation.unpin();
    }

    /** The suspended body's stack, innermost frame first (empty while mounted or done). */
    StackTraceElement[] stackTrace() {
        try {
            return cont.getStackTrace();
        } catch (RuntimeException e) {
            return new StackTraceElement[0];
        }
    }

    /**
     * Throws {@link UnsupportedOperationException} naming the missing JVM flag if continuations
     * cannot be used.
     */
    static void checkAvailable() {
        if (UNAVAILABLE != null) {
            throw new UnsupportedOperationException(UNAVAILABLE);
        }
    }

    private static String probe() {
        try {
            return Scope.SCOPE != null ? null : "no continuation scope";
        } catch (IllegalAccessError | NoClassDefFoundError | ExceptionInInitializerError e) {
            return JvmFlags.missing(e.toString());
        }
    }

    private static final class Scope {
        static final ContinuationScope SCOPE = new ContinuationScope("activations");
    }

    private static final class Body extends Continuation {
        Body(Runnable target) {
            super(Scope.SCOPE, target);
        }

        @Override
        protected void onPinned(Continuation.Pinned reason) {
            // Not an error here: Fiber.suspend() answers false and the caller waits on the carrier.
        }
    }
}
