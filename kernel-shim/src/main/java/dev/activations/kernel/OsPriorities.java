package dev.activations.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Locale;

/**
 * OS priorities that follow the kernel's allocation (Linux): the carriers of a lower-priority
 * space run at a higher {@code nice} value than those of a higher one, so that when the kernel
 * gives a higher space a processor whose lower holder has not yet reached a safepoint, the OS
 * runs the higher space's carrier at once and the lower one only in what is left (see
 * {@link Preemption}, "Displacement").
 *
 * <h2>Levels</h2>
 * A space's <em>level</em> is the number of distinct priorities among the spaces attached to the
 * kernel that are above its own ({@link Planner#relevel}): the top priority is level 0 and runs at
 * the nice value of the thread that built the kernel ({@link #baseNice}), level {@code l} at
 * {@code min(19, base + 10 l)}. Two priorities give nice 0 and 10 (CFS weights 1024 : 110, so a
 * displaced lower carrier gets about a tenth of a CPU it shares with a higher one); a third is
 * at 19. Only the order matters to the kernel; the steps are bounded (never {@code SCHED_IDLE}),
 * so that a displaced carrier still gets CPU time and reaches a JVM safepoint promptly even on
 * a busy machine.
 *
 * <h2>What an unprivileged process may do</h2>
 * Linux lets a thread raise the nice value of any thread of its user, and lower it only with
 * {@code CAP_SYS_NICE}; a new thread inherits its creator's nice value. So a carrier's nice value
 * only ever goes up: the kernel keeps its spare carriers in pools by nice value ({@link Spares}),
 * gives a space a carrier of its own nice value where it can, lets a carrier raise its own value
 * before an upcall of a lower space ({@link #adjust}), and has a carrier that must run below its
 * creator's nice value started by a thread at the base value (the monitor: {@link Spares#start}).
 * A carrier whose value cannot be lowered where a privileged process could runs at its higher
 * value and is counted ({@code KernelStats.osPriorityFailures}).
 *
 * <h2>Fallback</h2>
 * Elsewhere than Linux, without {@code --enable-native-access} for this module, or when the
 * kernel was built with {@code osPriorities(false)}, nothing here calls the OS: every space is at
 * level 0 and preemption is cooperative only (a higher space waits for the lower holder's next
 * safepoint). {@link #describe()} says which mode, and why, for {@code Kernel.toString()}, JMX
 * and the JFR event {@code dev.activations.KernelStarted}; nothing is printed.
 *
 * <h2>The monitor's slice</h2>
 * Separately from nice values, the monitor asks Linux for a short EEVDF slice
 * ({@link #requestSlice}; {@code Kernel.Builder.monitorSlice}, default 100 µs): a thread with a
 * shorter slice gets an earlier virtual deadline, so when it wakes beside CPU-bound carriers of
 * its own nice value the OS preempts one of them for it instead of letting it wait for the end of
 * their slices (Linux 6.12 and later: {@code sched_setattr} with {@code sched_runtime} for a
 * {@code SCHED_OTHER} thread, which needs no privilege). It asks with reset-on-fork, so the
 * carriers it starts get Linux's default slice: without that they inherited the short one (seen in
 * {@code /proc/<tid>/sched}) and competed with the monitor on equal terms. Measured on the 2-core
 * reference VM (Linux 6.18, Promises with unbracketed blocking, 8 forks each, alternating): the
 * monitor's wake-up delay p99 went from 214 µs (390 with the slice inherited by its carriers) to
 * 37 µs (perf sched), the detection p99 of
 * unbracketed blocks from 3.1 to 1.9 ms (mean of the forks' p99s). Only the monitor: short slices
 * for the standbys as well made the bracketed hand-off's tail worse (they yield in a loop, and
 * were preempted more often). On older Linux, other architectures or without native access the
 * monitor keeps the default slice, and {@code Kernel.osPriorities()} says so.
 *
 * <h2>A displacing carrier's slice</h2>
 * Within one priority level (shares, equal priorities) a displacing carrier and the holder it
 * displaces have one nice value, and Linux let the holder finish its protected slice (EEVDF's
 * run-to-parity, up to the default 1.4 ms on 2 CPUs) before it ran the new one. So
 * {@code Preemption} gives the carrier it wakes a short slice ({@link #setSlice},
 * {@code Kernel.Builder.displacementSlice}, default 100 µs) <em>before</em> the wake-up, where
 * Linux decides: a waking thread with a shorter slice than the running one's cancels that
 * protection (6.12+, {@code PREEMPT_SHORT}) and runs at once. The carrier asks for the default
 * again when it goes back to its pool. Measured on the 2-core reference VM (TwoApps, web share 3 :
 * batch share 1, a checkpoint-free batch, 6 forks each, alternating with the commit before): web
 * p99 729 µs (forks 569-1 102) before, 220 µs (62-394) after; batch utilization 0.917 and 0.910.
 * Between levels it helps too (HttpApps, priorities, 3 forks each: web p99 1.23 ms against
 * 0.66 ms).
 *
 * <p>Immutable after {@link #open}; the handles are thread-safe.
 */
