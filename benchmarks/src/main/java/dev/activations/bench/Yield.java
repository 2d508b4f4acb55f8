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

import java.util.concurrent.TimeUnit;

/**
 * One yield round trip: a thread gives up its processor and is resumed. Two threads of the
 * kind yield in turn on one processor, so every yield is a real switch to the other thread
 * (Danjean et al.'s {@code yield()}: 0.40 µs for PM2 on their Linux SA kernel). Per yield.
 *
 * <p>{@code floor}: one bare continuation yielding to a loop that runs it again. Platform
 * threads cannot be held to one processor: {@code Thread.yield()} is {@code sched_yield}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {Bench.ADD_EXPORTS, Bench.ADD_OPENS, Bench.NATIVE_ACCESS, Bench.VT_ONE_CARRIER})
@State(Scope.Benchmark)
public class Yield {
    /** Yields per invocation, over both threads. */
    static final int YIELDS = 10_000;

    @Param({"platform", "virtual", "activations", "userthread", "floor"})
    public String impl;

    /** Processors the kind may use; 0 = all. */
    @Param("1")
    public int processors;

    private Kind kind;
    private Runnable batch;

    @Setup
    public void setup() {
        if (impl.equals("floor")) {
            batch = () -> Floor.yields(YIELDS);
            return;
        }
        Kind k = Kind.create(impl, processors);
        Runnable yields = () -> {
            for (int i = 0; i < YIELDS / 2; i++) {
                k.yieldNow();
            }
        };
        Runnable pair = () -> {
            Strand other = k.start(yields);
            yields.run();
            other.join();
        };
        kind = k;
        batch = () -> k.runInside(pair);
    }

    @TearDown
    public void tearDown() {
        if (kind != null) {
            kind.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(YIELDS)
    public void yieldRoundTrip() {
        batch.run();
    }
}
