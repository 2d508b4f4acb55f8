package dev.activations.bench.paper;

import dev.activations.bench.PriorityLatency;
import dev.activations.bench.Promises;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The paper job's experiment {@code promises}: the three promises of scheduler activations. The
 * first two are measured by {@link Promises} under BlockingMix's workload from the kernel's and
 * the scheduler's own timestamps and state; the third by {@link PriorityLatency}.
 * <ul>
 *   <li>Hand-off latency: a carrier blocking to its processor running another thread, bracketed
 *       (target p99 &lt;= {@code blockedAfter} + 100 µs: a standby spare takes the processor at
 *       {@code blockedAfter}) and unbracketed (target p50 &lt;= 150 µs, p99 &lt;= 300 µs), at the
 *       kernel's defaults ({@code blockedAfter} and {@code monitorInterval} 100 µs).</li>
 *   <li>The return path: the thread that blocked stopping to its running again, in the mix
 *       (mostly a wait behind ready threads) and with one thread per processor (the mechanism
 *       alone).</li>
 *   <li>Idle with ready work: processor time idle, in transit or free while a thread was ready
 *       (target &lt; 1 %), with the time a processor is kept by a carrier inside its bracket
 *       beside it.</li>
 *   <li>Priority latency: a high-priority thread becoming ready while low-priority threads
 *       hold every processor, with and without checkpoints in the low threads, to its running
 *       (target p99 &lt;= 100 µs: the kernel displaces a low carrier through OS priorities), beside
 *       two {@code ForkJoinPool}s of different thread priorities, the nearest JDK alternative.</li>
 * </ul>
 * Kept out of {@link Paper} but for one call, so that experiments added there merge easily.
 */
final class PromisesExperiment {
    /** One measured configuration of {@link Promises}; {@code tag} labels it in the charts. */
    private record Config(String label, String tag, Measurement m) {
        double get(String secondary) {
            return m == null ? Double.NaN : m.secondary().getOrDefault(secondary, Double.NaN);
        }
    }

    private PromisesExperiment() {
    }

