package dev.activations.runtime;

import static dev.activations.runtime.TestSupport.awaitParked;
import static dev.activations.runtime.TestSupport.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link Channel}, bounded and unbounded: capacity, ordering, close and cancellation.
 *
 * <p>What it proves:
 * <ul>
 *   <li>an unbounded channel never makes a sender wait; a bounded one holds at most its
 *       capacity and parks the sender of one item more until a receive makes room;
 *       {@code trySend}/{@code tryReceive} never wait;</li>
 *   <li>FIFO per sender: with many senders (some parked on a full buffer) and one receiver,
 *       each sender's items arrive in the order sent; with many receivers no item is lost or
 *       delivered twice; user and platform threads mix freely;</li>
 *   <li>close: later sends (and {@code trySend}) throw {@link ChannelClosedException};
 *       buffered items are still delivered, then receives throw; parked receivers and parked
 *       senders wake with {@link ChannelClosedException} (the senders' items are not
 *       delivered); close is idempotent;</li>
 *   <li>timed receive returns null on timeout; an interrupted receiver or sender throws
 *       {@link InterruptedException}, leaves the queue, and the channel keeps working.</li>
 * </ul>
 */
class ChannelTest extends RuntimeTestBase {

    @Test
    void unboundedSendersNeverWait() {
        Channel<Integer> ch = Channel.unbounded();
        int n = 10_000;
        inUserThread(() -> {
            for (int i = 0; i < n; i++) {
                ch.send(i); // no receiver yet: would hang if it waited
            }
            assertEquals(n, ch.size());
            for (int i = 0; i < n; i++) {
                assertEquals(i, ch.receive());
            }
            assertNull(ch.tryReceive());
        });
    }

    @Test
    void boundedChannelHoldsItsCapacityAndParksTheNextSender() throws InterruptedException {
        Channel<String> ch = Channel.bounded(2);
        AtomicInteger sent = new AtomicInteger();
        UserThread sender = scheduler.start(() -> {
            try {
                for (String s : List.of("a", "b", "c")) {
                    ch.send(s);
                    sent.incrementAndGet();
                }
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        awaitParked(sender);
        assertEquals(2, sent.get(), "the third send waits");
        assertEquals(2, ch.size());
        assertFalse(ch.trySend("x"), "trySend on a full channel fails without waiting");
        assertEquals("a", ch.receive()); // makes room: the parked sender's item moves into the buffer
        join(sender);
        assertEquals(3, sent.get());
        assertEquals(2, ch.size());
        assertEquals("b", ch.receive());
        assertEquals("c", ch.tryReceive());
        assertNull(ch.tryReceive());
        assertTrue(ch.trySend("d"));
        assertEquals("d", ch.receive(Duration.ofSeconds(1)));
    }

    @Test
    void itemsOfOneSenderArriveInOrder() {
        Channel<long[]> ch = Channel.bounded(4);
        int senders = 8;
        int per = 2_000;
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<UserThread> ts = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            int me = s;
            ts.add(TestSupport.startChecked(scheduler, "sender-" + s, failures, () -> {
                for (int i = 0; i < per; i++) {
                    ch.send(new long[] {me, i});
                }
            }));
        }
        Thread platformSender = new Thread(() -> {
            try {
                for (int i = 0; i < per; i++) {
                    ch.send(new long[] {senders, i});
                }
            } catch (InterruptedException e) {
                failures.add(e);
            }
        }, "platform-sender");
        platformSender.start();
        long[] next = new long[senders + 1];
        UserThread receiver = TestSupport.startChecked(scheduler, "receiver", failures, () -> {
            for (int i = 0; i < (senders + 1) * per; i++) {
                long[] item = ch.receive();
                int from = (int) item[0];
                assertEquals(next[from], item[1], "sender " + from + " out of order");
                next[from]++;
            }
        });
        TestSupport.joinAll(ts);
        TestSupport.join(platformSender);
        join(receiver);
        TestSupport.assertNoFailures(failures);
        for (int s = 0; s <= senders; s++) {
            assertEquals(per, next[s], "items of sender " + s);
        }
        assertNull(ch.tryReceive());
    }

    @Test
    void manyReceiversGetEveryItemExactlyOnce() throws InterruptedException {
        Channel<Integer> ch = Channel.bounded(8);
        int senders = 4;
        int receivers = 4;
        int per = 2_500;
        int total = senders * per;
        BitSet seen = new BitSet(total);
        AtomicInteger duplicates = new AtomicInteger();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<UserThread> ts = new ArrayList<>();
        for (int r = 0; r < receivers; r++) {
            ts.add(TestSupport.startChecked(scheduler, "receiver-" + r, failures, () -> {
                while (true) {
                    Integer item;
                    try {
                        item = ch.receive();
                    } catch (ChannelClosedException e) {
                        return; // closed and drained
                    }
                    synchronized (seen) {
                        if (seen.get(item)) {
                            duplicates.incrementAndGet();
                        }
                        seen.set(item);
                    }
                }
            }));
        }
        List<UserThread> sendersList = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            int base = s * per;
            sendersList.add(TestSupport.startChecked(scheduler, "sender-" + s, failures, () -> {
                for (int i = 0; i < per; i++) {
                    ch.send(base + i);
                }
            }));
        }
        TestSupport.joinAll(sendersList);
        TestSupport.awaitCondition("receivers to drain the buffer", () -> ch.size() == 0);
        ch.close();
        TestSupport.joinAll(ts);
        TestSupport.assertNoFailures(failures);
        assertEquals(0, duplicates.get(), "an item was delivered twice");
        assertEquals(total, seen.cardinality(), "an item was lost");
    }

    @Test
    void closeRefusesSendsButDeliversWhatIsBuffered() {
        Channel<Integer> ch = Channel.bounded(3);
        inUserThread(() -> {
            ch.send(1);
            ch.send(2);
            assertFalse(ch.isClosed());
            ch.close();
            ch.close(); // idempotent
            assertTrue(ch.isClosed());
            assertThrows(ChannelClosedException.class, () -> ch.send(3));
            assertThrows(ChannelClosedException.class, () -> ch.trySend(3));
            assertEquals(1, ch.receive());
            assertEquals(2, ch.tryReceive());
            assertThrows(ChannelClosedException.class, ch::receive);
            assertThrows(ChannelClosedException.class, ch::tryReceive);
            assertThrows(ChannelClosedException.class, () -> ch.receive(Duration.ofMillis(1)));
        });
    }

    @Test
    void closeWakesParkedReceiversAndSenders() {
        Channel<Integer> empty = Channel.unbounded();
        Channel<Integer> full = Channel.bounded(1);
        assertTrue(full.trySend(0));
        List<Throwable> outcomes = new CopyOnWriteArrayList<>();
        List<UserThread> ts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ts.add(scheduler.start(() -> {
                try {
                    empty.receive();
                    outcomes.add(new AssertionError("received from an empty, closed channel"));
                } catch (Throwable e) {
                    outcomes.add(e);
                }
            }));
            int item = i + 1;
            ts.add(scheduler.start(() -> {
                try {
                    full.send(item);
                    outcomes.add(new AssertionError("send completed on a closed channel"));
                } catch (Throwable e) {
                    outcomes.add(e);
                }
            }));
        }
        for (UserThread t : ts) {
            awaitParked(t);
        }
        empty.close();
        full.close();
        TestSupport.joinAll(ts);
        assertEquals(10, outcomes.size());
        for (Throwable e : outcomes) {
            assertInstanceOf(ChannelClosedException.class, e, () -> "unexpected outcome " + e);
        }
        inUserThread(() -> {
            assertEquals(0, full.receive(), "the buffered item survives the close");
            assertThrows(ChannelClosedException.class, full::receive, "parked senders' items were not delivered");
        });
    }

