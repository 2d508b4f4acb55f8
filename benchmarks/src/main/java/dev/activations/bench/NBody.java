package dev.activations.bench;

import java.util.SplittableRandom;
import java.util.concurrent.locks.Lock;

/**
 * An N-body simulation shaped like the paper's test application: each time step computes the
 * force on every body from all the others in parallel chunks (O(n²), no allocation) and folds
 * each body's result into a shared total inside a short critical section; then one thread
 * advances the positions. Every run does the same work, so runs can be timed and compared.
 *
 * <p>The arrays are written only by the chunk that owns the index, or by the stepping thread
 * between phases (after it has joined every chunk). {@link #momentum} is guarded by {@link #lock}.
 */
final class NBody {
    private static final double SOFTENING = 1e-3;
    private static final double DT = 1e-3;

    private final int n;
    private final double[] x;
    private final double[] y;
    private final double[] z;
    private final double[] vx;
    private final double[] vy;
    private final double[] vz;
    private final double[] ax;
    private final double[] ay;
    private final double[] az;
    private final double[] mass;
    private final Lock lock;
    /** lock: the sum of |m·a| over the last force phase, a check that every body was visited. */
    private double momentum;

    NBody(int n, Lock lock) {
        this.n = n;
        this.lock = lock;
        x = new double[n];
        y = new double[n];
        z = new double[n];
        vx = new double[n];
        vy = new double[n];
        vz = new double[n];
        ax = new double[n];
        ay = new double[n];
        az = new double[n];
        mass = new double[n];
        reset();
    }

    /** Puts every body back where it started. Not concurrent with anything. */
    void reset() {
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < n; i++) {
            x[i] = r.nextDouble(-1, 1);
            y[i] = r.nextDouble(-1, 1);
            z[i] = r.nextDouble(-1, 1);
            vx[i] = vy[i] = vz[i] = 0;
            mass[i] = r.nextDouble(0.5, 1.5);
        }
    }

    /**
     * Runs the simulation for {@code steps} time steps on the calling thread of {@code kind},
     * forking {@code chunks} threads of the same kind per force phase.
     *
     * @return the momentum total of the last step (to consume)
     */
    double simulate(Kind kind, int steps, int chunks) {
        Strand[] parts = new Strand[chunks];
        for (int s = 0; s < steps; s++) {
            momentum = 0;
            for (int c = 0; c < chunks; c++) {
                int lo = (int) ((long) n * c / chunks);
                int hi = (int) ((long) n * (c + 1) / chunks);
                parts[c] = kind.start(() -> forces(lo, hi));
            }
            for (int c = chunks - 1; c >= 0; c--) { // newest first: the fork/join idiom, a pop for ForkJoinPool
                parts[c].join();
            }
            advance();
        }
        lock.lock();
        try {
            return momentum;
        } finally {
            lock.unlock();
        }
    }

    /** The force phase for bodies {@code [lo, hi)}: one chunk thread. */
    private void forces(int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            double xi = x[i];
            double yi = y[i];
            double zi = z[i];
            double fx = 0;
            double fy = 0;
            double fz = 0;
            for (int j = 0; j < n; j++) {
                double dx = x[j] - xi;
                double dy = y[j] - yi;
                double dz = z[j] - zi;
                double d2 = dx * dx + dy * dy + dz * dz + SOFTENING;
                double inv = mass[j] / (d2 * Math.sqrt(d2));
                fx += dx * inv;
                fy += dy * inv;
                fz += dz * inv;
            }
            ax[i] = fx;
            ay[i] = fy;
            az[i] = fz;
            double p = mass[i] * Math.sqrt(fx * fx + fy * fy + fz * fz);
            lock.lock();
            try {
                momentum += p;
            } finally {
                lock.unlock();
            }
        }
    }

    /** Moves every body one step. Runs on the stepping thread between force phases. */
    private void advance() {
        for (int i = 0; i < n; i++) {
            vx[i] += ax[i] * DT;
            vy[i] += ay[i] * DT;
            vz[i] += az[i] * DT;
            x[i] += vx[i] * DT;
            y[i] += vy[i] * DT;
            z[i] += vz[i] * DT;
        }
    }
}
