package dev.activations.kernel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Linux thread facts from {@code /proc}: a thread's id, its scheduler state and nice value
 * ({@code /proc/self/task/<tid>/stat}), and the monitor's timer slack. Used by the monitor to see
 * a carrier asleep in a call the JVM reports as RUNNABLE (a native read, for example) and by
 * {@link OsPriorities}. On other systems every method answers "unknown".
 *
 * <h2>Cost</h2>
 * A carrier's state is read through a {@link Reader} that keeps the stat file open and re-reads
 * it with a positional read: about 2.5 µs on the reference VM, against 11–28 µs for opening,
 * reading and closing the file each time (measured; the monitor may read it every tick).
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
     * The scheduler state of one thread, read again and again from an open stat file. One reader
     * per thread that reads (the buffer is its own); the file may be closed by any thread, after
     * which {@link #sleeping()} answers false.
     */
    static final class Reader implements AutoCloseable {
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(512);

        private Reader(FileChannel channel) {
            this.channel = channel;
        }

        /** A reader of thread {@code tid} of this process, or null when /proc cannot be read. */
        static Reader open(int tid) {
            if (tid < 0 || !AVAILABLE) {
                return null;
            }
            try {
                return new Reader(FileChannel.open(Path.of("/proc/self/task/" + tid + "/stat"), StandardOpenOption.READ));
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        /**
         * True if the OS reports the thread sleeping ('S') or in uninterruptible wait ('D');
         * false when running, runnable, gone or unknown.
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
                        return state == 'S' || state == 'D';
                    }
                }
                return false;
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing left to release
            }
        }
    }
}
