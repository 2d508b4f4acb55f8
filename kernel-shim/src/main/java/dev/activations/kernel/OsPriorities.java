package dev.activations.kernel;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

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
        MethodHandle set;
        try {
            set = Native.downcall("setpriority", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        } catch (UnsupportedOperationException e) {
            return new OsPriorities(null, 0, "cooperative (" + e.getMessage() + ")");
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

    private boolean set(int tid, int nice) {
        try {
            return (int) setPriority.invokeExact(PRIO_PROCESS, tid, nice) == 0;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("setpriority failed: " + t, t);
        }
    }
}
