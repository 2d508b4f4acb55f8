package dev.activations.bench;

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
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * The paper's Signal-Wait (Table I): two threads hand a token back and forth; the holder
 * passes it, unparks the other and parks until it comes back. Per hop (one signal plus the
 * wait it ends).
 *
 * <p>One processor by default, as in the paper; platform threads run on every core.
 * {@code floor}: two bare continuations alternated by a loop.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {Bench.ADD_EXPORTS, Bench.ADD_OPENS, Bench.NATIVE_ACCESS, Bench.VT_ONE_CARRIER})
@State(Scope.Benchmark)
public class SignalWait {
    /** Hand-offs per invocation. */
    static final int HOPS = 10_000;

    @Param({"platform", "virtual", "activations", "userthread", "floor"})
    public String impl;

    /** Processors the kind may use; 0 = all. */
    @Param("1")
    public int processors;

    private Kind kind;
    private Runnable batch;
    private volatile int turn;

    @Setup
    public void setup() {
        if (impl.equals("floor")) {
            batch = () -> turn = Floor.handOffs(HOPS);
            return;
        }
        Kind k = Kind.create(impl, processors);
        Runnable game = () -> {
            turn = 0;
            Strand a = k.current();
            Strand b = k.start(() -> pass(k, 1, a));
            pass(k, 0, b);
            b.join();
        };
        kind = k;
        batch = () -> k.runInside(game);
    }

    /** Inside a thread of the kind: HOPS/2 times, wait for the token, pass it, signal the other. */
    private void pass(Kind k, int me, Strand other) {
        for (int i = 0; i < HOPS / 2; i++) {
            while (turn != me) {
                k.park();
            }
            turn = 1 - me;
            other.unpark();
        }
    }

    @TearDown
    public void tearDown() {
        if (kind != null) {
            kind.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(HOPS)
    public void signalWait(Blackhole bh) {
        batch.run();
        bh.consume(turn);
    }
}