    @Test
    void timedReceiveReturnsNullOnTimeout() {
        Channel<String> ch = Channel.bounded(1);
        inUserThread(() -> {
            assertNull(ch.receive(Duration.ofMillis(2)));
            assertNull(ch.receive(Duration.ZERO));
            assertNull(ch.receive(Duration.ofMillis(-1)));
        });
        AtomicReference<String> got = new AtomicReference<>();
        UserThread r = scheduler.start(() -> {
            try {
                got.set(ch.receive(Duration.ofHours(1)));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        awaitParked(r);
        assertTrue(ch.trySend("late"));
        join(r);
        assertEquals("late", got.get());
    }

    @Test
    void interruptedReceiverLeavesTheQueue() throws InterruptedException {
        Channel<String> ch = Channel.unbounded();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean flagAfter = new AtomicBoolean(true);
        UserThread first = scheduler.start(() -> {
            try {
                ch.receive();
            } catch (Throwable e) {
                thrown.set(e);
                flagAfter.set(UserThread.current().isInterrupted());
            }
        });
        awaitParked(first);
        AtomicReference<String> second = new AtomicReference<>();
        UserThread next = scheduler.start(() -> {
            try {
                second.set(ch.receive());
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        awaitParked(next);
        first.interrupt();
        join(first);
        assertInstanceOf(InterruptedException.class, thrown.get());
        assertFalse(flagAfter.get(), "throwing InterruptedException clears the interrupt flag");
        ch.send("item");
        join(next);
        assertEquals("item", second.get(), "the item went to the receiver still waiting, not the one that left");
    }

    @Test
    void interruptedSenderLeavesTheQueueWithoutItsItem() throws InterruptedException {
        Channel<String> ch = Channel.bounded(1);
        ch.send("kept");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        UserThread sender = scheduler.start(() -> {
            try {
                ch.send("dropped");
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        awaitParked(sender);
        sender.interrupt();
        join(sender);
        assertInstanceOf(InterruptedException.class, thrown.get());
        assertEquals("kept", ch.receive());
        assertNull(ch.tryReceive(), "the interrupted sender's item was not delivered");
        assertTrue(ch.trySend("after"));
        assertEquals("after", ch.receive());
    }

    @Test
    void pingPongThroughTwoChannels() {
        Channel<Integer> ping = Channel.bounded(1);
        Channel<Integer> pong = Channel.bounded(1);
        int rounds = 20_000;
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        UserThread a = TestSupport.startChecked(scheduler, "a", failures, () -> {
            for (int i = 0; i < rounds; i++) {
                ping.send(i);
                assertEquals(i + 1, pong.receive());
            }
        });
        UserThread b = TestSupport.startChecked(scheduler, "b", failures, () -> {
            for (int i = 0; i < rounds; i++) {
                pong.send(ping.receive() + 1);
            }
        });
        join(a);
        join(b);
        TestSupport.assertNoFailures(failures);
    }
}