    static Section run(Jmh jmh, Profile profile, Path out, Targets targets) throws Exception {
        String[] impls = {"activations", "userthread"};
        String[] oneImpl = profile == Profile.FULL ? impls : new String[] {"activations"};
        List<Measurement> defaults = jmh.run(new Jmh.Run(Promises.class).param("impl", impls)
                .param("blocking", Promises.BRACKETED, Promises.UNBRACKETED).slow());
        List<Measurement> alone = jmh.run(new Jmh.Run(Promises.class).param("impl", oneImpl)
                .param("blocking", Promises.BRACKETED).param("threadsPerProcessor", "1").slow());

        List<Config> configs = new ArrayList<>();
        for (String impl : impls) {
            configs.add(new Config(kind(impl) + ", bracketed", tag(impl) + " bracketed",
                    find(defaults, impl, Promises.BRACKETED)));
            configs.add(new Config(kind(impl) + ", unbracketed", tag(impl) + " unbracketed",
                    find(defaults, impl, Promises.UNBRACKETED)));
        }
        List<Config> returnOnly = new ArrayList<>();
        for (String impl : oneImpl) {
            returnOnly.add(new Config(kind(impl) + ", bracketed, 1 thread per processor", tag(impl) + " alone",
                    find(alone, impl, Promises.BRACKETED)));
        }

        Section s = new Section("The promises: hand-off latency, idle processors and priority latency",
                "BlockingMix's workload (six threads per core, ~20 ms of computation then a 10 ms named-pipe read; "
                        + "carriers pinned), timed by the kernel and the scheduler themselves (Kernel.handOffStats, "
                        + "HandOffClock) and sampled at random instants about every 500 µs (IdleSampler); the kernel's "
                        + "defaults (blockedAfter and monitorInterval 100 µs). Hand-off: from the carrier blocking "
                        + "(bracketed: enterKernel; unbracketed: the monitor's estimate from the carrier's CPU time) to "
                        + "its processor's new activation dispatching another thread; detection: to the hand-off; "
                        + "transit: from the hand-off to that dispatch; wake-up: its first part, until the new carrier "
                        + "starts its upcall (about zero when a standby spare took the processor). Return: from the "
                        + "blocked thread stopping on its returned "
                        + "carrier to its next dispatch. Percentiles per iteration (upper ends of 1 % buckets), "
                        + "averaged over iterations.");
        Table latency = new Table("Hand-off latency (µs)", "configuration", "p50", "p99", "max", "detection p50",
                "transit p50", "transit p99", "wake-up p50", "wake-up p99", "hand-offs/s", "utilization");
        for (Config c : configs) {
            latency.row(c.label, c.get("handOffP50Us"), c.get("handOffP99Us"), c.get("handOffMaxUs"),
                    c.get("detectionP50Us"), c.get("transitP50Us"), c.get("transitP99Us"), c.get("wakeUpP50Us"),
                    c.get("wakeUpP99Us"), c.get("handOffs"), c.get("utilization"));
        }
        s.tables.add(latency);
        Table back = new Table("Return path: thread stopped after its call returned, to running again (µs)",
                "configuration", "p50", "p99", "max");
        for (Config c : configs.subList(0, 2 * impls.length)) {
            back.row(c.label, c.get("returnP50Us"), c.get("returnP99Us"), c.get("returnMaxUs"));
        }
        for (Config c : returnOnly) {
            back.row(c.label, c.get("returnP50Us"), c.get("returnP99Us"), c.get("returnMaxUs"));
        }
        s.tables.add(back);
        Table idle = new Table("Processor time while a thread was ready (% of processor samples)", "configuration",
                "idle, in transit or free", "of which in transit", "one per ready thread", "held in a bracket",
                "suspected blocked", "ready at all (% of instants)");
        for (Config c : configs) {
            idle.row(c.label, c.get("idleWithWorkPct"), c.get("transitWithWorkPct"), c.get("wastedPct"),
                    c.get("inKernelWithWorkPct"), c.get("suspectedWithWorkPct"), c.get("readyPct"));
        }
        s.tables.add(idle);

        List<String> categories = new ArrayList<>();
        double[] p50 = new double[configs.size()];
        double[] p99 = new double[configs.size()];
        Map<String, Double> idleChart = new LinkedHashMap<>();
        for (int i = 0; i < configs.size(); i++) {
            Config c = configs.get(i);
            categories.add(c.tag);
            p50[i] = c.get("handOffP50Us");
            p99[i] = c.get("handOffP99Us");
            idleChart.put(categories.get(i), c.get("idleWithWorkPct"));
        }
        Map<String, double[]> latencyChart = new LinkedHashMap<>();
        latencyChart.put("p50", p50);
        latencyChart.put("p99", p99);
        s.chart("promises-handoff.png", "Hand-off latency, p50 and p99 (µs, log scale); targets: p99 ≤ 200 µs "
                + "bracketed (blockedAfter + 100 µs), ≤ 300 µs unbracketed. J: Java threads, U: user threads",
                () -> Charts.bars(out.resolve("promises-handoff.png"),
                "Carrier blocked to its processor running another thread (log scale)", "µs", true, categories,
                latencyChart));
        s.chart("promises-idle.png", "Processor time idle, in transit or free while a thread was ready (%); "
                + "target < 1 %. Labels as above",
                () -> Charts.bars(out.resolve("promises-idle.png"), "Idle processors while work was ready",
                        "% of processor time", false, idleChart));

        s.notes.add("A blocked carrier keeps its processor for blockedAfter (100 µs by default) on purpose: a call "
                + "that returns sooner then costs no hand-off. Bracketed, a standby spare woken at enterKernel runs "
                + "beside the carrier (yielding to it while it runs) and takes the processor itself at that instant, "
                + "with no OS wake-up after the decision. Unbracketed, the monitor reads each running carrier's CPU "
                + "time every monitorInterval; a carrier that stood still for half the interval and sleeps (Java "
                + "thread state or /proc) is suspected from the estimated start of its sleep, a standby is armed, and "
                + "the processor moves once it has slept blockedAfter. While carriers block so, the kernel's sentinels "
                + "(one nice-19 thread pinned per CPU, running only when that CPU has nothing else to run) wake the "
                + "monitor on the CPU a carrier just left idle, instead of waiting for its timer.");
        s.notes.add("With six threads per core the ready queues always hold work, so a returning thread waits behind the "
                + "threads ahead of it (FIFO): the return path there is that wait. One thread per processor leaves "
                + "the processor idle for it: the mechanism alone.");
        s.notes.add("Idle samples: racy reads of the kernel's processor states and the scheduler's ready count at "
                + "uniformly random instants (0.25–0.75 ms apart); a carrier blocked unbracketed since the monitor's "
                + "last sample reads as running (that time is in the hand-off latency instead).");
        for (Config c : configs) {
            if (c.m == null) {
                s.notes.add("**Promises / " + c.label + " failed** (no result; see the jmh-*.log files).");
            }
        }

        targets.add("Promises", "hand-off p99 (µs), Java threads, bracketed (blockedAfter 100 µs)", "≤ 200",
                configs.get(0).get("handOffP99Us"), 200, true);
        targets.add("Promises", "hand-off p50 (µs), Java threads, unbracketed", "≤ 150",
                configs.get(1).get("handOffP50Us"), 150, true);
        targets.add("Promises", "hand-off p99 (µs), Java threads, unbracketed", "≤ 300",
                configs.get(1).get("handOffP99Us"), 300, true);
        targets.add("Promises", "idle with ready work (%), Java threads, bracketed, pinned", "< 1",
                configs.get(0).get("idleWithWorkPct"), 1, true);
        priorityLatency(jmh, profile, out, targets, s);
        return s;
    }

