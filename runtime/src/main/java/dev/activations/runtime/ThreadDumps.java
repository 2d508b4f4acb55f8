package dev.activations.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Thread dumps of user threads, in the plain-text format of
 * {@code jcmd <pid> Thread.dump_to_file <file>}, so the tools and habits people have for
 * that format work here. A dump looks like this:
 * <pre>
 * 12345
 * 2026-01-05T10:15:30.123456789Z
 * 25.0.3+9-LTS
 *
 * #17 "worker-3" user PARKED 2026-01-05T10:15:30.124000000Z
 *     - scheduler "orders" (kernel "shared", space priority 5), priority 5
 *     at dev.activations.runtime.UserThread.park(UserThread.java:290)
 *     at com.example.Orders.take(Orders.java:42)
 *     ...
 *
 * #18 "worker-4" user RUNNING 2026-01-05T10:15:30.124100000Z
 *     - scheduler "orders" (kernel "shared", space priority 5), priority 5
 *     - mounted on "shared-activation-2" (VP1)
 *     at com.example.Orders.price(Orders.java:77)
 *     ...
 * </pre>
 * As in the JDK's dump: a header (process id, time, Java version), then one block per thread
 * with {@code #<id> "<name>"}, the word {@code user} where the JDK writes {@code virtual},
 * the {@link UserThread.State}, the time the thread was sampled, the frames innermost first,
 * and a blank line. The {@code - } lines give what the JDK format has no place for: the
 * scheduler (address space) and priorities, and the carrier a running thread is mounted on.
 * User thread ids are the runtime's own ({@link UserThread#id()}), not platform thread ids.
 *
 * <h2>How stacks are taken</h2>
 * An unmounted thread (ready or parked) has its stack in its continuation, walked without
 * stopping anything ({@link UserThread#stackTrace()}). A mounted one (running, or blocked in
 * the kernel on its carrier) is sampled from its carrier, keeping the frames above the
 * continuation's entry. Both are racy snapshots: a thread may move between reading its state
 * and walking its stack, in which case its block shows no frames.
 *
 * <p>Also available over JMX: operation {@code dumpThreads()} of
 * {@code dev.activations:type=Scheduler,...} (one scheduler) and of
 * {@code dev.activations:type=Runtime} (all of them).
 */
public final class ThreadDumps {
    private static final String CONTINUATION = "jdk.internal.vm.Continuation";

    private ThreadDumps() {
    }

    /** A dump of the user threads of {@code schedulers}, in the order given. */
    public static String of(Scheduler... schedulers) {
        StringBuilder sb = new StringBuilder();
        try {
            write(sb, Arrays.asList(schedulers));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringBuilder never throws
        }
        return sb.toString();
    }

    /** A dump of the user threads of every open scheduler in this JVM, by kernel then scheduler name. */
    public static String all() {
        return of(SchedulerManagement.open().toArray(Scheduler[]::new));
    }

    /**
     * Writes a dump of the user threads of {@code schedulers} to {@code out}: each scheduler's
     * live threads ({@link Scheduler#threads()}) by id.
     *
     * @throws IOException if {@code out} throws
     */
    public static void write(Appendable out, Collection<Scheduler> schedulers) throws IOException {
        Objects.requireNonNull(out, "out must not be null");
        Objects.requireNonNull(schedulers, "schedulers must not be null");
        out.append(Long.toString(ProcessHandle.current().pid())).append('\n');
        out.append(Instant.now().toString()).append('\n');
        out.append(Runtime.version().toString()).append('\n');
        out.append('\n');
        for (Scheduler s : schedulers) {
            List<UserThread> threads = s.threads();
            threads.sort(Comparator.comparingLong(UserThread::id));
            for (UserThread t : threads) {
                writeThread(out, s, t);
            }
        }
    }

    private static void writeThread(Appendable out, Scheduler s, UserThread t) throws IOException {
        UserThread.State state = t.state();
        Worker w = t.worker;
        boolean mounted = w != null && w.current == t;
        StackTraceElement[] frames = mounted ? carrierFrames(w, t) : t.stackTrace();
        out.append('#').append(Long.toString(t.id())).append(" \"").append(t.name()).append("\" user ")
                .append(state.name()).append(' ').append(Instant.now().toString()).append('\n');
        out.append("    - scheduler \"").append(s.name()).append("\" (kernel \"").append(s.kernel().name())
                .append("\", space priority ").append(Integer.toString(s.priority())).append("), priority ")
                .append(Integer.toString(t.priority())).append('\n');
        if (mounted) {
            out.append("    - mounted on \"").append(w.act.getName()).append("\" (VP").append(Integer.toString(w.vp.id()))
                    .append(w.act.holdsProcessor() ? ")" : ", since handed off)").append('\n');
        }
        for (StackTraceElement f : frames) {
            out.append("    at ").append(f.toString()).append('\n');
        }
        out.append('\n');
    }

    /**
     * The frames of {@code t} while it is mounted on {@code w}'s carrier: the carrier's stack
     * above the continuation's entry. Empty if {@code t} left the carrier meanwhile.
     */
    private static StackTraceElement[] carrierFrames(Worker w, UserThread t) {
        StackTraceElement[] all = w.act.getStackTrace();
        if (w.current != t) {
            return new StackTraceElement[0];
        }
        for (int i = 0; i < all.length; i++) {
            if (CONTINUATION.equals(all[i].getClassName())
                    && (all[i].getMethodName().equals("run") || all[i].getMethodName().startsWith("enter"))) {
                return Arrays.copyOf(all, i);
            }
        }
        return all;
    }
}