final class OsPriorities {
    /** Nice value added per level below the top. */
    static final int NICE_STEP = 10;
    /** The largest nice value Linux has. */
    static final int MAX_NICE = 19;
    private static final int PRIO_PROCESS = 0;

    /** {@code int setpriority(int which, id_t who, int prio)}; null when inactive. */
    private final MethodHandle setPriority;
    private final int baseNice;
    private final String mode;

    private OsPriorities(MethodHandle setPriority, int baseNice, String mode) {
        this.setPriority = setPriority;
        this.baseNice = baseNice;
        this.mode = mode;
    }

    /**
     * Opens OS priorities for a kernel built on the calling thread (whose nice value becomes the
     * top level's), or explains why they are off. Never throws for a missing facility.
     */
    static OsPriorities open(boolean wanted) {
        if (!wanted) {
            return new OsPriorities(null, 0, "cooperative (built with osPriorities(false))");
        }
        String why = Native.unavailable();
        if (why != null) {
            return new OsPriorities(null, 0, "cooperative (" + why + ")");
        }
        int tid = ProcStat.currentTid();
        int base = ProcStat.nice(tid);
        if (tid < 0 || base == ProcStat.UNKNOWN) {
            return new OsPriorities(null, 0, "cooperative (/proc does not show thread nice values)");
        }
        MethodHandle set = NiceDoor.SET;
        if (set == null) {
            return new OsPriorities(null, 0, "cooperative (" + NiceDoor.WHY_NOT + ")");
        }
        StringBuilder levels = new StringBuilder();
        for (int l = 0; l < 3; l++) {
            levels.append(l == 0 ? "" : " / ").append(Math.min(MAX_NICE, base + NICE_STEP * l));
        }
        return new OsPriorities(set, base, "os priorities (nice " + levels + " by level)");
    }

    /** Whether carriers' nice values follow their spaces' levels. */
    boolean active() {
        return setPriority != null;
    }

    /** Nice value of the top level: that of the thread that built the kernel. */
    int baseNice() {
        return baseNice;
    }

    /** Nice value of level {@code level}; the base value when inactive. */
    int niceFor(int level) {
        return active() ? Math.min(MAX_NICE, baseNice + NICE_STEP * level) : baseNice;
    }

    /** "os priorities (nice 0 / 10 / 19 by level)" or "cooperative (why)". */
    String describe() {
        return mode;
    }

    /**
     * Runs on carrier {@code a}, before an upcall for a space whose carriers run at {@code nice}:
     * sets {@code a}'s nice value to it. Raising always succeeds; lowering only with privilege,
     * else {@code a} keeps its value and this returns false (the caller counts it).
     */
    boolean adjust(Activation a, int nice) {
        if (!active() || a.nice == nice || a.tid < 0) {
            return true;
        }
        if (set(a.tid, nice)) {
            a.nice = nice;
            return true;
        }
        return false;
    }

    // ------------------------------------------------------------------ the monitor's slice

