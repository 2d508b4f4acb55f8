package dev.activations.runtime;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.locks.Condition;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * {@link Mutex} conditions: signal/await never lose a signal. Two user threads take turns
 * (a {@code turn} variable guarded by the mutex), each waiting on the condition until it is
 * its turn and then passing the turn with {@code signal()}; four moves each. Every move
 * depends on the previous signal, so a lost signal leaves both waiting for ever.
 *
 * <p>Result: both finished (1), moves made (8), scheduler errors or mutex left locked (0).
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t Condition_PingPong}
 */
@JCStressTest
@Outcome(id = "1, 8, 0", expect = ACCEPTABLE, desc = "every signal reached its waiter")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "lost signal: the players still wait after 5 s")
@Outcome(expect = FORBIDDEN, desc = "wrong number of moves, mutex left locked, or the scheduler failed")
@State
public class Condition_PingPong {
    static final int MOVES = 4;
    final Mutex m = new Mutex();
    final Condition turnChanged = m.newCondition();
    int turn;
    int moves;

    final UserThread ping = StressRuntime.unstarted(() -> play(0));
    final UserThread pong = StressRuntime.unstarted(() -> play(1));

    void play(int me) {
        for (int i = 0; i < MOVES; i++) {
            m.lock();
            try {
                while (turn != me) {
                    turnChanged.awaitUninterruptibly();
                }
                turn = 1 - me;
                moves++;
                turnChanged.signal();
            } finally {
                m.unlock();
            }
        }
    }

    @Actor
    public void first() {
        ping.start();
    }

    @Actor
    public void second() {
        pong.start();
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r1 = StressRuntime.finished(ping) & StressRuntime.finished(pong) ? 1 : 0;
        r.r2 = moves;
        r.r3 = m.isLocked() || StressRuntime.errors() != 0 ? 1 : 0;
    }
}
