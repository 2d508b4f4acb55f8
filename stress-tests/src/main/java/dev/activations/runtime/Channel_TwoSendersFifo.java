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
 * {@link Channel}: no loss, no duplication, FIFO per sender. Two user threads send three
 * items each (1, 2, 3 and 101, 102, 103) into a channel of capacity 1, so senders queue and
 * their items move into the buffer as the receiver, a third user thread, takes six items.
 *
 * <p>Result: all finished (1), items lost (0), items received twice or unknown (0), items
 * received out of their sender's order (0; the scheduler errors are counted here too).
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t Channel_TwoSendersFifo}
 */
@JCStressTest
@Outcome(id = "1, 0, 0, 0", expect = ACCEPTABLE, desc = "every item received once, in each sender's order")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "lost wake-up: a sender or the receiver did not finish within 5 s")
@Outcome(id = "1, [^0], .*", expect = FORBIDDEN, desc = "items lost")
@Outcome(id = "1, 0, [^0], .*", expect = FORBIDDEN, desc = "items duplicated")
@Outcome(expect = FORBIDDEN, desc = "FIFO per sender broken, or the scheduler failed")
@State
public class Channel_TwoSendersFifo {
    final Channel<Integer> ch = Channel.bounded(1);
    final int[] received = new int[6];
    final UserThread senderA = StressRuntime.unstarted(() -> send(1));
    final UserThread senderB = StressRuntime.unstarted(() -> send(101));
    final UserThread receiver = StressRuntime.unstarted(() -> {
        try {
            for (int i = 0; i < received.length; i++) {
                received[i] = ch.receive();
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    });

    void send(int first) {
        try {
            for (int i = 0; i < 3; i++) {
                ch.send(first + i);
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Actor
    public void first() {
        senderA.start();
        receiver.start();
    }

    @Actor
    public void second() {
        senderB.start();
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        r.r1 = StressRuntime.finished(senderA) & StressRuntime.finished(senderB) & StressRuntime.finished(receiver) ? 1 : 0;
        int[] count = new int[200];
        int strange = 0;
        int lastA = 0;
        int lastB = 100;
        int disorder = 0;
        for (int v : received) {
            if (v >= 1 && v <= 3) {
                count[v]++;
                disorder += v < lastA ? 1 : 0;
                lastA = v;
            } else if (v >= 101 && v <= 103) {
                count[v]++;
                disorder += v < lastB ? 1 : 0;
                lastB = v;
            } else {
                strange++;
            }
        }
        int lost = 0;
        int dup = strange;
        for (int v : new int[] {1, 2, 3, 101, 102, 103}) {
            lost += count[v] == 0 ? 1 : 0;
            dup += Math.max(0, count[v] - 1);
        }
        r.r2 = lost;
        r.r3 = dup;
        r.r4 = disorder + (StressRuntime.errors() == 0 ? 0 : 100);
    }
}
