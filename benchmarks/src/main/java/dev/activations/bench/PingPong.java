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

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Sun's ping-pong, as the VPI paper runs it: pairs of threads that block and unblock each
 * other through semaphores, several games at once (VPI Fig. 6: 1 pair, 1 game; Fig. 7:
 * 4 games of 1 pair, 8 threads on 2 processors). The kind's own semaphore: the runtime's for
 * Activations, {@code java.util.concurrent}'s otherwise.
 *
 * <p>Every configuration plays {@link #HOPS} hops in all, split evenly over its pairs, so the
 * score is the time per hop over the whole machine (lower is better; with several pairs on
 * several processors hops overlap).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {Bench.ADD_EXPORTS, Bench.ADD_OPENS, Bench.NATIVE_ACCESS})
@State(Scope.Benchmark)
public class PingPong {
    /** Hops per invocation over all games; divisible by 2 x pairs x games for every value below. */
    static final int HOPS = 16_000;

    @Param({"platform", "virtual", "activations", "userthread"})
    public String impl;

    /** Pairs of players per game. */
    @Param({"1", "4"})
    public int pairs;

    /** Games played at once. */
    @Param({"1", "4"})
    public int games;

    private Kind kind;
    private Runnable match;

    @Setup
    public void setup() {
        Kind k = Kind.create(impl, 0);
        int volleys = HOPS / (2 * pairs * games);
        if (volleys * 2 * pairs * games != HOPS) {
            throw new IllegalArgumentException(HOPS + " hops do not split over " + pairs + " pairs x " + games + " games");
        }
        Runnable all = () -> {
            List<Strand> players = new ArrayList<>(2 * pairs * games);
            for (int g = 0; g < games; g++) {
                for (int p = 0; p < pairs; p++) {
                    Kind.Sem ping = k.newSemaphore(0);
                    Kind.Sem pong = k.newSemaphore(0);
                    players.add(k.start(() -> serve(ping, pong, volleys)));
                    players.add(k.start(() -> receive(ping, pong, volleys)));
                }
            }
            for (Strand s : players) {
                s.join();
            }
        };
        kind = k;
        match = () -> k.runInside(all);
    }

    private static void serve(Kind.Sem ping, Kind.Sem pong, int volleys) {
        for (int i = 0; i < volleys; i++) {
            ping.release();
            pong.acquire();
        }
    }

    private static void receive(Kind.Sem ping, Kind.Sem pong, int volleys) {
        for (int i = 0; i < volleys; i++) {
            ping.acquire();
            pong.release();
        }
    }

    @TearDown
    public void tearDown() {
        kind.close();
    }

    @Benchmark
    @OperationsPerInvocation(HOPS)
    public void pingPong() {
        match.run();
    }
}
