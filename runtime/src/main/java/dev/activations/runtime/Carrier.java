package dev.activations.runtime;

import dev.activations.kernel.Activation;

/**
 * The one place the runtime asks "which carrier am I on?".
 *
 * <p>Never {@code Thread.currentThread()} directly: HotSpot's C2 treats that value as constant
 * within a compiled frame, true for virtual threads but false for a raw continuation moved
 * between platform carriers. After a park that resumed on another carrier, a compiled frame
 * that evaluated it before the park reuses the old carrier. We saw exactly this:
 * {@code UserThread.current()} inlined into a user method before and after a {@code join}
 * returned another carrier's thread, and a push went to another carrier's single-producer ring.
 * {@link Activation#current()} does the lookup through a call the JIT cannot inline. Code that
 * already holds its {@code UserThread} uses the thread's {@code worker} field instead (a plain
 * field, reloaded after every call).
 */
final class Carrier {
    private Carrier() {
    }

    /** The activation the caller runs on, or null on any other thread. Never inlined into callers. */
    static Activation current() {
        return Activation.current();
    }
}
