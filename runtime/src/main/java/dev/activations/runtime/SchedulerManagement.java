package dev.activations.runtime;

import dev.activations.kernel.SpaceStats;
import dev.activations.kernel.internal.Jmx;
import dev.activations.kernel.internal.SnapshotMBean;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The registry of open schedulers (what {@link ThreadDumps#all()} dumps) and their MBeans.
 *
 * <ul>
 *   <li>{@code dev.activations:type=Scheduler,kernel="<kernel>",name="<scheduler>"}: constants
 *       {@code Name}, {@code Kernel}, {@code Policy}, {@code Priority}; every component of
 *       {@link Scheduler#stats()} and of its space's {@link SpaceStats} as an attribute; the
 *       operation {@code dumpThreads()} (this scheduler's user threads).</li>
 *   <li>{@code dev.activations:type=Runtime}: the operation {@code dumpThreads()} over every
 *       open scheduler; registered with the first scheduler.</li>
 * </ul>
 * A scheduler is added when it is built and removed when it is closed (or its kernel is);
 * {@link Jmx} makes names unique and can turn registration off. Thread-safe.
 */
final class SchedulerManagement {
    private static final Set<Scheduler> OPEN = ConcurrentHashMap.newKeySet();
    /** Set once, by the first scheduler; also the owner key of the runtime bean. */
    private static final AtomicBoolean RUNTIME_BEAN = new AtomicBoolean();

    private SchedulerManagement() {
    }

    /** Called at the end of the scheduler's constructor. */
    static void register(Scheduler s) {
        OPEN.add(s);
        ensureRuntimeBean();
        Map<String, Object> constants = new LinkedHashMap<>();
        constants.put("Name", s.name());
        constants.put("Kernel", s.kernel().name());
        constants.put("Policy", s.policy().name());
        constants.put("Priority", s.priority());
        Jmx.register(s, "Scheduler", s.kernel().name(), s.name(), new SnapshotMBean(Scheduler.class.getName(),
                "Activations user-level scheduler (one address space): threads, ready queues, steals, parks, upcalls",
                constants,
                List.of(new SnapshotMBean.Source<>(SchedulerStats.class, s::stats),
                        new SnapshotMBean.Source<>(SpaceStats.class, s.space()::stats)),
                List.of(new SnapshotMBean.Operation("dumpThreads",
                        "This scheduler's user threads with their stacks, in the format of jcmd Thread.dump_to_file",
                        () -> ThreadDumps.of(s)))));
    }

    /** Called when the scheduler shuts down. Idempotent. */
    static void unregister(Scheduler s) {
        OPEN.remove(s);
        Jmx.unregister(s);
    }

    /** The open schedulers, by kernel name then scheduler name (a snapshot). */
    static List<Scheduler> open() {
        List<Scheduler> out = new ArrayList<>(OPEN);
        out.sort(Comparator.comparing((Scheduler s) -> s.kernel().name()).thenComparing(Scheduler::name));
        return out;
    }

    /** Registers the runtime bean the first time a scheduler is built; it stays for the JVM's life. */
    private static void ensureRuntimeBean() {
        if (RUNTIME_BEAN.get() || !RUNTIME_BEAN.compareAndSet(false, true)) {
            return;
        }
        Jmx.register(RUNTIME_BEAN, "Runtime", null, null, new SnapshotMBean("dev.activations.runtime",
                "Activations runtime: operations over every open scheduler", Map.of(), List.of(),
                List.of(new SnapshotMBean.Operation("dumpThreads",
                        "Every open scheduler's user threads with their stacks, in the format of jcmd Thread.dump_to_file",
                        ThreadDumps::all))));
    }
}
