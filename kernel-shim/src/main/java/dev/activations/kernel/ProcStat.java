package dev.activations.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Linux scheduler state of a carrier thread, read from {@code /proc/self/task/<tid>/stat}.
 * Used by the monitor to see a carrier sleeping in a call the JVM reports as RUNNABLE
 * (a native read, for example). On other systems every method answers "unknown".
 */
final class ProcStat {
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

    /**
     * Sets the calling thread's timer slack (Linux {@code /proc/<tid>/timerslack_ns}, which a
     * thread may write for itself without privileges): how late the OS may fire its timers, so
     * that it can batch wake-ups. The default is 50 µs, as long as the monitor's shortest tick,
     * so every {@code parkNanos(50 µs)} sleeps about 100 µs. Returns false where that is not
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
     * True if the OS reports thread {@code tid} as sleeping ('S') or in uninterruptible
     * wait ('D'); false when running, runnable or unknown.
     */
    static boolean sleeping(int tid) {
        if (tid < 0) {
            return false;
        }
        try {
            byte[] b = Files.readAllBytes(Path.of("/proc/self/task/" + tid + "/stat"));
            String s = new String(b, StandardCharsets.US_ASCII);
            int close = s.lastIndexOf(')'); // the comm field may contain spaces and ')'
            if (close < 0 || close + 2 >= s.length()) {
                return false;
            }
            char state = s.charAt(close + 2);
            return state == 'S' || state == 'D';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
