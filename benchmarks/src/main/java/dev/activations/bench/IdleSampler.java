package dev.activations.bench;

import dev.activations.kernel.Kernel;
import dev.activations.kernel.ProcessorActivity;
import dev.activations.runtime.Scheduler;

import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures the paper's second promise, "no processor idles while its address space has a ready
 * thread", by sampling: a platform thread of its own wakes at random instants and reads, racily
 * and without a lock, what each processor of one kernel is doing ({@link ProcessorActivity#of})
 * and how many threads wait in one scheduler's ready queues ({@link Scheduler#readyThreads()}).
 *
 * <h2>What a sample counts</h2>
 * Per wake-up, for each processor: its activity, and whether the scheduler had a ready thread at
 * that instant. The figure of merit, {@link Counts#idleWithWork}, is the fraction of processor
 * samples that were {@code IDLE}, {@code IN_TRANSIT} or {@code FREE} (idle, or held by no
 * activation that runs a thread) while a thread was ready; {@link Counts#wasted} counts at most as
 * many such processors per instant as there were ready threads (a second idle processor with one
 * thread ready is not waiting for anything). {@code IN_KERNEL} (a carrier inside a bracketed call,
 * kept on purpose for up to {@code blockedAfter}) and {@code SUSPECTED} (a carrier the monitor
 * already suspects of blocking unbracketed) are counted apart: they are processors lost to a
 * blocked carrier, not idle ones.
 *
 * <h2>Resolution, and what it cannot see</h2>
 * Wake-ups are spaced uniformly at random between half and one and a half times the mean
 * interval, so they do not lock onto the kernel's monitor tick or the workload's period; each
 * fraction is then an unbiased estimate whose standard error is about
 * {@code sqrt(f (1 - f) / n)} for {@code n} processor samples (2 000 wake-ups a second on 2
 * processors give n = 4 000 per second: f = 1 % is known to +-0.16 % after a second, +-0.05 % after
 * ten). The readings are racy: the ready count and the processors' states are read a few hundred
 * nanoseconds apart, so a thread dispatched in between shows as "ready beside an idle
 * processor"; episodes shorter than that are noise, not a bias that grows with the episode. A
 * carrier that blocked in an unbracketed call since the monitor's last sample still reads as
 * {@code RUNNING}: that time belongs to the hand-off latency ({@code HandOffStats.unbracketed}),
 * not here. The sampler needs a CPU itself (a wake-up costs some microseconds of an otherwise busy
 * core): compare utilization with a long {@code meanNanos} to see its cost.
 *
 * <h2>Ownership</h2>
 * The counters are written by the sampler thread only, as plain fields under {@code this}'s
 * monitor (uncontended: a reader takes it once per {@link #counts()}), so a snapshot is
 * consistent.
 */
final class IdleSampler implements AutoCloseable {
    private static final ProcessorActivity[] ACTIVITIES = ProcessorActivity.values();

    private final Kernel kernel;
    private final Scheduler scheduler;
    private final long meanNanos;
    private final Thread thread;
    private volatile boolean stop;

    // --- guarded by this; written by the sampler thread ---
    private final long[] all = new long[ACTIVITIES.length];
    private final long[] withWork = new long[ACTIVITIES.length];
    private long instants;
    private long instantsWithWork;
    private long wasted;

    /** Starts sampling {@code kernel}'s processors and {@code scheduler}'s ready queues every {@code meanNanos} on average. */
    IdleSampler(Kernel kernel, Scheduler scheduler, long meanNanos) {
        if (meanNanos < 2) {
            throw new IllegalArgumentException("meanNanos must be >= 2, was " + meanNanos);
        }
        this.kernel = kernel;
        this.scheduler = scheduler;
        this.meanNanos = meanNanos;
        this.thread = Thread.ofPlatform().daemon(true).name("idle-sampler").start(this::run);
    }

    private void run() {
        SplittableRandom random = new SplittableRandom(42);
        int processors = kernel.processors();
        ProcessorActivity[] now = new ProcessorActivity[processors];
        while (!stop) {
            LockSupport.parkNanos(meanNanos / 2 + random.nextLong(meanNanos));
            int ready = scheduler.readyThreads();
            int idle = 0;
            for (int vp = 0; vp < processors; vp++) {
                now[vp] = ProcessorActivity.of(kernel, vp);
                if (isIdle(now[vp])) {
                    idle++;
                }
            }
            synchronized (this) {
                instants++;
                for (ProcessorActivity a : now) {
                    all[a.ordinal()]++;
                    if (ready > 0) {
                        withWork[a.ordinal()]++;
                    }
                }
                if (ready > 0) {
                    instantsWithWork++;
                    wasted += Math.min(idle, ready);
                }
            }
        }
    }

    private static boolean isIdle(ProcessorActivity a) {
        return a == ProcessorActivity.IDLE || a == ProcessorActivity.IN_TRANSIT || a == ProcessorActivity.FREE;
    }

    /** The counts so far. */
    synchronized Counts counts() {
        return new Counts(kernel.processors(), instants, instantsWithWork, wasted, all.clone(), withWork.clone());
    }

    /** Stops the sampler thread and waits for it. */
    @Override
    public void close() throws InterruptedException {
        stop = true;
        LockSupport.unpark(thread);
        thread.join();
    }

    /**
     * Sample counts: {@code all[a]}/{@code withWork[a]} are processor samples in activity
     * {@code a} (by ordinal), at any instant / at instants when a thread was ready.
     */
    record Counts(int processors, long instants, long instantsWithWork, long wasted, long[] all, long[] withWork) {

        /** Counts between {@code earlier} and this. */
        Counts minus(Counts earlier) {
            long[] a = all.clone();
            long[] w = withWork.clone();
            for (int i = 0; i < a.length; i++) {
                a[i] -= earlier.all[i];
                w[i] -= earlier.withWork[i];
            }
            return new Counts(processors, instants - earlier.instants, instantsWithWork - earlier.instantsWithWork,
                    wasted - earlier.wasted, a, w);
        }

        /** Processor samples taken. */
        long processorSamples() {
            return instants * processors;
        }

        /** Fraction of processor samples in {@code a} while a thread was ready; NaN without samples. */
        double withWork(ProcessorActivity a) {
            return fraction(withWork[a.ordinal()]);
        }

        /** Fraction of processor samples in {@code a}, ready thread or not. */
        double all(ProcessorActivity a) {
            return fraction(all[a.ordinal()]);
        }

        /** The promise's figure: idle, in transit or free while a thread was ready. */
        double idleWithWork() {
            return withWork(ProcessorActivity.IDLE) + withWork(ProcessorActivity.IN_TRANSIT)
                    + withWork(ProcessorActivity.FREE);
        }

        /** As {@link #idleWithWork}, counting per instant no more idle processors than ready threads. */
        double wastedFraction() {
            return fraction(wasted);
        }

        /** Fraction of instants at which a thread was ready. */
        double readyFraction() {
            return instants == 0 ? Double.NaN : (double) instantsWithWork / instants;
        }

        private double fraction(long n) {
            long total = processorSamples();
            return total == 0 ? Double.NaN : (double) n / total;
        }
    }
}
