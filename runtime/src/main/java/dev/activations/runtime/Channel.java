package dev.activations.runtime;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A multi-producer multi-consumer channel, bounded or unbounded, that parks user threads
 * (platform threads block normally). No item is lost or delivered twice; items from one
 * sender are received in the order sent.
 *
 * <h2>Protocol</h2>
 * All state ({@code buffer}, waiting {@code senders}/{@code receivers}, {@code closed}) is
 * guarded by one {@link SpinGuard}; a node is completed ({@code done}) under the guard and its
 * waiter unparked after the guard is released. A receiver that finds a waiting receiver ahead
 * of it never overtakes: items go to waiting receivers in arrival order. When a receiver takes
 * from a full buffer, the oldest waiting sender's item moves into the buffer tail, so FIFO is
 * kept per sender. A waiter that gives up (interrupt, timeout) removes its node under the guard
 * unless it was already completed, in which case the transfer stands.
 *
 * @param <T> item type; null items are rejected
 */
public final class Channel<T> {
    private static final class Node<T> {
        final Object waiter;
        T item;
        volatile boolean done;
        boolean closed;

        Node(Object waiter, T item) {
            this.waiter = waiter;
            this.item = item;
        }
    }

    private final int capacity;
    private final SpinGuard guard = new SpinGuard();
    private final ArrayDeque<T> buffer = new ArrayDeque<>();
    private final ArrayDeque<Node<T>> senders = new ArrayDeque<>();
    private final ArrayDeque<Node<T>> receivers = new ArrayDeque<>();
    private boolean closed;

    private Channel(int capacity) {
        this.capacity = capacity;
    }