    /** The third promise ({@link PriorityLatency}): its table, chart, notes and targets, added to {@code s}. */
    private static void priorityLatency(Jmh jmh, Profile profile, Path out, Targets targets, Section s)
            throws Exception {
        String[] impls = {"activations", "userthread", "forkjoin"};
        String[] checkpoints = profile == Profile.FULL ? new String[] {"0", "100", "1000"} : new String[] {"0", "100"};
        List<Measurement> m = jmh.run(new Jmh.Run(PriorityLatency.class).param("impl", impls)
                .param("checkpointMicros", checkpoints).window());
        double starvedMicros = PriorityLatency.STARVED_AFTER_NANOS / 1e3;
        Table t = new Table("Priority latency (µs)", "configuration", "p50", "p99", "max", "starved/s", "target (p99)",
                "low work (share of processors)", "preemptions/s");
        List<String> categories = new ArrayList<>();
        double[] p50 = new double[impls.length * checkpoints.length];
        double[] p99 = new double[p50.length];
        double[] max = new double[p50.length];
        int i = 0;
        for (String checkpoint : checkpoints) {
            for (String impl : impls) {
                Measurement x = m.stream().filter(r -> r.matches("impl", impl, "checkpointMicros", checkpoint))
                        .findFirst().orElse(null);
                boolean free = checkpoint.equals("0");
                Config c = new Config(priorityKind(impl) + (free ? ", checkpoint-free low threads" : ", checkpoint interval " + checkpoint + " µs"),
                        priorityTag(impl) + (free ? " no cp." : " " + checkpoint + " µs"), x);
                double target = PriorityLatency.targetMicros(Integer.parseInt(checkpoint));
                t.row(c.label, c.get("latencyP50Micros"), c.get("latencyP99Micros"), c.get("latencyMaxMicros"),
                        c.get("starved"), target, c.get("lowWork"), c.get("preemptions"));
                categories.add(c.tag);
                p50[i] = c.get("latencyP50Micros");
                p99[i] = c.get("latencyP99Micros");
                max[i] = c.get("latencyMaxMicros");
                i++;
                if (x == null) {
                    s.notes.add("**PriorityLatency / " + c.label + " failed** (no result; see the jmh-*.log files).");
                } else if (impl.equals("activations")) {
                    targets.add("PriorityLatency", "priority latency p99 (µs), Java threads, "
                            + (free ? "checkpoint-free low threads" : "checkpoint interval " + checkpoint + " µs"),
                            "≤ " + Table.num(target), c.get("latencyP99Micros"), target, true);
                }
            }
        }
        s.tables.add(t);
        Map<String, double[]> bars = new LinkedHashMap<>();
        bars.put("p50", p50);
        bars.put("p99", p99);
        bars.put("max", max);
        s.chart("promises-priority.png", "Priority latency, p50, p99 and max (µs, log scale); target for Activations: "
                + "p99 ≤ " + PriorityLatency.TARGET_MICROS + " µs. J: Java threads, "
                + "U: user threads, FJP: two ForkJoinPools (worker threads at MAX and MIN priority); the interval is "
                + "the low threads' computation between checkpoints; a bar at " + Table.num(starvedMicros)
                + " µs means starved", () -> Charts.bars(out.resolve("promises-priority.png"),
                "High-priority thread ready to running, low priority on every processor (log scale)", "µs", true,
                categories, bars));
        s.notes.add("Priority latency: one low-priority thread per processor computes, and calls "
                + "UserThread.checkpoint() after every checkpoint interval of work (timed on an idle core; longer under "
                + "load) or, checkpoint-free, never; every " + PriorityLatency.PERIOD_NANOS / 1_000_000 + " ms a tiny "
                + "high-priority task is started and timed from just before its submission to its first instruction. "
                + "Activations: two address spaces on one kernel, priorities " + PriorityLatency.LOW_PRIORITY + " and "
                + PriorityLatency.HIGH_PRIORITY + "; the low space's carriers run at a higher OS nice value, and the "
                + "kernel gives a low processor to a high carrier at once (displacement): the OS runs the high one "
                + "wherever the low thread is, and the low thread stops at its next safepoint or gets the processor "
                + "back first. ForkJoinPool: checkpoint() does nothing there, and HotSpot on Linux ignores Java thread "
                + "priorities by default, so the OS time-slices both pools; the target is shown for comparison. "
                + "Percentiles per iteration (" + profile.window().convertTo(TimeUnit.NANOSECONDS) / PriorityLatency.PERIOD_NANOS
                + " tasks in this profile, so p99 is close to the max), averaged over iterations; a task not started within "
                + Table.num(starvedMicros / 1e3) + " ms is starved and counted at that bound.");
    }

    private static String priorityTag(String impl) {
        return impl.equals("forkjoin") ? "FJP" : tag(impl);
    }

    private static String priorityKind(String impl) {
        return impl.equals("forkjoin") ? "2 x ForkJoinPool (MAX / MIN thread priority)" : kind(impl);
    }

    private static Measurement find(List<Measurement> m, String impl, String blocking) {
        return m.stream().filter(x -> x.matches("impl", impl, "blocking", blocking)).findFirst().orElse(null);
    }

    private static String tag(String impl) {
        return impl.equals("activations") ? "J" : "U";
    }

    private static String kind(String impl) {
        return impl.equals("activations") ? "Java threads" : "user threads";
    }
}
