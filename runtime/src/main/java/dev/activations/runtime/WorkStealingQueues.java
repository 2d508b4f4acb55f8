package dev.activations.runtime;

import java.util.concurrent.ConcurrentLinkedQueue;
import org.jctools.queues.atomic.SpmcAtomicArrayQueue;

/**
 * Work stealing (default policy), after Go's runq, Kotlin's CoroutineScheduler and
 * {@code ForkJoinPool}.
 *
 * <h2>Structure</h2>
 * <ul>
 *   <li>Per worker: {@code next}, a hand-off slot for a thread unparked by the running thread
 *       (it runs as soon as that one parks: signal/wait costs two switches on one processor;
 *       pushing into the slot moves the previous occupant to the ring); {@code spawns}, a
 *       {@link SpawnDeque} of threads started by threads running here, newest first for the
 *       owner, oldest first for thieves (a fork/join tree runs depth-first, a join finds its
 *       child on top and runs it inline, a thief takes the biggest piece left); and
 *       {@code ring}, a bounded JCTools SPMC queue (its field-updater variant) of yielded threads and overflow: the owner
 *       offers, anyone polls.</li>
 *   <li>{@code global}: an unbounded {@link ConcurrentLinkedQueue} for threads readied from
 *       outside and for ring overflow (JCTools' unbounded MPMC queues touch
 *       {@code sun.misc.Unsafe}, which JDK 25 warns about on stderr; its ring has an
 *       {@code Atomic} variant, this one has none).</li>
 * </ul>
 *
 * <h2>Taking work ({@link #next})</h2>
 * Every 61st pick starts at the global queue and then the ring (so neither can starve behind a
 * busy fork tree), then: own hand-off slot, own spawn deque (newest), own ring, global queue
 * (moving a batch into the ring), then stealing: half of another worker's ring, else the oldest
 * of its spawns. Hand-off slots of others are taken only when their carrier is not running on
 * its processor (blocked in the kernel) or on an idle worker's last chance, so a ping-pong pair
 * stays on one processor.
 *
 * <h2>Ownership</h2>
 * {@code ring.offer} and the owner end of {@code spawns} only by the owning carrier;
 * {@code next} is exchanged by the owner and CASed by thieves; each thread is taken exactly
 * once (the deque's own protocol is described in {@link SpawnDeque}).
 */
final class WorkStealingQueues extends ReadyQueues {
    static final int RING_CAPACITY = 256;
    private static final int GLOBAL_BATCH = 32;

    private final ConcurrentLinkedQueue<Strand> global = new ConcurrentLinkedQueue<>();

    WorkStealingQueues(Scheduler s) {
        super(s);
    }

    /** Onto the spawn deque (newest first for the owner), or the ring when the deque is full. */
    @Override
    void pushNew(Worker w, Strand t) {
        if (!w.spawns.push(t)) {
            pushYielded(w, t);
        }
    }

    @Override
    boolean unpush(Worker w, Strand t) {
        return w.spawns.popIfNewest(t);
    }

    @Override
    void pushWoken(Worker w, Strand t) {
        Strand old = w.swapNext(t);
        if (old != null && !w.ring.offer(old)) {
            global.offer(old);
        }
    }

    /** The hand-off slot; a displaced occupant goes to the ring, and then others should look. */
    @Override
    boolean pushHandOff(Worker w, Strand t) {
        Strand old = w.swapNext(t);
        if (old == null) {
            return false;
        }
        if (!w.ring.offer(old)) {
            global.offer(old);
        }
        return true;
    }

    @Override
    Strand poll() {
        return global.poll();
    }

    @Override
    void pushYielded(Worker w, Strand t) {
        if (!w.ring.offer(t)) {
            global.offer(t);
        }
    }

    @Override
    void pushExternal(Strand t) {
        global.offer(t);
    }

    @Override
    Strand next(Worker w, boolean lastChance) {
        Strand t;
        if (++w.tick % 61 == 0 && ((t = global.poll()) != null || (t = w.ring.poll()) != null)) {
            return t;
        }
        if ((t = w.takeNext()) != null) {
            return t;
        }
        if ((t = w.spawns.pop()) != null) {
            return t;
        }
        if ((t = w.ring.poll()) != null) {
            return t;
        }
        if ((t = pollGlobalBatch(w)) != null) {
            return t;
        }
        return steal(w, lastChance);
    }

    private Strand pollGlobalBatch(Worker w) {
        Strand first = global.poll();
        if (first == null) {
            return null;
        }
        int batch = GLOBAL_BATCH / Math.max(1, scheduler.workerCount()); // no size(): O(n) on this queue
        for (int i = 0; i < batch; i++) {
            Strand t = global.poll();
            if (t == null) {
                break;
            }
            if (!w.ring.offer(t)) {
                global.offer(t);
                break;
            }
        }
        return first;
    }

    private Strand steal(Worker w, boolean lastChance) {
        Worker[] all = scheduler.workers();
        int n = all.length;
        if (n <= 1 && !lastChance) {
            return null;
        }
        int start = (int) ((w.tick * 0x9E3779B9L >>> 16) % Math.max(n, 1));
        for (int k = 0; k < n; k++) {
            Worker v = all[(start + k) % n];
            if (v == w) {
                continue;
            }
            Strand t = v.ring.poll();
            if (t != null) {
                int more = v.ring.size() / 2;
                for (int i = 0; i < more; i++) {
                    Strand s = v.ring.poll();
                    if (s == null || !w.ring.offer(s)) {
                        if (s != null) {
                            global.offer(s);
                        }
                        break;
                    }
                }
                scheduler.stats.steals.increment();
                return t;
            }
            if ((t = v.spawns.steal()) == null && (lastChance || !v.act.isRunningOnProcessor())) {
                t = v.stealNext();
            }
            if (t != null) {
                scheduler.stats.steals.increment();
                return t;
            }
        }
        return null;
    }

    @Override
    boolean hasWork() {
        if (!global.isEmpty()) {
            return true;
        }
        for (Worker v : scheduler.workers()) {
            if (!v.ring.isEmpty() || !v.spawns.isEmpty() || v.peekNext() != null) {
                return true;
            }
        }
        return false;
    }

    @Override
    boolean hasSurplus(Worker w) {
        return !w.ring.isEmpty() || !w.spawns.isEmpty();
    }

    @Override
    void drain(Worker w) {
        Strand t = w.takeNext();
        if (t != null) {
            global.offer(t);
        }
        while ((t = w.spawns.pop()) != null) {
            global.offer(t);
        }
        while ((t = w.ring.poll()) != null) {
            global.offer(t);
        }
    }

    @Override
    int size() {
        int n = global.size();
        for (Worker v : scheduler.workers()) {
            n += v.ring.size() + v.spawns.size() + (v.peekNext() != null ? 1 : 0);
        }
        return n;
    }

    static SpmcAtomicArrayQueue<Strand> newRing() {
        return new SpmcAtomicArrayQueue<>(RING_CAPACITY);
    }
}
