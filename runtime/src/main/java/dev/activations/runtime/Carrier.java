package dev.activations.runtime;

import dev.activations.kernel.Activation;

/**
 * The one place the runtime asks "which carrier am I on?", for both thread kinds.
 *
 * <p>Never {@code Thread.currentThread()} directly, for two reasons:
 * <ul>
 *   <li>Inside a Java (virtual) thread it is the virtual thread; its carrier comes from the
 *       JDK's {@code Thread.currentCarrierThread()} ({@link VirtualThreads#currentCarrier}).</li>
 *   <li>HotSpot's C2 treats the current thread as constant within a compiled frame, true for
 *       virtual threads but false for a raw continuation moved between platform carriers.
 *       After a park that resumed on another carrier, a compiled frame that evaluated it before
 *       the park reuses the old carrier. We saw exactly this: {@code UserThread.current()}
 *       inlined into a user method before and after a {@code join} returned another carrier's
 *       thread, and a push went to another carrier's single-producer ring.</li>
 * </ul>
 * {@link VirtualThreads#currentCarrier} does the lookup through a call the JIT cannot inline,
 * so every call reads it afresh. Code that already holds its {@code UserThread} uses the
 * thread's {@code worker} field instead (a plain field, reloaded after every call).
 */
final class Carrier {
    private Carrier() {
    }

    /** The activation the caller runs on (directly or under a mounted Java thread), or null. */
    static Activation current() {
        return VirtualThreads.currentCarrier() instanceof Activation a ? a : null;
    }

    /** The worker of the caller's carrier, if it runs a scheduler loop now; else null. */
    static Worker worker() {
        Activation a = current();
        return a != null && a.attachment() instanceof Worker w ? w : null;
    }

    /** The strand mounted on the caller's carrier (the caller itself, if it is one), or null. */
    static Strand strand() {
        Worker w = worker();
        return w != null ? w.current : null;
    }
}
