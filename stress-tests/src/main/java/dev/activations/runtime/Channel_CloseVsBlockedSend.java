package dev.activations.runtime;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * {@link Channel}: {@code close} racing a sender. The channel (capacity 1) starts full; a user
 * thread sends X (so it usually waits), while a platform thread receives one item (which moves
 * a waiting sender's item into the buffer) and then closes the channel. Either the send
 * returned normally and X is in the channel, or it threw {@code ChannelClosedException} and X
 * is nowhere: never delivered-but-refused, never accepted-but-lost.
 *
 * <p>Result: send returned normally (1) or threw (0), X found in the channel afterwards (1/0),
 * the platform thread received the pre-filled item (1), sender finished + no scheduler error (1).
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t Channel_CloseVsBlockedSend}
 */
@JCStressTest
@Outcome(id = "1, 1, 1, 1", expect = ACCEPTABLE, desc = "the send completed before the close; X is buffered")
@Outcome(id = "0, 0, 1, 1", expect = ACCEPTABLE_INTERESTING, desc = "the close came first; the send failed and X is nowhere")
@Outcome(id = "1, 0, .*", expect = FORBIDDEN, desc = "lost: send returned normally but X is not in the channel")
@Outcome(id = "0, 1, .*", expect = FORBIDDEN, desc = "send failed but X was delivered anyway")
@Outcome(expect = FORBIDDEN, desc = "the sender never returned, the pre-filled item was lost, or the scheduler failed")
@State
public class Channel_CloseVsBlockedSend {
    static final Integer FIRST = 1;
    static final Integer X = 2;
    final Channel<Integer> ch = Channel.bounded(1);
    int sent;
    int receivedFirst;
    final UserThread sender = StressRuntime.unstarted(() -> {
        try {
            ch.send(X);
            sent = 1;
        } catch (ChannelClosedException e) {
            sent = 0;
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    });

    {
        if (!ch.trySend(FIRST)) {
            throw new IllegalStateException("could not pre-fill the channel");
        }
    }

    @Actor
    public void send() {
        sender.start();
    }

    @Actor
    public void receiveThenClose() {
        try {
            receivedFirst = ch.receive() == FIRST ? 1 : 0;
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        ch.close();
    }

    @Arbiter
    public void arbiter(IIII_Result r) {
        boolean done = StressRuntime.finished(sender);
        int found = 0;
        try {
            Integer v;
            while ((v = ch.tryReceive()) != null) {
                found += v == X ? 1 : 100;
            }
        } catch (ChannelClosedException e) {
            // closed and drained
        }
        r.r1 = sent;
        r.r2 = found;
        r.r3 = receivedFirst;
        r.r4 = done && StressRuntime.errors() == 0 ? 1 : 0;
    }
}
