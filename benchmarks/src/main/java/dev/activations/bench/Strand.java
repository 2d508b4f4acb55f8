package dev.activations.bench;

/**
 * A thread of some {@link Kind}, as the benchmarks see it: something to join and to unpark.
 */
public interface Strand {

    /** Waits until the strand's body has returned. Callable from any thread. */
    void join();

    /** Makes the strand's pending or next {@link Kind#park()} return. Callable from any thread. */
    void unpark();
}