    /** A channel holding at most {@code capacity} (>= 1) items; senders wait when full. */
    public static <T> Channel<T> bounded(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
        }
        return new Channel<>(capacity);
    }

    /** A channel whose senders never wait. */
    public static <T> Channel<T> unbounded() {
        return new Channel<>(Integer.MAX_VALUE);
    }

    /**
     * Sends {@code item}, waiting while the channel is full.
     *
     * @throws ChannelClosedException if the channel is (or gets) closed before the item is taken in
     */
    public void send(T item) throws InterruptedException {
        Objects.requireNonNull(item, "item must not be null");
        Object me = Waiting.self();
        Waiting.checkInterrupt(me);
        Node<T> node;
        UserThread g = guard.lock();
        try {
            if (closed) {
                throw new ChannelClosedException("send on a closed channel");
            }
            if (offerLocked(item)) {
                node = null;
            } else {
                Waiting.checkMayWait(me); // before queueing: a refused send must not be taken later
                node = new Node<>(me, item);
                senders.add(node);
            }
        } finally {
            guard.unlock(g);
        }
        if (node == null) {
            UserThread.poll();
            return;
        }
        awaitNode(me, node, 0, true);
        if (node.closed) {
            throw new ChannelClosedException("channel closed while sending");
        }
    }

    /** Sends if there is room now; false if full. */
    public boolean trySend(T item) {
        Objects.requireNonNull(item, "item must not be null");
        UserThread g = guard.lock();
        boolean ok;
        try {
            if (closed) {
                throw new ChannelClosedException("send on a closed channel");
            }
            ok = offerLocked(item);
        } finally {
            guard.unlock(g);
        }
        UserThread.poll();
        return ok;
    }

    /** Hands {@code item} to a waiting receiver or buffers it. Caller holds the guard. */
    private boolean offerLocked(T item) {
        Node<T> r = receivers.poll();
        if (r != null) {
            r.item = item;
            r.done = true;
            Waiting.unpark(r.waiter); // unpark under the guard is safe: it never blocks
            return true;
        }
        if (buffer.size() < capacity) {
            buffer.add(item);
            return true;
        }
        return false;
    }

    /**
     * Receives the next item, waiting while the channel is empty.
     *
     * @throws ChannelClosedException if the channel is closed and empty
     */
    public T receive() throws InterruptedException {
        T item = receive(0);
        if (item == null) {
            throw new ChannelClosedException("receive on a closed, empty channel");
        }
        return item;
    }

    /**
     * Receives the next item, waiting at most {@code timeout}; null on timeout.
     *
     * @throws ChannelClosedException if the channel is closed and empty
     */
    public T receive(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout must not be null");
        long nanos = UserThread.saturatedNanos(timeout);
        if (nanos <= 0) {
            return tryReceive();
        }
        T item = receive(nanos);
        if (item == null && isClosedAndEmpty()) {
            throw new ChannelClosedException("receive on a closed, empty channel");
        }
        return item;
    }

    /** The next item if one is there now, else null. */
    public T tryReceive() {
        UserThread g = guard.lock();
        T item;
        try {
            item = pollLocked();
            if (item == null && closed) {
                throw new ChannelClosedException("receive on a closed, empty channel");
            }
        } finally {
            guard.unlock(g);
        }
        UserThread.poll();
        return item;
    }

    /** nanos 0: no timeout. Returns null on timeout or closed-and-empty. */
    private T receive(long nanos) throws InterruptedException {
        Object me = Waiting.self();
        Waiting.checkInterrupt(me);
        Node<T> node;
        UserThread g = guard.lock();
        try {
            T item = pollLocked();
            if (item != null) {
                return item;
            }
            if (closed) {
                return null;
            }
            Waiting.checkMayWait(me); // before queueing: a refused receive must be handed nothing
            node = new Node<>(me, null);
            receivers.add(node);
        } finally {
            guard.unlock(g);
        }
        awaitNode(me, node, nanos, true);
        return node.item;
    }

    /** Takes the buffer head, refilling from the oldest waiting sender. Caller holds the guard. */
    private T pollLocked() {
        T item = buffer.poll();
        if (item == null) {
            return null;
        }
        Node<T> s = senders.poll();
        if (s != null) {
            buffer.add(s.item);
            s.done = true;
            Waiting.unpark(s.waiter);
        }
        return item;
    }

    private void awaitNode(Object me, Node<T> node, long nanos, boolean interruptible) throws InterruptedException {
        long deadline = nanos > 0 ? System.nanoTime() + nanos : 0;
        while (!node.done) {
            long left = 0;
            if (nanos > 0 && (left = deadline - System.nanoTime()) <= 0) {
                if (withdraw(node)) {
                    return;
                }
                continue; // completed meanwhile
            }
            Waiting.park(me, this, left);
            if (interruptible && Waiting.interrupted(me)) {
                if (withdraw(node)) {
                    throw new InterruptedException();
                }
                Waiting.reinterrupt(me); // the transfer happened: keep it, keep the flag
            }
        }
    }

    /** Removes a waiting node; false if it was completed first (the transfer stands). */
    private boolean withdraw(Node<T> node) {
        UserThread g = guard.lock();
        try {
            if (node.done) {
                return false;
            }
            senders.remove(node);
            receivers.remove(node);
            return true;
        } finally {
            guard.unlock(g);
        }
    }

    /**
     * Closes the channel: later sends fail; buffered items can still be received; waiting
     * receivers (the buffer being empty) and waiting senders wake with
     * {@link ChannelClosedException}. Idempotent.
     */
    public void close() {
        List<Node<T>> wake = new ArrayList<>();
        UserThread g = guard.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (Node<T> n : receivers) {
                n.closed = true;
                n.done = true;
                wake.add(n);
            }
            receivers.clear();
            for (Node<T> n : senders) {
                n.closed = true;
                n.done = true;
                wake.add(n);
            }
            senders.clear();
        } finally {
            guard.unlock(g);
        }
        for (Node<T> n : wake) {
            Waiting.unpark(n.waiter);
        }
    }

    public boolean isClosed() {
        UserThread g = guard.lock();
        try {
            return closed;
        } finally {
            guard.unlock(g);
        }
    }

    private boolean isClosedAndEmpty() {
        UserThread g = guard.lock();
        try {
            return closed && buffer.isEmpty();
        } finally {
            guard.unlock(g);
        }
    }

    /** Items buffered now. */
    public int size() {
        UserThread g = guard.lock();
        try {
            return buffer.size();
        } finally {
            guard.unlock(g);
        }
    }
}
