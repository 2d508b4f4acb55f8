package dev.activations.bench;

import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;

/**
 * {@code floor}: bare {@link Continuation}s driven by a plain loop on the calling thread, with
 * no scheduler, queue or state machine. What a fork, a yield or a hand-off cannot undercut on
 * this JVM. The only class of the benchmarks that touches {@code jdk.internal.vm}.
 */
final class Floor {
    private static final ContinuationScope SCOPE = new ContinuationScope("floor");

    private Floor() {
    }

    /** Creates {@code n} continuations with an empty body and runs each to its end. */
    static void nullForks(int n) {
        for (int i = 0; i < n; i++) {
            new Continuation(SCOPE, Bench.EMPTY).run();
        }
    }

    /** One continuation yields {@code n} times; each yield is followed by the run that resumes it. */
    static void yields(int n) {
        Continuation c = new Continuation(SCOPE, () -> {
            for (int i = 0; i < n; i++) {
                Continuation.yield(SCOPE);
            }
        });
        while (!c.isDone()) {
            c.run();
        }
    }

    /**
     * Two continuations hand a token back and forth {@code hops} times: each hop is the holder
     * passing the token, yielding, and the loop running the other one.
     */
    static int handOffs(int hops) {
        int[] token = new int[1];
        Continuation a = new Continuation(SCOPE, () -> pass(token, 0, hops / 2));
        Continuation b = new Continuation(SCOPE, () -> pass(token, 1, hops / 2));
        while (!a.isDone() || !b.isDone()) {
            Continuation next = token[0] == 0 ? a : b;
            (next.isDone() ? (next == a ? b : a) : next).run();
        }
        return token[0];
    }

    private static void pass(int[] token, int me, int times) {
        for (int i = 0; i < times; i++) {
            if (token[0] != me) {
                throw new IllegalStateException("token is " + token[0] + " but player " + me + " runs");
            }
            token[0] = 1 - me;
            Continuation.yield(SCOPE);
        }
    }
}