    /** Linux's bounds for a custom slice ({@code sched_attr.sched_runtime} of a fair thread). */
    static final long MIN_SLICE_NANOS = 100_000;
    static final long MAX_SLICE_NANOS = 100_000_000;
    /** {@code struct sched_attr} as of Linux 3.14 ({@code SCHED_ATTR_SIZE_VER0}). */
    private static final MemoryLayout SCHED_ATTR = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("size"), ValueLayout.JAVA_INT.withName("sched_policy"),
            ValueLayout.JAVA_LONG.withName("sched_flags"), ValueLayout.JAVA_INT.withName("sched_nice"),
            ValueLayout.JAVA_INT.withName("sched_priority"), ValueLayout.JAVA_LONG.withName("sched_runtime"),
            ValueLayout.JAVA_LONG.withName("sched_deadline"), ValueLayout.JAVA_LONG.withName("sched_period"));
    private static final VarHandle ATTR_SIZE = SCHED_ATTR.varHandle(MemoryLayout.PathElement.groupElement("size"));
    private static final VarHandle ATTR_POLICY = SCHED_ATTR.varHandle(MemoryLayout.PathElement.groupElement("sched_policy"));
    private static final VarHandle ATTR_RUNTIME = SCHED_ATTR.varHandle(MemoryLayout.PathElement.groupElement("sched_runtime"));
    private static final VarHandle ATTR_FLAGS = SCHED_ATTR.varHandle(MemoryLayout.PathElement.groupElement("sched_flags"));
    /**
     * {@code SCHED_FLAG_RESET_ON_FORK}: threads the monitor creates (the carriers it starts) get
     * Linux's default slice, not its own. Without it they inherited the short slice, competed
     * with the monitor on equal terms, and the monitor's wake-ups waited behind them again.
     */
    private static final long SCHED_FLAG_RESET_ON_FORK = 0x01;
    /** {@code SCHED_OTHER} (Linux's {@code SCHED_NORMAL}). */
    private static final int SCHED_OTHER = 0;

    /**
     * Runs on the thread that wants it (the monitor): asks Linux to run the calling thread with an
     * EEVDF slice of {@code nanos} ({@link #MIN_SLICE_NANOS} to {@link #MAX_SLICE_NANOS}; 0 leaves
     * the default), keeping its policy and nice value, and reads it back. Returns what happened,
     * for {@code Kernel.osPriorities()}: "monitor slice 100 µs", or "monitor slice: Linux default
     * (why)". Never throws for a missing facility.
     */
    static String requestSlice(long nanos) {
        if (nanos == 0) {
            return "monitor slice: Linux default (built with monitorSlice(0))";
        }
        String why = Native.unavailable();
        if (why == null) {
            try {
                why = trySlice(nanos);
            } catch (RuntimeException e) { // never kill the monitor over a hint to the OS
                why = "sched_setattr failed: " + e;
            }
        }
        if (why != null) {
            return "monitor slice: Linux default (" + why + ")";
        }
        return "monitor slice " + describeSlice(nanos);
    }

    /** "100 µs", "2 ms". */
    static String describeSlice(long nanos) {
        return nanos % 1_000_000 == 0 ? nanos / 1_000_000 + " ms" : nanos / 1_000 + " µs";
    }

    /** Null when the calling thread now has slice {@code nanos}; otherwise why not. */
    private static String trySlice(long nanos) {
        SchedAttr sa;
        try {
            sa = new SchedAttr();
        } catch (UnsupportedOperationException e) {
            return e.getMessage();
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(SCHED_ATTR);
            if (!sa.get(0, attr)) { // 0: the calling thread
                return "sched_getattr failed";
            }
            if ((int) ATTR_POLICY.get(attr, 0L) != SCHED_OTHER) {
                return "the thread is not SCHED_OTHER";
            }
            ATTR_SIZE.set(attr, 0L, (int) SCHED_ATTR.byteSize());
            ATTR_RUNTIME.set(attr, 0L, nanos); // policy and nice as read: only the slice changes
            ATTR_FLAGS.set(attr, 0L, SCHED_FLAG_RESET_ON_FORK);
            if (!sa.set(0, attr)) {
                return "sched_setattr refused a slice";
            }
            if (slice(sa, 0, arena) != nanos) {
                return "this Linux has no custom slices for SCHED_OTHER (6.12 and later have)";
            }
            return null;
        }
    }

    /** The {@link SchedAttr} for {@link #setSlice}, built once: building the downcall handle costs far more than a call. */
    private static final class SliceDoor {
        static final SchedAttr SA;
        /** Null when {@link #SA} can set slices; otherwise why not. */
        static final String WHY_NOT;

        static {
            SchedAttr sa = null;
            String why = Native.unavailable();
            if (why == null) {
                try {
                    sa = new SchedAttr();
                    if (slice(sa, 0, Arena.ofAuto()) <= 0) { // Linux reports 0 (or nothing) before 6.12
                        why = "this Linux has no custom slices for SCHED_OTHER (6.12 and later have)";
                        sa = null;
                    }
                } catch (UnsupportedOperationException | IllegalStateException e) {
                    why = e.getMessage();
                    sa = null;
                }
            }
            SA = sa;
            WHY_NOT = why;
        }
    }

    /** Null when {@link #setSlice} can work here; otherwise why not, for {@code Kernel.osPriorities()}. */
    static String slicesUnavailable() {
        return SliceDoor.WHY_NOT;
    }

    /**
     * Sets the EEVDF slice of thread {@code tid} of this process (0: the calling thread) to
     * {@code nanos} ({@link #MIN_SLICE_NANOS} to {@link #MAX_SLICE_NANOS}, or 0 for Linux's
     * default), keeping its policy and nice value (read first: {@code sched_setattr} sets all of
     * them). False where it cannot ({@link #slicesUnavailable}, or Linux refused). For a displacing
     * carrier ({@code Preemption}): called on a parked thread, whose nice value does not change
     * between the read and the write, or on the calling thread itself.
     */
    static boolean setSlice(int tid, long nanos) {
        SchedAttr sa = SliceDoor.SA;
        if (sa == null || tid < 0) {
            return false;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(SCHED_ATTR);
            if (!sa.get(tid, attr) || (int) ATTR_POLICY.get(attr, 0L) != SCHED_OTHER) {
                return false;
            }
            ATTR_SIZE.set(attr, 0L, (int) SCHED_ATTR.byteSize());
            ATTR_RUNTIME.set(attr, 0L, nanos);
            ATTR_FLAGS.set(attr, 0L, 0L);
            return sa.set(tid, attr);
        } catch (RuntimeException e) { // a hint to the OS: never fail a displacement over it
            return false;
        }
    }

    /**
     * The EEVDF slice of thread {@code tid} of this process, ns, as Linux reports it (0 where it
     * reports none: before 6.12), or -1 when it cannot be read. For tests and diagnostics.
     */
    static long sliceOf(int tid) {
        if (tid < 0 || Native.unavailable() != null) {
            return -1;
        }
        try (Arena arena = Arena.ofConfined()) {
            return slice(new SchedAttr(), tid, arena);
        } catch (UnsupportedOperationException e) {
            return -1;
        }
    }

    private static long slice(SchedAttr sa, int tid, Arena arena) {
        MemorySegment attr = arena.allocate(SCHED_ATTR);
        return sa.get(tid, attr) ? (long) ATTR_RUNTIME.get(attr, 0L) : -1;
    }

    /** {@code sched_getattr} and {@code sched_setattr} through {@code syscall(2)}: the C library may not wrap them. */
    private static final class SchedAttr {
        private final long setNumber;
        private final long getNumber;
        /** {@code long syscall(long number, ...)}, called with four further arguments. */
        private final MethodHandle syscall;

        /** @throws UnsupportedOperationException on an architecture without known numbers, or no syscall(2) */
        SchedAttr() {
            String arch = System.getProperty("os.arch", "?").toLowerCase(Locale.ROOT);
            switch (arch) {
                case "amd64", "x86_64" -> {
                    setNumber = 314;
                    getNumber = 315;
                }
                case "aarch64" -> {
                    setNumber = 274;
                    getNumber = 275;
                }
                default -> throw new UnsupportedOperationException("no sched_setattr number known for " + arch);
            }
            syscall = Native.downcall("syscall", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
                    Linker.Option.firstVariadicArg(1));
        }

        /** {@code sched_getattr(tid, attr, sizeof attr, 0) == 0}. */
        boolean get(int tid, MemorySegment attr) {
            return call(getNumber, tid, attr, SCHED_ATTR.byteSize());
        }

        /** {@code sched_setattr(tid, attr, 0) == 0}. */
        boolean set(int tid, MemorySegment attr) {
            return call(setNumber, tid, attr, 0);
        }

        private boolean call(long number, int tid, MemorySegment attr, long third) {
            try {
                return (long) syscall.invokeExact(number, (long) tid, attr, third, 0L) == 0;
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException("syscall " + number + " failed: " + t, t);
            }
        }
    }

    /**
     * {@code setpriority}, looked up once (with native access on Linux), shared by the kernel's
     * OS priorities and its sentinels ({@link #setOwnNice}).
     */
    private static final class NiceDoor {
        static final MethodHandle SET;
        static final String WHY_NOT;

        static {
            MethodHandle set = null;
            String why = Native.unavailable();
            if (why == null) {
                try {
                    set = Native.downcall("setpriority", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
                } catch (UnsupportedOperationException e) {
                    why = e.getMessage();
                }
            }
            SET = set;
            WHY_NOT = why;
        }
    }

    /** Sets the calling thread's nice value, whether or not OS priorities are active; false where it cannot. */
    static boolean setOwnNice(int nice) {
        MethodHandle set = NiceDoor.SET;
        try {
            return set != null && (int) set.invokeExact(PRIO_PROCESS, 0, nice) == 0;
        } catch (Throwable t) {
            return false;
        }
    }

    /** Sets thread {@code tid}'s nice value; false where the OS refuses (lowering without privilege). Only when active. */
    boolean set(int tid, int nice) {
        try {
            return (int) setPriority.invokeExact(PRIO_PROCESS, tid, nice) == 0;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("setpriority failed: " + t, t);
        }
    }
}
