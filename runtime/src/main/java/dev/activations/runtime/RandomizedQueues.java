package dev.activations.runtime;

import java.util.ArrayList;
import java.util.SplittableRandom;

/**
 * Randomised order for tests: all ready threads in one pool guarded by a monitor; {@code next}
 * removes a pseudo-random one (seeded, so a failing order can be replayed with the same seed
 * on one processor). Slow by design; never the default.
 */
final class RandomizedQueues extends ReadyQueues {
    private final ArrayList<Strand> pool = new ArrayList<>();
    private final SplittableRandom random;

    RandomizedQueues(Scheduler s, long seed) {
        super(s);
        this.random = new SplittableRandom(seed);
    }

    private void add(Strand t) {
        synchronized (pool) {
            pool.add(t);
        }
    }

    @Override
    void pushNew(Worker w, Strand t) {
        add(t);
    }

    @Override
    void pushWoken(Worker w, Strand t) {
        add(t);
    }

    @Override
    void pushYielded(Worker w, Strand t) {
        add(t);
    }

    @Override
    void pushExternal(Strand t) {
        add(t);
    }

    @Override
    Strand next(Worker w, boolean lastChance) {
        synchronized (pool) {
            int n = pool.size();
            if (n == 0) {
                return null;
            }
            int i = random.nextInt(n);
            Strand t = pool.get(i);
            pool.set(i, pool.get(n - 1));
            pool.remove(n - 1);
            return t;
        }
    }

    @Override
    Strand poll() {
        return next(null, false);
    }

    @Override
    boolean hasWork() {
        synchronized (pool) {
            return !pool.isEmpty();
        }
    }

    @Override
    boolean hasSurplus(Worker w) {
        return hasWork();
    }

    @Override
    void drain(Worker w) {
    }

    @Override
    int size() {
        synchronized (pool) {
            return pool.size();
        }
    }
}
