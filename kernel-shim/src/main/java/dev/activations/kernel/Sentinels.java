package dev.activations.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * Sentinels: one platform thread per CPU the kernel's VPs may use (as many as there are VPs, at
 * most), pinned to its CPU at nice 19 with a 100 µs EEVDF slice, so that Linux runs it when that
 * CPU has nothing else to run. A carrier that blocks in a call nobody bracketed leaves its CPU
 * idle: the sentinel there runs at once, with no OS wake-up, sees the VP holder's CPU time stand
 * still, and wakes the monitor on its own CPU ({@link Monitor#poke}). The monitor then judges the
 * carrier by its usual rule and hands the VP off; a sentinel decides nothing.
 *
 * <h2>Why</h2>
 * The monitor ticks on a timer. On the 2-vCPU reference VM a timer on a halted vCPU fires up to
 * milliseconds late, and the monitor's wake-up may be queued behind a carrier on the busy CPU
 * while the other idles (docs/RESULTS.md, the unannotated hand-off account). A sentinel keeps the
 * idle CPU awake and moves the monitor there. Promises, unannotated, 4 forks each alternating
 * with the code before: detection p99 2 440 -> 1 350 µs, hand-off p99 3 430 -> 1 720 µs, transit
 * p99 1 750 -> 700 µs; the price, steps/s 104 -> 98 (utilization 0.80 -> 0.75), about half of it
 * the spinning alone (sentinels that never poke) and half the earlier ticks. At {@code SCHED_IDLE}
 * instead of nice 19 the detection p99 was 1 650 against 1 120 µs, at the same cost.
 *
 * <h2>When they run</h2>
 * Only while the monitor wants them ({@link #want}, written by the monitor alone): blocking
 * detection on, a VP allocated, the monitor at its fast cadence (a carrier seen asleep within
 * {@link Monitor#QUIET_TICKS} intervals, so compute-only and bracketed workloads never pay), and
 * other processes using less than {@link #OTHERS_BUSY} of the machine ({@link OthersLoad}). Else
 * they park. Spinning costs an idle CPU's power and, while carriers compute, the 1.5 % of a CPU
 * Linux gives nice 19 beside nice 0. The load rule is a safety rule: a thread at nice 19 that
 * the OS preempts while it runs Java code holds up every safepoint until it runs again; JVM
 * threads stop at the safepoint and free the CPU for it, another process's threads do not.
 *
 * <h2>Ordering</h2>
 * {@code wanted} and each sentinel's {@code sleeping} form a Dekker pair: the monitor writes
 * {@code wanted} then reads {@code sleeping} (and unparks); a sentinel writes {@code sleeping}
 * then reads {@code wanted} (and parks). Both volatile, so one of them sees the other's write.
 * A sentinel reads VP holders, their states and CPU times racily: a stale read costs a poke the
 * monitor finds nothing in, or one poke too few (the monitor's own tick still comes).
 *
 * <p>Invariants: a sentinel writes nothing the kernel decides by; after {@link #stop} returns no
 * sentinel thread is alive (or it is reported stuck by the caller).
 */
final class Sentinels {
    /** The sentinels' nice value: Linux's lowest priority short of {@code SCHED_IDLE}. */
    static final int NICE = 19;
    /** Other processes busy on at least this share of the machine's CPUs: sentinels park. */
    static final double OTHERS_BUSY = 0.25;
    /** A holder's CPU time standing still this long makes the first poke (half the default monitor interval). */
    static final long FIRST_POKE_NANOS = 50_000;
    /** How often the monitor measures the other processes' load. */
    static final long LOAD_WINDOW_NANOS = 100_000_000L;

    private final Kernel k;
    private final CpuAffinity affinity;
    private final Watch[] watches;
    private final String description;
    /** Written by the monitor only; see Ordering. */
    private volatile boolean wanted;
    private final OthersLoad others = new OthersLoad();

    private Sentinels(Kernel k, CpuAffinity affinity, int count, String description) {
        this.k = k;
        this.affinity = affinity;
        this.description = description;
        this.watches = new Watch[count];
        for (int i = 0; i < count; i++) {
            watches[i] = new Watch(affinity.cpuFor(i));
        }
    }

    /**
     * Sentinels for kernel {@code k} ({@code k.processors} must be set), or none, with why, when
     * they are not {@code asked} for or cannot work here (no blocking detection, not Linux, no
     * native access). Threads start in {@link #start}.
     */
    static Sentinels open(Kernel k, boolean asked, boolean detection) {
        String why = !asked ? "built with sentinels(false)" : !detection ? "no blocking detection"
                : !System.getProperty("os.name", "?").toLowerCase(Locale.ROOT).contains("linux") ? "not Linux"
                : Native.unavailable();
        CpuAffinity affinity = null;
        if (why == null) {
            try {
                affinity = CpuAffinity.open();
            } catch (RuntimeException e) {
                why = e.getMessage();
            }
        }
        if (why == null && ProcStat.currentTid() < 0) {
            why = "/proc does not show thread ids";
        }
        if (why != null) {
            return new Sentinels(k, null, 0, "no sentinels (" + why + ")");
        }
        int n = Math.min(k.processors.length, affinity.cpuCount());
        return new Sentinels(k, affinity, n, "sentinels on " + n + (n == 1 ? " CPU" : " CPUs"));
    }

    /** "sentinels on 2 CPUs" or "no sentinels (why)", for {@code Kernel.osPriorities()}. */
    String describe() {
        return description;
    }

    int count() {
        return watches.length;
    }

    /** The CPU affinity door, or null without sentinels. */
    CpuAffinity affinity() {
        return affinity;
    }

    /** Starts the threads. Once, in the kernel's constructor. */
    void start() {
        for (int i = 0; i < watches.length; i++) {
            Thread t = new Thread(watches[i], k.name() + "-sentinel-" + i);
            t.setDaemon(true);
            watches[i].thread = t;
            t.start();
        }
    }

    /** Monitor only: whether the sentinels should watch now. Wakes them when it turns true. */
    void want(boolean on) {
        if (on == wanted) {
            return;
        }
        wanted = on;
        if (on) {
            for (Watch w : watches) {
                if (w.sleeping) {
                    LockSupport.unpark(w.thread);
                }
            }
        }
    }

    /**
     * Monitor only, at each tick while it watches: whether other processes leave the machine
     * quiet enough for sentinels (re-measured every {@link #LOAD_WINDOW_NANOS}).
     */
    boolean othersQuiet(long now) {
        return others.quiet(now);
    }

    /** After {@code Kernel.close} set closed: wakes the sentinels and waits up to {@code millis} for each. */
    void stop(long millis) {
        for (Watch w : watches) {
            Thread t = w.thread;
            if (t != null) {
                LockSupport.unpark(t);
                try {
                    t.join(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** The sentinels' Linux tids (-1 for one not running yet), for tests. */
    List<Integer> tids() {
        List<Integer> tids = new ArrayList<>();
        for (Watch w : watches) {
            tids.add(w.tid);
        }
        return tids;
    }

    /** Threads still alive (for close's report and tests). */
    int alive() {
        int n = 0;
        for (Watch w : watches) {
            if (w.thread != null && w.thread.isAlive()) {
                n++;
            }
        }
        return n;
    }

    /** One sentinel: its CPU, its thread, and its view of each VP's holder. */
    private final class Watch implements Runnable {
        private final int cpu;
        volatile Thread thread;
        /** Parked until wanted again; see Ordering. */
        volatile boolean sleeping;
        /** Linux tid, once running: for tests. */
        volatile int tid = -1;
        // the sentinel thread's own
        private final Activation[] holder = new Activation[k.processors.length];
        private final long[] cpuTime = new long[k.processors.length];
        private final long[] since = new long[k.processors.length];
        /** How long the holder must stand still for the next poke: {@link #FIRST_POKE_NANOS}, doubling. */
        private final long[] pokeAt = new long[k.processors.length];

        Watch(int cpu) {
            this.cpu = cpu;
        }

        @Override
        public void run() {
            tid = ProcStat.currentTid();
            if (!affinity.pinCurrent(cpu) || !OsPriorities.setOwnNice(NICE)) {
                return; // not where it is needed, or not below the carriers: of no use
            }
            OsPriorities.setSlice(0, OsPriorities.MIN_SLICE_NANOS); // a hint: without it, 1.4 ms turns
            while (!k.isClosed()) {
                if (!wanted) {
                    sleeping = true;
                    if (!wanted && !k.isClosed()) {
                        LockSupport.park(this);
                    }
                    sleeping = false;
                    Arrays.fill(holder, null);
                    continue;
                }
                scan(System.nanoTime());
                Thread.yield(); // anything else runnable on this CPU runs first
            }
        }

        /**
         * Pokes the monitor for each VP whose holder's CPU time stood still for
         * {@link #FIRST_POKE_NANOS}, and again each time the stall doubles: the monitor suspects
         * a carrier that was off its CPU for half the time since its last look, which at its slow
         * cadence is longer than the first poke.
         */
        private void scan(long now) {
            VirtualProcessor[] vps = k.processors;
            for (int i = 0; i < vps.length; i++) {
                Activation h = vps[i].holder;
                if (h == null || h.state() != Activation.RUNNING || h.inKernelWork || h.sampleMounted() == null) {
                    holder[i] = null;
                    continue;
                }
                long c = Monitor.cpuTime(h);
                if (h != holder[i] || c != cpuTime[i]) {
                    holder[i] = h;
                    cpuTime[i] = c;
                    since[i] = now;
                    pokeAt[i] = FIRST_POKE_NANOS;
                } else if (now - since[i] >= pokeAt[i]) {
                    pokeAt[i] = 2 * pokeAt[i];
                    k.pokeMonitor(cpu);
                }
            }
        }
    }

    /**
     * The share of the machine's CPU time that processes other than this JVM used over the last
     * window, from {@code /proc/stat} (the machine's busy time: user, nice, system, irq and
     * softirq) less {@code /proc/self/stat} (this process's user and system time), both in
     * clock ticks. Unreadable: taken as busy (no sentinels). Monitor thread only.
     */
    private static final class OthersLoad {
        private long windowStart;
        private long machineAtStart = -1;
        private long selfAtStart;
        /** Until the first window is measured: quiet (a busy machine costs at most that window). */
        private boolean quiet = true;

        boolean quiet(long now) {
            if (machineAtStart >= 0 && now - windowStart < LOAD_WINDOW_NANOS) {
                return quiet;
            }
            long[] machine = machineBusy();
            long self = selfBusy();
            if (machine == null || self < 0) {
                machineAtStart = -1;
                return quiet = false;
            }
            if (machineAtStart >= 0) {
                double capacity = (now - windowStart) / 1e9 * TICKS_PER_SECOND * machine[1];
                long othersTicks = (machine[0] - machineAtStart) - (self - selfAtStart);
                quiet = othersTicks < OTHERS_BUSY * capacity;
            }
            windowStart = now;
            machineAtStart = machine[0];
            selfAtStart = self;
            return quiet;
        }

        /** {@code USER_HZ}: 100 on every Linux architecture the JDK runs on. */
        private static final int TICKS_PER_SECOND = 100;

        /** {busy ticks of all CPUs, number of CPUs}, or null. */
        private static long[] machineBusy() {
            try {
                long busy = -1;
                int cpus = 0;
                for (String line : Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.US_ASCII)) {
                    if (line.startsWith("cpu ")) {
                        String[] f = line.trim().split("\\s+"); // cpu user nice system idle iowait irq softirq steal
                        busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3])
                                + Long.parseLong(f[6]) + Long.parseLong(f[7]);
                    } else if (line.startsWith("cpu")) {
                        cpus++;
                    } else if (busy >= 0) {
                        break;
                    }
                }
                return busy < 0 || cpus == 0 ? null : new long[] {busy, cpus};
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        /** This process's user + system ticks, or -1. */
        private static long selfBusy() {
            try {
                String s = Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII);
                String[] f = s.substring(s.lastIndexOf(')') + 2).split(" "); // state is field 3 (index 0)
                return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime: fields 14, 15
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }
    }
}
