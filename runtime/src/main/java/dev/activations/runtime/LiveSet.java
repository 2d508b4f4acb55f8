package dev.activations.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * The set of live members (a scheduler's user threads, an executor's accepted tasks): add and
 * remove on every thread or task, scans only for diagnostics and shutdown.
 *
 * <h2>Why not a {@code ConcurrentHashMap}</h2>
 * A map with 10^5 entries misses the cache on nearly every put and remove: a JFR profile of
 * {@code ExecutorThroughput} spent ~40 % of its samples in {@code ConcurrentHashMap.putVal},
 * {@code replaceNode} and {@code tabAt} for the two registries a task passed through. This set
 * is intrusive: each member carries its own links ({@link Member}), so add and remove allocate
 * nothing and touch the member, its two neighbours (usually members of about the same age,
 * still in cache) and one stripe.
 *
 * <h2>Structure and locking</h2>
 * {@link #STRIPES} doubly-linked lists, each guarded by its own spin lock ({@link SpinLock}). A member is put into a
 * stripe picked round-robin by a racy counter (any stripe is correct; the spread only lowers
 * contention) and remembers it. Invariant, under the stripe's lock: a member is in the set iff
 * its {@code stripe} is that stripe's index; {@code count} is the length of that stripe's list.
 *
 * <h2>Ordering</h2>
 * Callers use it in a "write, then check" pair against a state flag (add, then read the
 * closed/shutdown flag; write the flag, then scan). Each add and each scan of a stripe hold
 * that stripe's lock, so either the scan's critical section comes after the add's (it sees the
 * member) or before it, and then the flag written before the scan happens-before the adder's
 * read of it. {@link #isEmpty()} and {@link #snapshot()} visit stripes one after another: they
 * are exact for members present throughout the call.
 */
final class LiveSet<T extends LiveSet.Member> {
    static final int STRIPES = 16;

    /** Links of a member; guarded by the lock of the stripe it is in. */
    abstract static class Member {
        Member prevLive;
        Member nextLive;
        int stripe = -1;
    }

    /**
     * One list and its lock: a {@link SpinLock}, not a monitor. Held for a few instructions
     * with no call out; and a carrier never blocks in the OS here, where the kernel's monitor
     * would see it BLOCKED and might hand its VP off.
     */
    private static final class Stripe extends SpinLock {
        final int index;
        Member head;
        int count;
        @SuppressWarnings("unused") long p1, p2, p3, p4, p5, p6, p7; // keeps stripes off each other's cache lines

        Stripe(int index) {
            this.index = index;
        }
    }

    private final Stripe[] stripes = new Stripe[STRIPES];
    /** Round-robin cursor; racy on purpose (see the class comment). */
    private int cursor;

    LiveSet() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe(i);
        }
    }

    /** Adds {@code m}, which must not be in any set. */
    void add(T m) {
        Stripe s = stripes[cursor++ & (STRIPES - 1)];
        s.acquire();
        try {
            if (m.stripe >= 0) {
                throw new IllegalStateException(m + " is already in a live set");
            }
            m.stripe = s.index;
            m.prevLive = null;
            m.nextLive = s.head;
            if (s.head != null) {
                s.head.prevLive = m;
            }
            s.head = m;
            s.count++;
        } finally {
            s.release();
        }
    }

    /** Removes {@code m}; returns false if it was not in the set (removed already). */
    boolean remove(T m) {
        // Read without the lock: a member is added once, before it is handed to the thread that
        // removes it (which thus sees the index); only a remove resets it, re-checked below.
        int i = m.stripe;
        if (i < 0) {
            return false;
        }
        Stripe s = stripes[i];
        s.acquire();
        try {
            if (m.stripe != i) {
                return false; // removed by another thread meanwhile
            }
            Member p = m.prevLive;
            Member n = m.nextLive;
            if (p != null) {
                p.nextLive = n;
            } else {
                s.head = n;
            }
            if (n != null) {
                n.prevLive = p;
            }
            m.prevLive = null;
            m.nextLive = null;
            m.stripe = -1;
            s.count--;
            return true;
        } finally {
            s.release();
        }
    }

    int size() {
        int n = 0;
        for (Stripe s : stripes) {
            s.acquire();
            try {
                n += s.count;
            } finally {
                s.release();
            }
        }
        return n;
    }

    boolean isEmpty() {
        for (Stripe s : stripes) {
            s.acquire();
            try {
                if (s.count != 0) {
                    return false;
                }
            } finally {
                s.release();
            }
        }
        return true;
    }

    /** The members, stripe by stripe. */
    @SuppressWarnings("unchecked")
    List<T> snapshot() {
        List<T> all = new ArrayList<>();
        for (Stripe s : stripes) {
            s.acquire();
            try {
                for (Member m = s.head; m != null; m = m.nextLive) {
                    all.add((T) m);
                }
            } finally {
                s.release();
            }
        }
        return all;
    }
}
