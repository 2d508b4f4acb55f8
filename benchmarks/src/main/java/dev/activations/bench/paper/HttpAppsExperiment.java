package dev.activations.bench.paper;

import dev.activations.bench.HttpApps;
import dev.activations.bench.TwoApps;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The paper job's experiment {@code httpapps}: two applications on one machine with the web one
 * a real server ({@link HttpApps}): the JDK's {@code HttpServer} on the web executor under a
 * fixed-rate load from another JVM, beside a batch executor kept saturated with 1 ms tasks
 * (TwoApps' batch). Per pair of executors, three scenarios: web alone, batch alone, both. One
 * table of the raw figures, one of web's latency and batch's throughput beside each other
 * relative to alone, a chart of web's p99 with batch idle and saturated, and two targets for
 * Activations (issue 17): web p99 saturated ≤ 1.5 × idle, batch beside web ≥ 0.9 × alone.
 * The quick profile runs three pairs (Activations by priority, virtual threads, ForkJoinPools:
 * 9 forks, about a minute on 2 cores), the full one all five.
 * Kept out of {@link Paper} but for one call, so that experiments added there merge easily.
 */
final class HttpAppsExperiment {
    private static final List<String> QUICK_IMPLS = List.of("activations", "virtual", "forkjoin");
    private static final List<String> ALL_IMPLS = List.of("activations", "activations-shares", "virtual", "forkjoin",
            "platform");
    private static final List<String> SCENARIOS = List.of(TwoApps.WEB_ALONE, TwoApps.BATCH_ALONE, TwoApps.BOTH);
    /** A cell that does not apply: web figures with no server, batch figures with batch idle. */
    private static final String NONE = "—";
    /**
     * Web answered less than this share of the offered requests in a window: it is starved, and
     * its percentiles (of the few answers, or of none: NaN) say nothing.
     */
    private static final double STARVED_BELOW = 0.5;
    /** Where the chart draws a starved web's p99 (log scale). */
    private static final double STARVED_BAR_MILLIS = 1_000;

    private HttpAppsExperiment() {
    }

    /** The JMH forks (pairs × scenarios) one profile runs, for Paper's progress line. */
    static int runs(Profile profile) {
        return impls(profile).size() * SCENARIOS.size();
    }

    private static List<String> impls(Profile profile) {
        return profile == Profile.FULL ? ALL_IMPLS : QUICK_IMPLS;
    }

    static Section run(Jmh jmh, Profile profile, Path out, Targets targets) throws Exception {
        List<String> impls = impls(profile);
        List<Measurement> m = jmh.run(new Jmh.Run(HttpApps.class).param("impl", impls.toArray(String[]::new))
                .param("scenario", SCENARIOS.toArray(String[]::new)).serverWindow());
        int cores = Runtime.getRuntime().availableProcessors();
        int offered = HttpApps.WEB_RATE_PER_PROCESSOR * cores;
        Section s = new Section("Two applications on one machine: an HTTP server beside a batch job",
                "The two-applications experiment with a real server as web. *Web*: the JDK's "
                        + "`com.sun.net.httpserver.HttpServer` on loopback with the web executor (`setExecutor`), "
                        + "every request answered by the *compute* handler (about 30 µs of a plain CPU loop), loaded "
                        + "by our generator in a JVM of its own at a fixed rate: " + offered + " requests/s ("
                        + HttpApps.WEB_RATE_PER_PROCESSOR + " per processor) over " + HttpApps.CONNECTIONS
                        + " keep-alive connections, a light load that leaves most of the machine to batch. A "
                        + "request is timed from its first byte written, or from when it was due if its connection "
                        + "was still waiting for the previous answer (no coordinated omission), to the last byte of "
                        + "its response read. *Batch*: as in the two-applications experiment, CPU tasks of about "
                        + "1 ms with no runtime calls and no checkpoints, " + TwoApps.QUEUED_PER_PROCESSOR
                        + " per processor always queued or running. Scenarios: web alone, batch alone (no server), "
                        + "both. Pairs of executors as there: Activations as two address spaces on one kernel of "
                        + "all " + cores + " processors, web priority 8 and batch 3 (or equal priorities and "
                        + "shares 3 : 1), two `newVirtualThreadPerTaskExecutor()`s on the JDK's one scheduler, "
                        + "two `ForkJoinPool(" + cores + ")`s, two fixed pools of " + cores + " platform threads "
                        + "at Java priorities MAX and MIN. One JMH iteration is one load window.");
        Map<String, Map<String, Measurement>> by = new LinkedHashMap<>();
        for (String impl : impls) {
            Map<String, Measurement> row = new LinkedHashMap<>();
            m.stream().filter(x -> x.matches("impl", impl)).forEach(x -> row.put(x.param("scenario"), x));
            by.put(impl, row);
        }

        Table raw = new Table("Web latency (ms) and throughput, batch throughput", "executors", "scenario",
                "web p50", "web p99", "web max", "web requests/s", "batch tasks/s", "batch utilization");
        Table relative = new Table("Beside each other, relative to alone", "executors", "web p50: batch saturated / idle",
                "web p99: batch saturated / idle", "batch tasks/s: beside web / alone");
        Map<String, double[]> p99Bars = new LinkedHashMap<>();
        Map<String, double[]> ratios = new LinkedHashMap<>();
        for (String impl : impls) {
            Map<String, Measurement> row = by.get(impl);
            for (String sc : SCENARIOS) {
                Measurement x = row.get(sc);
                boolean web = !sc.equals(TwoApps.BATCH_ALONE);
                boolean batch = !sc.equals(TwoApps.WEB_ALONE);
                boolean starved = web && starved(x, offered);
                raw.row(label(impl), scenario(sc),
                        !web ? NONE : starved ? "starved" : (Object) get(x, "webP50Millis"),
                        !web ? NONE : starved ? "starved" : (Object) get(x, "webP99Millis"),
                        !web ? NONE : starved ? "starved" : (Object) get(x, "webMaxMillis"),
                        web ? (Object) get(x, "webRequests") : NONE,
                        batch ? (Object) get(x, "batchTasks") : NONE,
                        batch ? (Object) get(x, "batchUtilization") : NONE);
                if (web && x != null) {
                    double served = get(x, "webRequests");
                    if (served < 0.95 * offered) {
                        s.notes.add(String.format(Locale.ROOT, "%s, %s: web answered %.0f of the %d requests/s "
                                + "offered; the rest were not answered within their window and are in no percentile "
                                + "(at most %d are in flight; the others wait in the generator, owed).", label(impl),
                                scenario(sc), served, offered, HttpApps.CONNECTIONS));
                    }
                    double errors = get(x, "webErrors");
                    if (errors > 0) {
                        s.notes.add(String.format(Locale.ROOT, "%s, %s: the generator lost %.1f connections per "
                                + "second (closed by the server or a bad response) and replaced them.", label(impl),
                                scenario(sc), errors));
                    }
                }
            }
            Measurement idle = row.get(TwoApps.WEB_ALONE);
            Measurement alone = row.get(TwoApps.BATCH_ALONE);
            Measurement both = row.get(TwoApps.BOTH);
            double p99Idle = latency(idle, "webP99Millis", offered);
            double p99Busy = latency(both, "webP99Millis", offered);
            boolean starvedBusy = Double.isInfinite(p99Busy);
            double[] r = {starvedBusy ? Double.POSITIVE_INFINITY
                    : latency(both, "webP50Millis", offered) / latency(idle, "webP50Millis", offered),
                    starvedBusy ? Double.POSITIVE_INFINITY : p99Busy / p99Idle,
                    get(both, "batchTasks") / get(alone, "batchTasks")};
            relative.row(label(impl), starvedBusy ? "starved" : (Object) r[0], starvedBusy ? "starved" : (Object) r[1],
                    r[2]);
            p99Bars.put(label(impl), new double[] {bar(p99Idle), bar(p99Busy)});
            ratios.put(impl, r);
        }
        s.tables.add(raw);
        s.tables.add(relative);
        s.chart("httpapps.png", "HttpServer p99 latency at " + offered + " requests/s, batch idle and batch "
                        + "saturated (log scale; a bar at " + Table.num(STARVED_BAR_MILLIS) + " ms means starved: web "
                        + "answered under half the requests offered), measured here",
                () -> Charts.bars(out.resolve("httpapps.png"), "HttpServer p99 beside a saturated batch (log scale)",
                        "ms", true, List.of("batch idle", "batch saturated"), p99Bars));
        s.notes.add("Beyond the executors' reach: the server's dispatcher thread (a JDK platform thread that sees a "
                + "request arrive and hands it to the executor) and the generator's threads are scheduled by the OS "
                + "among the executors' threads; with batch saturating the processors they wait for a core like any "
                + "OS thread. The same for every pair; the generator also shares the cores with the server.");
        s.notes.add("Batch tasks make no runtime calls (a checkpoint-free low space): Activations gives web one of "
                + "batch's processors at once through OS priorities (displacement), and batch's carrier stops at the "
                + "end of its task; cooperatively (without native access) web would wait up to one batch task, 1 ms.");
        for (String impl : impls) {
            for (String sc : SCENARIOS) {
                if (by.get(impl).get(sc) == null) {
                    s.notes.add("**HttpApps / " + impl + " / " + sc + " failed** (no result; see the jmh-*.log files).");
                }
            }
        }
        double[] a = ratios.get("activations");
        targets.add("HttpApps", "Activations web p99, batch saturated (ms)", "≤ 0.3",
                latency(by.get("activations").get(TwoApps.BOTH), "webP99Millis", offered), 0.3, true);
        targets.add("HttpApps", "Activations web p99 saturated / idle", "≤ 1.5", a[1], 1.5, true);
        targets.add("HttpApps", "Activations batch tasks/s beside web / alone", "≥ 0.9", a[2], 0.9, false);
        return s;
    }

    private static boolean starved(Measurement x, int offered) {
        return x != null && get(x, "webRequests") < STARVED_BELOW * offered;
    }

    /** A web latency in ms: +inf when web was starved, NaN when missing. */
    private static double latency(Measurement x, String secondary, int offered) {
        return starved(x, offered) ? Double.POSITIVE_INFINITY : get(x, secondary);
    }

    private static double bar(double millis) {
        return Double.isInfinite(millis) ? STARVED_BAR_MILLIS : millis;
    }

    private static double get(Measurement x, String secondary) {
        return x == null ? Double.NaN : x.secondary().getOrDefault(secondary, Double.NaN);
    }

    private static String label(String impl) {
        return switch (impl) {
            case "activations" -> "Activations (priorities 8 / 3)";
            case "activations-shares" -> "Activations (shares 3 : 1)";
            case "virtual" -> "virtual threads (one scheduler)";
            case "forkjoin" -> "2 x ForkJoinPool";
            case "platform" -> "platform threads (priorities)";
            default -> impl;
        };
    }

    private static String scenario(String scenario) {
        return switch (scenario) {
            case TwoApps.WEB_ALONE -> "web alone";
            case TwoApps.BATCH_ALONE -> "batch alone";
            case TwoApps.BOTH -> "both";
            default -> scenario;
        };
    }
}
