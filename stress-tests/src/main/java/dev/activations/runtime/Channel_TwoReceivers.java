package dev.activations.runtime;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * {@link Channel}: two receivers waiting at once. One user thread sends 1..4 into a channel of
 * capacity 1; two user threads receive two items each, both often parked as waiting receivers
 * that a send completes directly. Every item is received exactly once and each receiver gets
 * its items in the order they were sent.
 *
 * <p>Result: all finished (1), items lost (0), items duplicated (0), order violations plus
 * scheduler errors (0).
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t Channel_TwoReceivers}
 */
@JCStressTest
@Outcome(id = "1, 0, 0, 0", expect = ACCEPTABLE, desc = "every item received once, in order")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "lost wake-up: a thread did not finish within 5 s")
@Outcome(id = "1, [^0], .*", expect = FORBIDDEN, desc = "items lost")
@Outcome(id = "1, 0, [^0], .*", expect = FORBIDDEN, desc = "items duplicated")
@Outcome(expect = FORBIDDEN, desc = "a receiver got items out of order, or the scheduler failed")
@State
public class Channel_TwoReceivers {
    final Channel<Integer> ch = Channel.bounded(1);
    final int[] r1 = new int[2];
    final int[] r2 = new int[2];
    final UserThread sender = StressRuntime.unstarted(() -> {
        try {
            for (int i = 1; i <= 4; i++) {
                ch.send(i);
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    });
    final UserThread receiver1 = StressRuntime.unstarted(() -> receive(r1));
    final UserThread receiver2 = StressRuntime.unstarted(() -> receive(r2));

    void receive(int[] into) {
        try {
            for (int i = 0; i < into.length; i++) {
                into[i] = ch.receive();
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Actor
    public void first() {
        receiver1.start();
        sender.start();
    }

    @Actor
    public void second() {
        receiver2.start();
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r1 = StressRuntime.finished(sender) & StressRuntime.finished(receiver1) & StressRuntime.finished(receiver2) ? 1 : 0;
        int[] count = new int[6];
        int dup = 0;
        for (int v : new int[] {r1[0], r1[1], r2[0], r2[1]}) {
            if (v >= 1 && v <= 4) {
                count[v]++;
            } else {
                dup++;
            }
        }
        int lost = 0;
        for (int v = 1; v <= 4; v++) {
            lost += count[v] == 0 ? 1 : 0;
            dup += Math.max(0, count[v] - 1);
        }
        r.r2 = lost;
        r.r3 = dup;
        r.r4 = (r1[0] < r1[1] ? 0 : 1) + (r2[0] < r2[1] ? 0 : 1) + (StressRuntime.errors() == 0 ? 0 : 100);
    }
}
