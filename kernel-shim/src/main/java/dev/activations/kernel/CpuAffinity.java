package dev.activations.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;
import java.util.Locale;

/**
 * Pins carrier threads to CPUs with Linux {@code sched_setaffinity(2)}, called through the
 * Foreign Function and Memory API (no native code is built). Used by kernels built with
 * {@link Kernel.Builder#pinCarriers(boolean) pinCarriers(true)}: VP {@code i} runs on the
 * {@code i}-th CPU this process may use (modulo their number), so a VP <em>is</em> a processor,
 * as the paper assumes, and Linux cannot leave a VP's carrier waiting on one core's run queue
 * while another core idles. Also used by {@link Sentinels} (each pinned to its CPU, and the monitor
 * moved to the CPU of the sentinel that woke it), whatever {@code pinCarriers} says.
 *
 * <p>Immutable after {@link #open}: the allowed CPUs are read once. An affinity is a placement
 * hint, never a correctness property: a call that fails (a CPU taken away from the process's
 * cpuset since, a thread that already exited) returns false and the carrier runs where Linux
 * puts it.
 */
final class CpuAffinity {
    /** {@code sizeof(cpu_set_t)} in glibc: 1024 CPUs. */
    private static final int MASK_BYTES = 128;
    /** Thread id 0: the calling thread. */
    private static final int SELF = 0;
    /** What every refusal of {@link #open} tells the user to do instead. */
    private static final String INSTEAD = " (or build the kernel with pinCarriers(false))";

    private final MethodHandle setAffinity;
    /** CPUs this process may run on at {@link #open}, ascending. Never empty. */
    private final int[] allowed;

    private CpuAffinity(MethodHandle setAffinity, int[] allowed) {
        this.setAffinity = setAffinity;
        this.allowed = allowed;
    }

    /**
     * Looks up {@code sched_setaffinity} and reads the calling thread's allowed CPUs.
     *
     * @throws UnsupportedOperationException not on Linux, or the C library lacks the call
     * @throws IllegalStateException native access is not enabled for this module
     */
    static CpuAffinity open() {
        String os = System.getProperty("os.name", "?");
        if (!os.toLowerCase(Locale.ROOT).contains("linux")) {
            throw new UnsupportedOperationException("pinCarriers(true) needs Linux sched_setaffinity; this is " + os + INSTEAD);
        }
        String why = Native.unavailable();
        if (why != null) {
            throw new IllegalStateException("pinCarriers(true) calls sched_setaffinity through the FFM API, but " + why + INSTEAD);
        }
        // int sched_[gs]etaffinity(pid_t pid, size_t cpusetsize, cpu_set_t *mask)
        FunctionDescriptor fd = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                ValueLayout.JAVA_LONG, ValueLayout.ADDRESS);
        MethodHandle set = downcall("sched_setaffinity", fd);
        MethodHandle get = downcall("sched_getaffinity", fd);
        int[] allowed;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(MASK_BYTES);
            int rc = (int) get.invokeExact(SELF, (long) MASK_BYTES, mask);
            if (rc != 0) {
                throw new UnsupportedOperationException("sched_getaffinity failed (rc " + rc + ")" + INSTEAD);
            }
            allowed = cpus(mask);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("sched_getaffinity failed: " + t, t);
        }
        if (allowed.length == 0) {
            throw new UnsupportedOperationException("sched_getaffinity reported no CPU" + INSTEAD);
        }
        return new CpuAffinity(set, allowed);
    }

    private static MethodHandle downcall(String name, FunctionDescriptor fd) {
        try {
            return Native.downcall(name, fd);
        } catch (UnsupportedOperationException e) {
            throw new UnsupportedOperationException(e.getMessage() + INSTEAD, e);
        }
    }

    private static int[] cpus(MemorySegment mask) {
        int[] found = new int[MASK_BYTES * 8];
        int n = 0;
        for (int cpu = 0; cpu < MASK_BYTES * 8; cpu++) {
            if ((mask.get(ValueLayout.JAVA_BYTE, cpu / 8) & (1 << (cpu % 8))) != 0) {
                found[n++] = cpu;
            }
        }
        return Arrays.copyOf(found, n);
    }

    /** How many CPUs this process may run on. */
    int cpuCount() {
        return allowed.length;
    }

    /** The CPU VP {@code vp} runs on: the {@code vp}-th allowed CPU, wrapping around. */
    int cpuFor(int vp) {
        return allowed[vp % allowed.length];
    }

    /** Pins the calling thread to {@code cpu}. False if Linux refused. */
    boolean pinCurrent(int cpu) {
        return apply(SELF, new int[] {cpu});
    }

    /** Pins thread {@code tid} (of this process) to {@code cpu}. False if Linux refused or tid is unknown (<= 0). */
    boolean pin(int tid, int cpu) {
        return tid > SELF && apply(tid, new int[] {cpu});
    }

    /** Lets thread {@code tid} run on every allowed CPU again. False if Linux refused or tid is unknown (<= 0). */
    boolean release(int tid) {
        return tid > SELF && apply(tid, allowed);
    }

    private boolean apply(int tid, int[] cpus) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(MASK_BYTES); // zeroed
            for (int cpu : cpus) {
                int i = cpu / 8;
                mask.set(ValueLayout.JAVA_BYTE, i, (byte) (mask.get(ValueLayout.JAVA_BYTE, i) | (1 << (cpu % 8))));
            }
            return (int) setAffinity.invokeExact(tid, (long) MASK_BYTES, mask) == 0;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("sched_setaffinity failed: " + t, t);
        }
    }
}
