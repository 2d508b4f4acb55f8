package dev.activations.kernel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Linux thread facts from {@code /proc}: a thread's id, its scheduler state and nice value
 * ({@code /proc/self/task/<tid>/stat}), and the monitor's timer slack. Used by the monitor to see
 * a carrier asleep in a call the JVM reports as RUNNABLE (a native read, for example) and by
 * {@link OsPriorities}. On other systems every method answers "unknown".
 *
 * <h2>Cost</h2>
 * A carrier's state is read through a {@link Reader} that keeps the stat file open and re-reads
 * it with a positional read: about 2.5 µs on the reference VM, against 11–28 µs for opening,
 * reading and closing the file each time (measured; the monitor may read it every tick). A thread
 * found asleep costs one more read, of its {@code syscall} file (about 1.7 µs).
 */
final class ProcStat {
    /** A nice value or state that could not be read. */
    static final int UNKNOWN = Integer.MIN_VALUE;
    private static final boolean AVAILABLE = Files.isReadable(Path.of("/proc/thread-self/stat"));

    private ProcStat() {
    }

    /** Linux tid of the calling thread, or -1 when /proc is not there. */
    static int currentTid() {
        if (!AVAILABLE) {
            return -1;
        }
        try {
            Path target = Files.readSymbolicLink(Path.of("/proc/thread-self")); // "<pid>/task/<tid>"
            return Integer.parseInt(target.getFileName().toString());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The nice value of thread {@code tid} of this process, or {@link #UNKNOWN}. */
    static int nice(int tid) {
        if (tid < 0) {
            return UNKNOWN;
        }
        try {
            String s = Files.readString(Path.of("/proc/self/task/" + tid + "/stat"), StandardCharsets.US_ASCII);
            // after "pid (comm)": state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt
            // utime stime cutime cstime priority nice ... (fields 3..19, 1-based)
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(f[16]);
        } catch (IOException | RuntimeException e) {
            return UNKNOWN;
        }
    }

    /**
     * Sets the calling thread's timer slack (Linux {@code /proc/<tid>/timerslack_ns}, which a
     * thread may write for itself without privileges): how late the OS may fire its timers, so
     * that it can batch wake-ups. The default is 50 µs, half of the monitor's tick, so every
     * {@code parkNanos} would sleep up to 50 µs too long. Returns false where that is not
     * possible (not Linux, or /proc refuses); the caller then just sleeps longer.
     */
    static boolean setTimerSlack(long nanos) {
        int tid = currentTid();
        if (tid < 0) {
            return false;
        }
        try {
            Files.writeString(Path.of("/proc/" + tid + "/timerslack_ns"), Long.toString(nanos));
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The {@code futex} system call's number on this architecture (x86-64 202, aarch64 98), or -1
     * where it is not known, in which case a thread asleep in it is taken as asleep like any other.
     */
    static final int FUTEX = switch (System.getProperty("os.arch", "?").toLowerCase(Locale.ROOT)) {
        case "amd64", "x86_64" -> 202;
        case "aarch64" -> 98;
        default -> -1;
    };

    /**
     * The scheduler state of one thread, read again and again from open {@code /proc} files. One
     * reader per thread that reads (the buffers are its own); the files may be closed by any
     * thread, after which {@link #sleeping()} answers false.
     *
     * <h2>Waits of the JVM's own</h2>
     * A thread that Java reports RUNNABLE yet Linux reports asleep is either in a blocking call
     * of its own (a native read, {@code poll}, {@code nanosleep}) or waiting inside the JVM: at a
     * safepoint or handshake, for a thread it starts ({@code Thread.start}), on a lock of the VM
     * or the class loader's native side. The JVM waits in {@code futex}; the JDK's blocking calls
     * that Java reports RUNNABLE (file and socket I/O, {@code Process} pipes) do not, and its
     * own waits on Java locks and parks are reported BLOCKED or WAITING by Java, not here. So a
     * thread asleep in {@code futex} ({@code /proc/<tid>/syscall}, read only when the stat file
     * says S or D) is not taken as asleep: handing its VP off would not help (during a safepoint
     * the new carrier stops too) and, traced in the tests that failed on it, every such hand-off
     * was a carrier spinning through a safepoint or starting a thread. The price: native code of
     * a library that waits on its own pthread lock or condition is not seen; bracket it.
     */
    static final class Reader implements AutoCloseable {
        private final FileChannel channel;
        /** {@link #call}: the thread is on a CPU. */
        static final int ON_CPU = -2;
        /** {@code /proc/<tid>/syscall}, or null where it cannot be read or {@link #FUTEX} is unknown. */
        private final FileChannel syscall;
        private final ByteBuffer buffer = ByteBuffer.allocate(512);

        private Reader(FileChannel channel, FileChannel syscall) {
            this.channel = channel;
            this.syscall = syscall;
        }

        /** A reader of thread {@code tid} of this process, or null when /proc cannot be read. */
        static Reader open(int tid) {
            if (tid < 0 || !AVAILABLE) {
                return null;
            }
            FileChannel stat;
            try {
                stat = FileChannel.open(Path.of("/proc/self/task/" + tid + "/stat"), StandardOpenOption.READ);
            } catch (IOException | RuntimeException e) {
                return null;
            }
            FileChannel call = null;
            if (FUTEX >= 0) {
                try {
                    call = FileChannel.open(Path.of("/proc/self/task/" + tid + "/syscall"), StandardOpenOption.READ);
                } catch (IOException | RuntimeException e) {
                    call = null; // without it, a wait in futex counts as asleep
                }
            }
            return new Reader(stat, call);
        }

        /**
         * True if the OS reports the thread sleeping ('S') or in uninterruptible wait ('D'), other
         * than in {@code futex} where that can be told (see the class comment); false when
         * running, runnable, waiting in futex, gone or unknown.
         */
        boolean sleeping() {
            try {
                buffer.clear();
                int n = channel.read(buffer, 0);
                // the comm field may contain spaces and ')': the state follows the last ')'
                for (int i = n - 1; i > 0; i--) {
                    if (buffer.get(i) == ')') {
                        if (i + 2 >= n) {
                            return false;
                        }
                        byte state = buffer.get(i + 2);
                        return (state == 'S' || state == 'D') && !inFutexOrAwake();
                    }
                }
                return false;
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }

        /**
         * Read right after the stat file said S or D: true if the thread is in the {@code futex}
         * call, or on a CPU again ({@link #ON_CPU}: it woke between the two reads, as a computing
         * thread does leaving a safepoint it waited at in futex; found by {@code ProcStatTest}).
         */
        boolean inFutexOrAwake() throws IOException {
            int call = call();
            return call == FUTEX || call == ON_CPU;
        }

        /**
         * The system call the thread is in: its number (the file starts with it), {@link #ON_CPU}
         * ("running"), or -1 (asleep outside any call: "-1"; or no {@code syscall} file).
         */
        int call() throws IOException {
            if (syscall == null) {
                return -1;
            }
            buffer.clear();
            int n = syscall.read(buffer, 0);
            if (n > 0 && buffer.get(0) == 'r') {
                return ON_CPU;
            }
            int number = 0;
            int i = 0;
            for (; i < n; i++) {
                byte b = buffer.get(i);
                if (b < '0' || b > '9') {
                    break;
                }
                number = number * 10 + (b - '0');
            }
            return i > 0 && i < n && buffer.get(i) == ' ' ? number : -1;
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing left to release
            }
            if (syscall != null) {
                try {
                    syscall.close();
                } catch (IOException e) {
                    // nothing left to release
                }
            }
        }
    }
}
