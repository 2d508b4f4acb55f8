package dev.activations.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A bounded work-stealing deque of new threads (Chase and Lev, "Dynamic Circular Work-Stealing
 * Deque", SPAA 2005; the fixed-size form): the owning carrier pushes and pops at the
 * {@code bottom} (newest first, so a fork/join tree runs depth-first and a join finds its child
 * on top), thieves take from the {@code top} (oldest first: the biggest pieces of a tree).
 * JCTools has no deque with an owner end, so this one is written here and proved by the
 * {@code SpawnDeque_*} jcstress tests.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>{@code top} only grows, by CAS (thieves, and the owner taking the last element);
 *       {@code bottom} is written by the owner only. The live elements are the indices
 *       {@code [top, bottom)}, at most {@link #CAPACITY} of them.</li>
 *   <li>An index is taken by exactly one party: a thief by winning the CAS of {@code top} from
 *       it; the owner by lowering {@code bottom} past it while {@code top} is below it, or, when
 *       it is the last one, by winning that same CAS.</li>
 *   <li>A slot is rewritten only by a push to index {@code i + CAPACITY}, which needs
 *       {@code top > i}: after whoever took {@code i} is done with it. Slots are cleared by
 *       whoever took them: a thief (or the owner winning the last one) with a CAS from the
 *       element it took, so a late clear never erases a newer push; the owner popping above
 *       {@code top} with a plain store (no other taker can be at that index).</li>
 * </ul>
 *
 * <h2>Ordering</h2>
 * Push writes the slot, then releases {@code bottom}; a thief acquires {@code bottom} (after
 * reading {@code top}) before reading the slot. Pop is the Dekker half: its volatile store of
 * the lowered {@code bottom} comes before its volatile read of {@code top}, and a thief's
 * volatile read of {@code top} comes before its volatile read of {@code bottom}, so the two
 * cannot both miss each other on the last element: at least one of them goes to the CAS.
 */
final class SpawnDeque {
    static final int CAPACITY = 256;
    private static final int MASK = CAPACITY - 1;
    private static final VarHandle TOP;
    private static final VarHandle BOTTOM;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Strand[].class);

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            TOP = l.findVarHandle(SpawnDeque.class, "top", long.class);
            BOTTOM = l.findVarHandle(SpawnDeque.class, "bottom", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Strand[] slots = new Strand[CAPACITY];
    @SuppressWarnings("unused") private volatile long top;
    @SuppressWarnings("unused") private volatile long bottom;

    /** Owner: adds {@code t} at the bottom. False if the deque is full (the caller queues it elsewhere). */
    boolean push(Strand t) {
        long b = (long) BOTTOM.getOpaque(this);
        if (b - (long) TOP.getAcquire(this) >= CAPACITY) {
            return false;
        }
        SLOT.setRelease(slots, (int) b & MASK, t);
        BOTTOM.setRelease(this, b + 1);
        return true;
    }

    /** Owner: the newest thread, or null if empty (or a thief won the last one). */
    Strand pop() {
        long b = (long) BOTTOM.getOpaque(this) - 1;
        if (b < (long) TOP.getAcquire(this)) {
            return null; // empty, and top only grows: skip the fence below (every dispatch asks)
        }
        BOTTOM.setVolatile(this, b);
        long t = (long) TOP.getVolatile(this);
        if (t > b) {
            BOTTOM.setOpaque(this, b + 1); // was empty
            return null;
        }
        int i = (int) b & MASK;
        Strand u = (Strand) SLOT.getAcquire(slots, i);
        if (t < b) {
            SLOT.setRelease(slots, i, null); // ours alone: no thief reaches b while top < b
            return u;
        }
        boolean won = TOP.compareAndSet(this, t, t + 1); // the last one: race the thieves for it
        BOTTOM.setOpaque(this, b + 1);
        if (!won) {
            return null;
        }
        SLOT.compareAndSet(slots, i, u, null);
        return u;
    }

    /** Owner: pops {@code t} if it is the newest thread (a join taking its child back). */
    boolean popIfNewest(Strand t) {
        long b = (long) BOTTOM.getOpaque(this) - 1;
        if (b < (long) TOP.getAcquire(this) || SLOT.getAcquire(slots, (int) b & MASK) != t) {
            return false;
        }
        return pop() == t; // the slot at b holds t until someone takes it: pop returns t or null
    }

    /** Any thread: the oldest thread, or null if empty or another taker won the race. */
    Strand steal() {
        long t = (long) TOP.getVolatile(this);
        long b = (long) BOTTOM.getVolatile(this);
        if (t >= b) {
            return null;
        }
        int i = (int) t & MASK;
        Strand u = (Strand) SLOT.getAcquire(slots, i);
        if (u == null || !TOP.compareAndSet(this, t, t + 1)) {
            return null;
        }
        SLOT.compareAndSet(slots, i, u, null);
        return u;
    }

    /** Racy count, for hints and stats. */
    int size() {
        long n = (long) BOTTOM.getOpaque(this) - (long) TOP.getOpaque(this);
        return (int) Math.max(0, Math.min(n, CAPACITY));
    }

    boolean isEmpty() {
        return size() == 0;
    }
}
