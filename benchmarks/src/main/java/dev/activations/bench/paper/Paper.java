package dev.activations.bench.paper;

import dev.activations.bench.Bench;
import dev.activations.bench.BlockingMix;
import dev.activations.bench.ExecutorThroughput;
import dev.activations.bench.HttpLoad;
import dev.activations.bench.Multiprogramming;
import dev.activations.bench.NullFork;
import dev.activations.bench.PingPong;
import dev.activations.bench.SignalWait;
import dev.activations.bench.SumTime;
import dev.activations.bench.TwoApps;
import dev.activations.bench.Yield;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The paper's evaluation, re-run on this machine: the experiments of Anderson et al. (Table I,
 * Figure 2, Table V, Figure 3) and of the papers that followed (Danjean et al.'s yield and
 * sumtime, the VPI paper's ping-pong), each as a JMH run comparing platform threads, virtual
 * threads and Activations; then our own about servers: an HTTP server under load, Table V made
 * about latency (a web application beside a batch one), and Jetty and Tomcat under load. Prints
 * a progress line per experiment and each table with the published figures beside ours; writes
 * {@code report.md} and PNG charts.
 *
 * <pre>
 * java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *      dev.activations.bench.paper.Paper [--quick | --full] [--out DIR] [--only ID,ID...]
 * </pre>
 * {@code --quick} (default): one fork, short iterations, about six minutes on 2 cores.
 * {@code --full}: three forks and longer iterations, the figures to quote. Output goes to
 * {@code target/paper} under the working directory unless {@code --out} says otherwise.
 *
 * <h2>How it reads</h2>
 * One method per experiment; each runs its benchmarks through {@link Jmh}, looks the
 * measurements up, and returns a {@link Section} (tables, charts, notes) that is printed at
 * once and kept for the report. {@link Published} holds the papers' numbers; nothing in a chart
 * is a constant except a line labelled "ideal" or a series labelled "paper".
 */
public final class Paper {
    private static final List<String> IDS = List.of("table1", "yield", "sumtime", "speedup", "table5", "pingpong",
            "executor", "blocking", "http", "twoapps", "promises", "httpapps", "realserver");

    private final Profile profile;
    private final Path out;
    private final Set<String> only;
    private final Jmh jmh;
    private final int cores = Runtime.getRuntime().availableProcessors();
    private final List<Section> sections = new ArrayList<>();
    /** Ratios checked against the targets, filled in as experiments finish. */
    private final Table targets = new Table("Targets (issues 5, 15, 17, 23), from this run",
            "benchmark", "ratio", "target", "this run", "met");
    /** Serial time of one N-body app (ms), shared by the speed-up and Table V experiments. */
    private double serialMillis = Double.NaN;

    private Paper(Profile profile, Path out, Set<String> only) {
        this.profile = profile;
        this.out = out;
        this.only = only;
        this.jmh = new Jmh(profile, out);
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        Profile profile = Profile.QUICK;
        Path out = Path.of("target", "paper");
        Set<String> only = new TreeSet<>(IDS);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> profile = Profile.QUICK;
                case "--full" -> profile = Profile.FULL;
                case "--out" -> out = Path.of(value(args, ++i, "--out"));
                case "--only" -> {
                    only = new TreeSet<>(Arrays.asList(value(args, ++i, "--only").split(",")));
                    if (!IDS.containsAll(only)) {
                        usage("unknown experiment in --only " + only + "; known: " + IDS);
                    }
                }
                case "-h", "--help" -> {
                    usage(null);
                    return;
                }
                default -> usage("unknown argument \"" + args[i] + "\"");
            }
        }
        Files.createDirectories(out);
        new Paper(profile, out, only).runAll(String.join(" ", args));
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            usage(flag + " needs a value");
        }
        return args[i];
    }

    private static void usage(String error) {
        String text = """
                usage: java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -cp benchmarks.jar \\
                            dev.activations.bench.paper.Paper [--quick | --full] [--out DIR] [--only ID,...]
                  --quick  one fork, short iterations: about 6 minutes on 2 cores (default)
                  --full   3 forks, the benchmarks' own iteration counts: the figures to quote
                  --out    where report.md, the charts and JMH's logs go (default target/paper)
                  --only   run some experiments: %s
                """.formatted(String.join(",", IDS));
        if (error != null) {
            System.err.println(error);
            System.err.print(text);
            System.exit(2);
        }
        System.out.print(text);
    }

    // ------------------------------------------------------------------ driver

    private record Step(String id, String title, int runs, Experiment body) {
    }

    @FunctionalInterface
    private interface Experiment {
        Section run() throws Exception;
    }

    private void runAll(String args) throws Exception {
        List<Step> steps = new ArrayList<>(List.of(
                new Step("table1", "Table I: null fork and signal-wait latency", 9, this::tableOne),
                new Step("yield", "yield round trip (Danjean et al. Table 3)", 4, this::yieldRoundTrip),
                new Step("sumtime", "sumtime(2000) and sumtime(100000) (Danjean et al. Table 3)", 7, this::sumTime),
                new Step("speedup", "Figure 2: N-body speed-up against processors", 2 + 3 * processorCounts().size(),
                        this::speedup),
                new Step("table5", "Table V: two N-body applications at once, idle and busy machine", 10, this::tableFive),
                new Step("pingpong", "Sun ping-pong (VPI paper Figs. 6 and 7)", 6, this::pingPong),
                new Step("executor", "100 000 tiny tasks through an executor", 4, this::executor),
                new Step("blocking", "Figure 3: computation that blocks in the kernel", 5, this::blocking),
                new Step("http", "an HTTP server under closed-loop load", 6, this::http),
                new Step("twoapps", "two applications: web latency beside a saturated batch", 12, this::twoApps),
                new Step("promises", "the promises: hand-off latency, idle processors and priority latency", 5,
                        () -> PromisesExperiment.run(jmh, profile, out, this::target)),
                new Step("httpapps", "two applications: an HttpServer beside a saturated batch",
                        HttpAppsExperiment.runs(profile), () -> HttpAppsExperiment.run(jmh, profile, out, this::target)),
                new Step("realserver", "real servers: Jetty and Tomcat with each executor",
                        RealServerExperiment.runs(profile), () -> RealServerExperiment.run(jmh, profile, out, this::target))));
        steps.removeIf(s -> !only.contains(s.id));
        if (only.contains("table5") && !only.contains("speedup")) {
            steps.addFirst(new Step("serial", "serial N-body baseline for Table V", 1, this::serialOnly));
        }
        int total = steps.stream().mapToInt(Step::runs).sum();
        System.out.printf(Locale.ROOT, "Activations paper job, %s profile: %d experiments, %d JMH runs, %d cores, output in %s%n",
                profile.name(), steps.size(), total, cores, out.toAbsolutePath());
        long start = System.nanoTime();
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            System.out.printf(Locale.ROOT, "[%d/%d] %s (%d JMH runs) ...%n", i + 1, steps.size(), s.title, s.runs);
            long t0 = System.nanoTime();
            Section section = s.body.run();
            System.out.printf(Locale.ROOT, "      done in %.0f s (%.0f s so far)%n%n", (System.nanoTime() - t0) / 1e9,
                    (System.nanoTime() - start) / 1e9);
            if (section != null) {
                System.out.println(section.text());
                sections.add(section);
            }
        }
        System.out.println(targets.text());
        Report.write(out, profile, args, sections, targets, (System.nanoTime() - start) / 1e9);
        System.out.println("report: " + out.resolve("report.md").toAbsolutePath());
    }

    // ------------------------------------------------------------------ experiments

    /** Table I: Null Fork and Signal-Wait on one processor. */
    private Section tableOne() throws Exception {
        List<Measurement> fork = jmh.run(new Jmh.Run(NullFork.class)
                .param("impl", "activations", "userthread", "virtual", "platform", "forkjoin", "floor")
                .param("processors", "1").jvmArg(Bench.VT_ONE_CARRIER));
        List<Measurement> sw = jmh.run(new Jmh.Run(SignalWait.class)
                .param("impl", "activations", "userthread", "virtual", "platform", "floor")
                .param("processors", "1").jvmArg(Bench.VT_ONE_CARRIER));
        Map<String, Double> forkUs = micros(fork);
        Map<String, Double> swUs = micros(sw);

        Section s = new Section("Table I: thread operation latencies",
                "Null Fork: create, schedule, run and join a thread that runs the null procedure, from a thread "
                        + "of the same kind. Signal-Wait: one thread signals a waiting one and waits in turn (per hop). "
                        + "On one processor, as in the paper (platform threads cannot be held to one: the OS uses "
                        + "every core). floor: a bare continuation, no scheduler. Activations: its Java threads "
                        + "(virtual threads whose scheduler is Activations); Activations user threads: the raw kind.");
        Table ours = new Table("This machine (µs)", "operation", "Activations", "Activations user threads",
                "virtual threads", "platform threads", "ForkJoinPool", "floor");
        ours.row("Null Fork", get(forkUs, "activations"), get(forkUs, "userthread"), get(forkUs, "virtual"),
                get(forkUs, "platform"), get(forkUs, "forkjoin"), get(forkUs, "floor"));
        ours.row("Signal-Wait", get(swUs, "activations"), get(swUs, "userthread"), get(swUs, "virtual"),
                get(swUs, "platform"), "n/a", get(swUs, "floor"));
        s.tables.add(ours);
        Table paper = new Table("Paper, " + Published.ANDERSON + ", Tables I and IV (µs, CVAX Firefly)", "operation",
                "FastThreads on scheduler activations", "FastThreads on Topaz threads", "Topaz threads",
                "Ultrix processes");
        paper.row("Null Fork", Published.NULL_FORK_FASTTHREADS_ON_SA, Published.NULL_FORK_FASTTHREADS_ON_TOPAZ,
                Published.NULL_FORK_TOPAZ_THREADS, Published.NULL_FORK_ULTRIX_PROCESSES);
        paper.row("Signal-Wait", Published.SIGNAL_WAIT_FASTTHREADS_ON_SA, Published.SIGNAL_WAIT_FASTTHREADS_ON_TOPAZ,
                Published.SIGNAL_WAIT_TOPAZ_THREADS, Published.SIGNAL_WAIT_ULTRIX_PROCESSES);
        s.tables.add(paper);
        Table ratios = new Table("Ratios (same column meaning: kernel threads / user-level threads with kernel support)",
                "operation", "ours: platform / Activations", "paper: Topaz / FastThreads on SA",
                "ours: virtual / Activations", "paper: FastThreads on Topaz / on SA", "ours: Activations / floor");
        ratios.row("Null Fork", get(forkUs, "platform") / get(forkUs, "activations"),
                Published.NULL_FORK_TOPAZ_THREADS / Published.NULL_FORK_FASTTHREADS_ON_SA,
                get(forkUs, "virtual") / get(forkUs, "activations"),
                Published.NULL_FORK_FASTTHREADS_ON_TOPAZ / Published.NULL_FORK_FASTTHREADS_ON_SA,
                get(forkUs, "activations") / get(forkUs, "floor"));
        ratios.row("Signal-Wait", get(swUs, "platform") / get(swUs, "activations"),
                Published.SIGNAL_WAIT_TOPAZ_THREADS / Published.SIGNAL_WAIT_FASTTHREADS_ON_SA,
                get(swUs, "virtual") / get(swUs, "activations"),
                Published.SIGNAL_WAIT_FASTTHREADS_ON_TOPAZ / Published.SIGNAL_WAIT_FASTTHREADS_ON_SA,
                get(swUs, "activations") / get(swUs, "floor"));
        s.tables.add(ratios);

        Map<String, double[]> chart = new LinkedHashMap<>();
        for (String impl : List.of("activations", "userthread", "virtual", "platform", "floor")) {
            chart.put(label(impl), new double[] {get(forkUs, impl), get(swUs, impl)});
        }
        chart(s, "table1.png", "Table I, measured here (µs, log scale)",
                () -> Charts.bars(out.resolve("table1.png"), "Table I on this machine: latency per operation (log scale)",
                "µs", true, List.of("Null Fork", "Signal-Wait"), chart));
        Map<String, double[]> rel = new LinkedHashMap<>();
        rel.put("ours: platform threads / Activations", new double[] {
                get(forkUs, "platform") / get(forkUs, "activations"), get(swUs, "platform") / get(swUs, "activations")});
        rel.put("paper: Topaz threads / FastThreads on SA", new double[] {
                Published.NULL_FORK_TOPAZ_THREADS / Published.NULL_FORK_FASTTHREADS_ON_SA,
                Published.SIGNAL_WAIT_TOPAZ_THREADS / Published.SIGNAL_WAIT_FASTTHREADS_ON_SA});
        rel.put("ours: virtual threads / Activations", new double[] {
                get(forkUs, "virtual") / get(forkUs, "activations"), get(swUs, "virtual") / get(swUs, "activations")});
        rel.put("paper: FastThreads on Topaz / on SA", new double[] {
                Published.NULL_FORK_FASTTHREADS_ON_TOPAZ / Published.NULL_FORK_FASTTHREADS_ON_SA,
                Published.SIGNAL_WAIT_FASTTHREADS_ON_TOPAZ / Published.SIGNAL_WAIT_FASTTHREADS_ON_SA});
        chart(s, "table1-ratios.png",
                "Cost relative to Activations (ours, measured) and to FastThreads on scheduler activations (paper)",
                () -> Charts.bars(out.resolve("table1-ratios.png"),
                        "Cost relative to the user-level package with kernel support (log scale)",
                        "relative cost (1 = user-level threads with kernel support)", true,
                        List.of("Null Fork", "Signal-Wait"), rel));
        missing(s, fork, "NullFork", "activations", "userthread", "virtual", "platform", "forkjoin", "floor");
        missing(s, sw, "SignalWait", "activations", "userthread", "virtual", "platform", "floor");

        target("NullFork", "Activations / virtual", "≤ 1.0", get(forkUs, "activations") / get(forkUs, "virtual"), 1.0, true);
        target("SignalWait", "Activations / virtual", "≤ 1.0", get(swUs, "activations") / get(swUs, "virtual"), 1.0, true);
        target("NullFork", "user threads / virtual", "≤ 0.25", get(forkUs, "userthread") / get(forkUs, "virtual"), 0.25, true);
        target("NullFork", "user threads / platform", "≤ 0.01", get(forkUs, "userthread") / get(forkUs, "platform"), 0.01, true);
        target("SignalWait", "user threads / virtual", "≤ 0.5", get(swUs, "userthread") / get(swUs, "virtual"), 0.5, true);
        target("SignalWait", "user threads / platform", "≤ 0.05", get(swUs, "userthread") / get(swUs, "platform"), 0.05, true);
        target("SignalWait", "user threads / floor", "≤ 1.5", get(swUs, "userthread") / get(swUs, "floor"), 1.5, true);
        return s;
    }

    private Section yieldRoundTrip() throws Exception {
        List<Measurement> m = jmh.run(new Jmh.Run(Yield.class)
                .param("impl", "activations", "userthread", "virtual", "platform", "floor")
                .param("processors", "1").jvmArg(Bench.VT_ONE_CARRIER));
        Map<String, Double> ns = scores(m);
        Section s = new Section("Yield",
                "Two threads yield to each other on one processor; per yield (one switch out and one in). "
                        + "Platform threads: Thread.yield(), i.e. sched_yield, on every core.");
        Table t = new Table("Yield round trip (µs)", "", "Activations", "Activations user threads", "virtual threads",
                "platform threads", "floor");
        t.row("this machine", get(ns, "activations") / 1e3, get(ns, "userthread") / 1e3, get(ns, "virtual") / 1e3,
                get(ns, "platform") / 1e3, get(ns, "floor") / 1e3);
        s.tables.add(t);
        Table p = new Table("Paper, " + Published.DANJEAN + ", Table 3 (µs, Pentium 4 1.8 GHz)", "",
                "PM2 on SA", "POSIX on SA", "LinuxThreads (kernel)");
        p.row("published", Published.YIELD_PM2_ON_SA, Published.YIELD_POSIX_ON_SA, Published.YIELD_LIBPTHREAD);
        s.tables.add(p);
        Map<String, Double> bars = new LinkedHashMap<>();
        for (String impl : List.of("activations", "userthread", "virtual", "platform", "floor")) {
            bars.put(label(impl), get(ns, impl));
        }
        chart(s, "yield.png", "Yield, measured here (ns)",
                () -> Charts.bars(out.resolve("yield.png"), "Yield round trip on this machine (log scale)", "ns per yield", true, bars));
        missing(s, m, "Yield", "activations", "userthread", "virtual", "platform", "floor");
        target("Yield", "Activations / virtual", "≤ 1.0", get(ns, "activations") / get(ns, "virtual"), 1.0, true);
        target("Yield", "user threads / virtual", "≤ 0.6", get(ns, "userthread") / get(ns, "virtual"), 0.6, true);
        target("Yield", "user threads / floor", "≤ 1.3", get(ns, "userthread") / get(ns, "floor"), 1.3, true);
        return s;
    }

    private Section sumTime() throws Exception {
        List<Measurement> small = jmh.run(new Jmh.Run(SumTime.class)
                .param("impl", "activations", "userthread", "virtual", "platform", "forkjoin").param("n", "2000").slow());
        List<Measurement> large = jmh.run(new Jmh.Run(SumTime.class)
                .param("impl", "activations", "userthread", "virtual", "forkjoin").param("n", "100000").slow());
        Map<String, Double> a = scores(small);
        Map<String, Double> b = scores(large);
        Section s = new Section("sumtime",
                "Sum of 1..n by threads that each fork two children for the halves of their interval and join "
                        + "them (about 2n threads), on all " + cores + " cores. Platform threads are not run for "
                        + "n = 100 000: one run did not finish in 200 s (200 000 kernel threads).");
        Table t = new Table("sumtime (ms per run)", "n", "Activations", "Activations user threads", "virtual threads",
                "platform threads", "ForkJoinPool", "paper: PM2 on SA", "paper: LinuxThreads");
        t.row("2 000", get(a, "activations"), get(a, "userthread"), get(a, "virtual"), get(a, "platform"),
                get(a, "forkjoin"), Published.SUMTIME_2000_PM2_ON_SA, Published.SUMTIME_2000_LIBPTHREAD);
        t.row("100 000", get(b, "activations"), get(b, "userthread"), get(b, "virtual"), "not run", get(b, "forkjoin"),
                "", "");
        s.tables.add(t);
        s.notes.add("Paper figures: " + Published.DANJEAN + ", Table 3, Pentium 4 1.8 GHz; they report that "
                + "100 000 threads were easy with their libraries and impossible with LinuxThreads.");
        missing(s, small, "SumTime n=2000", "activations", "userthread", "virtual", "platform", "forkjoin");
        missing(s, large, "SumTime n=100000", "activations", "userthread", "virtual", "forkjoin");
        target("SumTime n=100 000", "user threads / virtual", "≤ 0.3", get(b, "userthread") / get(b, "virtual"), 0.3, true);
        return s;
    }

    private void runSerial() throws Exception {
        List<Measurement> serial = jmh.run(new Jmh.Run(Multiprogramming.class)
                .param("impl", "serial").param("apps", "1").param("processors", "1").slow());
        serialMillis = serial.isEmpty() ? Double.NaN : serial.getFirst().score();
    }

    private Section serialOnly() throws Exception {
        runSerial();
        return null;
    }

    /** Figure 2: one N-body app on 1..cores processors; speed-up over the serial program. */
    private Section speedup() throws Exception {
        runSerial();
        List<String> impls = List.of("activations", "virtual", "forkjoin");
        List<Integer> counts = processorCounts();
        int n = counts.size();
        Map<String, double[]> ms = new LinkedHashMap<>();
        impls.forEach(i -> ms.put(i, new double[n]));
        List<Measurement> all = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            int p = counts.get(k);
            List<Measurement> m = jmh.run(new Jmh.Run(Multiprogramming.class)
                    .param("impl", impls.toArray(String[]::new)).param("apps", "1").param("processors", "" + p)
                    .jvmArg(Bench.VT_PARALLELISM + p).slow());
            all.addAll(m);
            Map<String, Double> sc = scores(m);
            for (String i : impls) {
                ms.get(i)[k] = get(sc, i);
            }
        }
        List<Measurement> platform = jmh.run(new Jmh.Run(Multiprogramming.class)
                .param("impl", "platform").param("apps", "1").param("processors", "0").slow());
        double platformMs = platform.isEmpty() ? Double.NaN : platform.getFirst().score();

        Section s = new Section("Figure 2: speed-up against processors",
                "One N-body application (" + nbodyShape() + "), timed on kernels of " + counts
                        + " processors; speed-up = time of the same program run serially on one thread / time "
                        + "with threads. Virtual threads get the processor count as their scheduler's parallelism; "
                        + "platform threads cannot be limited and are shown at " + cores + " processors only.");
        String[] header = new String[2 + impls.size()];
        header[0] = "processors";
        for (int i = 0; i < impls.size(); i++) {
            header[1 + i] = label(impls.get(i));
        }
        header[header.length - 1] = "platform threads";
        Table t = new Table("Speed-up over serial (serial run: " + Table.num(serialMillis) + " ms)", header);
        Map<String, double[][]> lines = new LinkedHashMap<>();
        double[] xs = counts.stream().mapToDouble(Integer::doubleValue).toArray();
        for (String i : impls) {
            double[] sp = new double[n];
            for (int k = 0; k < n; k++) {
                sp[k] = serialMillis / ms.get(i)[k];
            }
            lines.put(label(i), new double[][] {xs, sp});
        }
        for (int k = 0; k < n; k++) {
            Object[] row = new Object[header.length];
            row[0] = counts.get(k);
            for (int i = 0; i < impls.size(); i++) {
                row[1 + i] = lines.get(label(impls.get(i)))[1][k];
            }
            row[row.length - 1] = counts.get(k) == cores ? (Object) (serialMillis / platformMs) : "";
            t.row(row);
        }
        s.tables.add(t);
        lines.put(label("platform"), new double[][] {{cores}, {serialMillis / platformMs}});
        lines.put("ideal (linear)", new double[][] {xs, xs.clone()});
        chart(s, "speedup.png", "Speed-up against processors, measured here",
                () -> Charts.lines(out.resolve("speedup.png"), "N-body speed-up against processors (this machine)", "processors",
                "speed-up over serial", lines, List.of("ideal (linear)")));
        s.notes.add("Paper (Figure 2, 6-processor Firefly; no figures in the extracted text): FastThreads on "
                + "scheduler activations and original FastThreads scale almost linearly; Topaz kernel threads "
                + "flatten out beyond three processors.");
        missing(s, all, "Multiprogramming apps=1", impls.toArray(String[]::new));
        return s;
    }

    private String nbodyShape() {
        return Multiprogramming.BODIES + " bodies, " + Multiprogramming.STEPS + " time steps, "
                + Multiprogramming.CHUNKS + " threads forked per step, one short critical section per body";
    }

    /** Processor counts for the speed-up curve: every count up to 4, then powers of two, then all. */
    private List<Integer> processorCounts() {
        Set<Integer> ps = new TreeSet<>();
        for (int p = 1; p <= cores; p = p < 4 ? p + 1 : p * 2) {
            ps.add(p);
        }
        ps.add(cores);
        return List.copyOf(ps);
    }

    /** Table V: two apps at once; speed-up of each app over its serial time. */
    private Section tableFive() throws Exception {
        List<String> impls = List.of("activations", "userthread", "virtual", "platform", "forkjoin");
        List<String> backgrounds = List.of("none", "hog");
        List<Measurement> m = jmh.run(new Jmh.Run(Multiprogramming.class)
                .param("impl", impls.toArray(String[]::new)).param("apps", "2").param("processors", "0")
                .param("background", backgrounds.toArray(String[]::new)).slow());
        double ideal = cores / 2.0;
        Section s = new Section("Table V: multiprogramming",
                "Two copies of the N-body application at once on " + cores + " cores: Activations as two address "
                        + "spaces on one kernel (it splits the processors between them; both kinds of thread), "
                        + "platform threads as two sets of kernel threads, ForkJoinPool as two pools, virtual threads "
                        + "on the JDK's one scheduler. Speed-up of each application = its serial time / the time both "
                        + "took; ideal = processors / 2 = " + Table.num(ideal) + ". Idle machine, and a busy one: "
                        + "another process (CpuHog) computing on every core at the default OS priority, the same "
                        + "for every system. Spread: the slowest measured iteration over its fork's median, worst fork.");
        Table t = new Table("Speed-up at multiprogramming level 2", "", "Activations", "Activations user threads",
                "virtual threads", "platform threads", "ForkJoinPool");
        Map<String, double[]> fractions = new LinkedHashMap<>();
        for (String bg : backgrounds) {
            Map<String, Double> sc = new LinkedHashMap<>();
            Map<String, Double> spread = new LinkedHashMap<>();
            m.stream().filter(x -> x.matches("background", bg)).forEach(x -> {
                sc.put(x.param("impl"), x.score());
                spread.put(x.param("impl"), x.worstIterationOverMedian());
            });
            String where = bg.equals("none") ? "idle machine" : "busy machine";
            double[] f = new double[impls.size()];
            Object[] ms = new Object[impls.size() + 1];
            Object[] frac = new Object[impls.size() + 1];
            Object[] spr = new Object[impls.size() + 1];
            ms[0] = "time (ms), " + where;
            frac[0] = "fraction of ideal, " + where;
            spr[0] = "spread (worst iteration / median), " + where;
            for (int i = 0; i < impls.size(); i++) {
                double ms1 = get(sc, impls.get(i));
                f[i] = serialMillis / ms1 / ideal;
                ms[i + 1] = ms1;
                frac[i + 1] = f[i];
                spr[i + 1] = spread.getOrDefault(impls.get(i), Double.NaN);
            }
            t.row(ms);
            t.row(frac);
            t.row(spr);
            fractions.put(where, f);
            double a = f[0];
            double fj = f[impls.indexOf("forkjoin")];
            double v = f[impls.indexOf("virtual")];
            if (bg.equals("none")) {
                target("Multiprogramming", "Activations fraction of ideal, idle machine", "≥ 0.95", a, 0.95, false);
                target("Multiprogramming", "Activations − max(ForkJoinPool, virtual), idle", "≥ 0.05", a - Math.max(fj, v), 0.05, false);
                target("Multiprogramming", "Activations user threads − max(ForkJoinPool, virtual), idle", "≥ 0.05",
                        f[1] - Math.max(fj, v), 0.05, false);
            } else {
                target("Multiprogramming", "Activations / virtual, busy machine", "≥ 1.0", a / v, 1.0, false);
                target("Multiprogramming", "Activations / ForkJoinPool, busy machine", "≥ 0.9", a / fj, 0.9, false);
                target("Multiprogramming", "Activations worst iteration / median, busy machine", "≤ 2",
                        spread.getOrDefault("activations", Double.NaN), 2, true);
            }
        }
        s.tables.add(t);
        double pIdeal = (double) Published.TABLE_V_PROCESSORS / Published.TABLE_V_LEVEL;
        Table p = new Table("Paper, " + Published.ANDERSON + ", Table V (6 processors, ideal 3)", "",
                "new FastThreads (scheduler activations)", "original FastThreads", "Topaz threads");
        p.row("speed-up", Published.TABLE_V_NEW_FASTTHREADS, Published.TABLE_V_ORIGINAL_FASTTHREADS,
                Published.TABLE_V_TOPAZ_THREADS);
        p.row("fraction of ideal", Published.TABLE_V_NEW_FASTTHREADS / pIdeal,
                Published.TABLE_V_ORIGINAL_FASTTHREADS / pIdeal, Published.TABLE_V_TOPAZ_THREADS / pIdeal);
        s.tables.add(p);
        chart(s, "table5.png", "Fraction of the ideal speed-up with two applications, on an idle and on a busy machine "
                        + "(another process computing on every core), measured here",
                () -> Charts.bars(out.resolve("table5.png"), "Multiprogramming level 2: fraction of the ideal speed-up",
                        "speed-up / (processors / 2)", false, impls.stream().map(Paper::label).toList(), fractions));
        s.notes.add("The ideal assumes two applications on two cores run as fast as one alone on one core; running "
                + "two serial copies at once on two platform threads already costs about 10 % on the reference VM "
                + "(shared caches and memory bandwidth), so no system reaches 1 here.");
        s.notes.add("On the busy machine the OS divides each core among runnable threads: a system with more threads "
                + "than cores (two ForkJoinPools of " + cores + ", platform threads) gets a larger part of the machine "
                + "than one with a thread per core (Activations' carriers, the JDK's virtual-thread carriers).");
        missing(s, m, "Multiprogramming apps=2", impls.toArray(String[]::new));
        return s;
    }

    private Section pingPong() throws Exception {
        List<Measurement> m = jmh.run(new Jmh.Run(PingPong.class)
                .param("impl", "activations", "userthread", "virtual", "platform").param("pairs", "1").param("games", "1", "4"));
        Section s = new Section("Ping-pong",
                "Sun's ping-pong as the VPI paper runs it: pairs of threads blocking and unblocking each other "
                        + "through semaphores (Fig. 6: 1 pair, 1 game; Fig. 7: 4 games, 8 threads on 2 processors). "
                        + "Per hop over the whole machine.");
        Table t = new Table("Ping-pong (ns per hop)", "configuration", "Activations", "Activations user threads",
                "virtual threads", "platform threads");
        for (String g : List.of("1", "4")) {
            Map<String, Double> sc = scores(m, "games", g);
            t.row("1 pair x " + g + " game" + (g.equals("1") ? "" : "s"), get(sc, "activations"), get(sc, "userthread"),
                    get(sc, "virtual"), get(sc, "platform"));
        }
        s.tables.add(t);
        s.notes.add("The VPI paper gives these as charts only; no published numbers to set beside ours.");
        missing(s, m, "PingPong", "activations", "userthread", "virtual", "platform");
        return s;
    }

    private Section executor() throws Exception {
        List<Measurement> m = jmh.run(new Jmh.Run(ExecutorThroughput.class)
                .param("impl", "activations", "virtual", "platform", "forkjoin"));
        Map<String, Double> sc = scores(m);
        Section s = new Section("Executor throughput",
                "100 000 tiny tasks submitted from one thread, then a wait for all. Platform: a fixed pool of one "
                        + "thread per core; virtual: a thread per task; Activations: a thread per task too (the same JDK "
                        + "executor), its virtual threads scheduled by Activations.");
        Table t = new Table("Tasks per second (millions)", "", "Activations", "virtual threads",
                "platform threads (fixed pool)", "ForkJoinPool");
        t.row("this machine", get(sc, "activations") / 1e6, get(sc, "virtual") / 1e6, get(sc, "platform") / 1e6,
                get(sc, "forkjoin") / 1e6);
        s.tables.add(t);
        missing(s, m, "ExecutorThroughput", "activations", "virtual", "platform", "forkjoin");
        target("ExecutorThroughput", "Activations / virtual", "≥ 1.5", get(sc, "activations") / get(sc, "virtual"), 1.5, false);
        target("ExecutorThroughput", "Activations / forkjoin", "≥ 0.7", get(sc, "activations") / get(sc, "forkjoin"), 0.7, false);
        return s;
    }

    private Section blocking() throws Exception {
        List<String> impls = List.of("activations", "userthread", BlockingMix.UNPINNED, BlockingMix.UNBRACKETED,
                BlockingMix.NODETECT, "virtual", "platform");
        List<Measurement> m = jmh.run(new Jmh.Run(BlockingMix.class).param("impl", impls.toArray(String[]::new)).slow());
        Section s = new Section("Figure 3: computation that blocks in the kernel",
                "Six threads per core, each looping over about 20 ms of computation and a 10 ms read of a named "
                        + "pipe (FileInputStream: the read holds its carrier, for virtual threads too). There is "
                        + "always computation ready, so a system that keeps its processors busy while threads block "
                        + "reaches utilization 1. Activations kernels pin each VP's carrier to its own CPU "
                        + "(pinCarriers(true)); activations-unpinned: the same without pinning, carriers placed by "
                        + "Linux. activations-nodetect: the kernel's blocking detection off (plain "
                        + "user-level threads on carriers); activations-unbracketed: no UserThread.blocking bracket, "
                        + "so only the monitor's sampling can see the block. Activations cases run Java threads; "
                        + "userthread: the same with raw user threads.");
        Table t = new Table("Work done while threads block", "impl", "steps/s", "utilization");
        Map<String, Double> util = new LinkedHashMap<>();
        for (String impl : impls) {
            Measurement x = m.stream().filter(r -> r.matches("impl", impl)).findFirst().orElse(null);
            double u = x == null ? Double.NaN : x.secondary().getOrDefault("utilization", Double.NaN);
            t.row(label(impl), x == null ? "failed" : (Object) x.score(), u);
            util.put(label(impl), u);
        }
        s.tables.add(t);
        chart(s, "blocking.png", "Utilization under blocking, measured here",
                () -> Charts.bars(out.resolve("blocking.png"), "Processor utilization while threads block in the kernel",
                "utilization (1 = all processors computing)", false, util));
        s.notes.add("Paper (Figure 3; no figures in the extracted text): as less memory is available and the "
                + "N-body program pages more, original FastThreads degrade badly because a thread blocked in the "
                + "kernel takes its processor with it, while FastThreads on scheduler activations degrade as "
                + "gracefully as Topaz kernel threads.");
        missing(s, m, "BlockingMix", impls.toArray(String[]::new));
        target("BlockingMix", "Activations utilization", "≥ 0.9", util.getOrDefault(label("activations"), Double.NaN),
                0.9, false);
        return s;
    }

    /** An HTTP server (the JDK's HttpServer) with each executor, under closed-loop load from another JVM. */
    private Section http() throws Exception {
        List<String> impls = List.of("activations", "virtual", "platform");
        List<String> handlers = List.of(HttpLoad.COMPUTE, HttpLoad.BLOCK);
        List<Measurement> m = jmh.run(new Jmh.Run(HttpLoad.class).param("impl", impls.toArray(String[]::new))
                .param("handler", handlers.toArray(String[]::new)).serverWindow());
        Section s = new Section("An HTTP server under load",
                "The JDK's `com.sun.net.httpserver.HttpServer` on loopback with the executor under test "
                        + "(`setExecutor`): a fixed pool of 200 platform threads (as a servlet container has), "
                        + "`Executors.newVirtualThreadPerTaskExecutor()`, and `Activations.newExecutor(kernel, \"http\", 5)` "
                        + "on a kernel of all " + cores + " processors. Handlers: *compute* runs about 30 µs of a plain "
                        + "CPU loop; *block20ms* calls `Thread.sleep(20)`, a stand-in for a database or HTTP call. "
                        + "Load: a closed-loop generator of our own (`dev.activations.bench.http.LoadGenerator`, Java NIO, "
                        + "one selector thread) in a separate JVM started from the same jar, holding 400 keep-alive "
                        + "HTTP/1.1 connections, each sending a GET as soon as it has read the whole previous "
                        + "response (Content-Length). It shares the machine's cores with the server, the same for "
                        + "every executor. One JMH iteration is one load window: requests/s counted on the server as "
                        + "handlers finish; p50 and p99 latency (request written to response read, as the client sees "
                        + "it) from the generator's histogram over the same window.");
        Table t = new Table("Requests per second and latency (ms)", "handler / metric", "Activations", "virtual threads",
                "platform threads (pool of 200)", "Activations / virtual", "Activations / platform");
        Map<String, double[]> rps = new LinkedHashMap<>();
        Map<String, double[]> p99 = new LinkedHashMap<>();
        impls.forEach(i -> {
            rps.put(label(i), new double[handlers.size()]);
            p99.put(label(i), new double[handlers.size()]);
        });
        for (int h = 0; h < handlers.size(); h++) {
            String handler = handlers.get(h);
            Map<String, Double> score = scores(m, "handler", handler);
            Map<String, Double> p50 = secondary(m, "p50Millis", "handler", handler);
            Map<String, Double> p99h = secondary(m, "p99Millis", "handler", handler);
            t.row(handler + ": requests/s", get(score, "activations"), get(score, "virtual"), get(score, "platform"),
                    get(score, "activations") / get(score, "virtual"), get(score, "activations") / get(score, "platform"));
            t.row(handler + ": p50 latency", get(p50, "activations"), get(p50, "virtual"), get(p50, "platform"),
                    get(p50, "activations") / get(p50, "virtual"), get(p50, "activations") / get(p50, "platform"));
            t.row(handler + ": p99 latency", get(p99h, "activations"), get(p99h, "virtual"), get(p99h, "platform"),
                    get(p99h, "activations") / get(p99h, "virtual"), get(p99h, "activations") / get(p99h, "platform"));
            for (String i : impls) {
                rps.get(label(i))[h] = get(score, i);
                p99.get(label(i))[h] = get(p99h, i);
            }
            Map<String, Double> errors = secondary(m, "errors", "handler", handler);
            errors.forEach((impl, e) -> {
                if (e > 0) {
                    s.notes.add(String.format(Locale.ROOT, "%s / %s: the generator lost %.1f connections per second "
                            + "(closed by the server or a bad response) and replaced them.", handler, label(impl), e));
                }
            });
            missing(s, m.stream().filter(x -> x.matches("handler", handler)).toList(), "HttpLoad " + handler,
                    impls.toArray(String[]::new));
            if (handler.equals(HttpLoad.BLOCK)) {
                target("HttpLoad block20ms", "requests/s Activations / virtual", "≥ 1.0",
                        get(score, "activations") / get(score, "virtual"), 1.0, false);
            } else {
                target("HttpLoad compute", "requests/s Activations / virtual", "≥ 1.1",
                        get(score, "activations") / get(score, "virtual"), 1.1, false);
            }
        }
        s.tables.add(t);
        List<String> categories = handlers.stream().map(h -> "handler " + h).toList();
        chart(s, "http.png", "HTTP requests per second with each executor, measured here",
                () -> Charts.bars(out.resolve("http.png"), "HttpServer under 400 connections: requests per second",
                        "requests / s", false, categories, rps));
        chart(s, "http-p99.png", "HTTP p99 latency with each executor (log scale), measured here",
                () -> Charts.bars(out.resolve("http-p99.png"), "HttpServer under 400 connections: p99 latency (log scale)",
                        "ms", true, categories, p99));
        s.notes.add("Ideal block20ms throughput: 400 connections / 20 ms = 20 000 requests/s; the pool of 200 "
                + "platform threads caps it at 10 000. Under a closed loop, mean latency = connections / throughput "
                + "(Little's law), so p50 mostly mirrors requests/s; p99 shows how evenly the executor serves.");
        return s;
    }

    /**
     * Table V made about latency: a web executor (tiny tasks every 2 ms) beside a batch executor
     * saturated with 1 ms computations.
     */
    private Section twoApps() throws Exception {
        List<String> impls = List.of("activations", "activations-shares", "virtual", "forkjoin", "platform");
        List<Measurement> m = jmh.run(new Jmh.Run(TwoApps.class).param("impl", impls.toArray(String[]::new))
                .param("scenario", TwoApps.WEB_ALONE, TwoApps.BATCH_ALONE, TwoApps.BOTH).window());
        double bound = TwoApps.STARVED_AFTER_NANOS / 1e6;
        Section s = new Section("Two applications on one machine: latency beside a batch job",
                "The paper's Table V made about latency. A *web* executor receives a tiny task every 2 ms (from "
                        + "the JMH thread; the task records its submit-to-start latency); a *batch* executor is "
                        + "kept saturated with CPU tasks of about 1 ms (a plain Java loop of fixed length, the same "
                        + "work in every run, with no runtime calls and no checkpoints), " + TwoApps.QUEUED_PER_PROCESSOR + " per processor always queued or running: a "
                        + "platform thread of the benchmark submits a new one whenever one ends. Three "
                        + "scenarios per executor pair: web alone (batch idle: web's unloaded latency), batch alone, "
                        + "and both. Pairs: Activations as two address spaces on one kernel of all " + cores
                        + " processors, web priority 8 and batch priority 3 (`Scheduler.builder()...priority(n)`, "
                        + "then `Activations.newExecutor(scheduler)`); virtual threads as two "
                        + "`newVirtualThreadPerTaskExecutor()`s on the JDK's one scheduler; two `ForkJoinPool(" + cores
                        + ")`s; two fixed pools of " + cores + " platform threads, web's at `Thread.MAX_PRIORITY` and "
                        + "batch's at `MIN_PRIORITY` (HotSpot on Linux ignores Java priorities by default). A web task "
                        + "not started " + Table.num(bound) + " ms after its submission is *starved*: it counts at "
                        + "that bound, and a percentile that lands on it is shown as \"starved\"; no wait is longer.");
        Map<String, Map<String, Measurement>> by = new LinkedHashMap<>();
        for (String sc : List.of(TwoApps.WEB_ALONE, TwoApps.BATCH_ALONE, TwoApps.BOTH)) {
            Map<String, Measurement> row = new LinkedHashMap<>();
            m.stream().filter(x -> x.matches("scenario", sc)).forEach(x -> row.put(x.param("impl"), x));
            by.put(sc, row);
        }
        Table t = new Table("Web latency (ms) and batch throughput", "", label("activations"),
                label("activations-shares"), label("virtual"), "2 x ForkJoinPool", "platform threads (priorities)");
        Map<String, double[]> latencyBars = new LinkedHashMap<>();
        Map<String, double[]> batchBars = new LinkedHashMap<>();
        String[] rowNames = {"web p50, batch idle", "web p99, batch idle", "web p50, batch saturated",
                "web p99, batch saturated", "web p99: saturated / idle", "web tasks starved per s (of 500), batch saturated",
                "batch tasks/s alone", "batch tasks/s beside web", "batch: beside web / alone",
                "batch utilization alone (estimate; 1 = all processors)"};
        Object[][] cells = new Object[rowNames.length][impls.size() + 1];
        for (int r = 0; r < rowNames.length; r++) {
            cells[r][0] = rowNames[r];
        }
        Map<String, double[]> values = new LinkedHashMap<>();
        for (int c = 0; c < impls.size(); c++) {
            String impl = impls.get(c);
            double p50Idle = millis(by.get(TwoApps.WEB_ALONE).get(impl), "webP50Micros", bound);
            double p99Idle = millis(by.get(TwoApps.WEB_ALONE).get(impl), "webP99Micros", bound);
            double p50Busy = millis(by.get(TwoApps.BOTH).get(impl), "webP50Micros", bound);
            double p99Busy = millis(by.get(TwoApps.BOTH).get(impl), "webP99Micros", bound);
            double starved = sec(by.get(TwoApps.BOTH).get(impl), "webStarved");
            double alone = sec(by.get(TwoApps.BATCH_ALONE).get(impl), "batchTasks");
            double beside = sec(by.get(TwoApps.BOTH).get(impl), "batchTasks");
            double util = sec(by.get(TwoApps.BATCH_ALONE).get(impl), "batchUtilization");
            cells[0][c + 1] = latency(p50Idle);
            cells[1][c + 1] = latency(p99Idle);
            cells[2][c + 1] = latency(p50Busy);
            cells[3][c + 1] = latency(p99Busy);
            cells[4][c + 1] = Double.isInfinite(p99Busy) || Double.isInfinite(p99Idle) ? "starved" : (Object) (p99Busy / p99Idle);
            cells[5][c + 1] = starved;
            cells[6][c + 1] = alone;
            cells[7][c + 1] = beside;
            cells[8][c + 1] = beside / alone;
            cells[9][c + 1] = util;
            latencyBars.put(label(impl), new double[] {atBound(p99Idle, bound), atBound(p99Busy, bound)});
            batchBars.put(label(impl), new double[] {alone, beside});
            values.put(impl, new double[] {p99Idle, p99Busy, alone, beside});
        }
        for (Object[] row : cells) {
            t.row(row);
        }
        s.tables.add(t);
        chart(s, "twoapps.png", "Web p99 submit-to-start latency, batch idle and batch saturated (log scale; a bar at "
                        + Table.num(bound) + " ms means starved), measured here",
                () -> Charts.bars(out.resolve("twoapps.png"),
                        "Web p99 latency beside a saturated batch (log scale; " + Table.num(bound) + " ms = starved)",
                        "ms", true, List.of("batch idle", "batch saturated"), latencyBars));
        chart(s, "twoapps-batch.png", "Batch tasks per second, alone and beside web, measured here",
                () -> Charts.bars(out.resolve("twoapps-batch.png"), "Batch throughput alone and beside web",
                        "1 ms tasks / s", false, List.of("batch alone", "batch beside web"), batchBars));
        s.notes.add("Batch tasks make no runtime calls and no checkpoints (a checkpoint-free low space): no scheduler "
                + "of ours can stop one midway. With OS priorities (Linux, --enable-native-access) batch's carriers run "
                + "at a higher nice value than web's, and when web has work the kernel gives it one of batch's "
                + "processors at once: the OS runs web's carrier wherever batch's is, and batch's stops at the end "
                + "of its task (or gets the processor back first). Web uses almost no processor time (500 tiny "
                + "tasks/s), so batch beside web should keep nearly all of its throughput alone: the kernel lends "
                + "web's idle processors to batch at once (an idle processor is not demand). With shares (equal "
                + "priorities) the kernel displaces batch's carrier too; both run at one nice value, so the carrier it "
                + "wakes for web asks Linux for a shorter time slice than batch's (100 µs, Linux 6.12+): Linux then "
                + "runs it at once, not when batch's slice ends, and shares the core between them after that.");
        s.notes.add("Shares: web and batch at equal priority with shares 3 : 1. Web wants less than its 1.5 "
                + "processors, so batch gets the rest: the shares only matter when both saturate (SharesTest).");
        missing(s, m, "TwoApps", impls.toArray(String[]::new));
        double[] a = values.get("activations");
        target("TwoApps", "Activations web p99, checkpoint-free batch saturated (ms)", "≤ 0.3", a[1], 0.3, true);
        target("TwoApps", "Activations web p99 saturated / idle", "≤ 1.5", a[1] / a[0], 1.5, true);
        target("TwoApps", "Activations batch tasks/s beside web / alone", "≥ 0.9", a[3] / a[2], 0.9, false);
        double[] sh = values.get("activations-shares");
        target("TwoApps", "Activations, shares 3 : 1, web p99 beside the same batch (ms)", "≤ 0.3", sh[1], 0.3, true);
        return s;
    }

    /** A TwoApps latency in ms: +inf when it reached the starvation bound, NaN when missing. */
    private static double millis(Measurement x, String micros, double boundMillis) {
        double v = sec(x, micros) / 1e3;
        return v >= 0.99 * boundMillis ? Double.POSITIVE_INFINITY : v;
    }

    private static double sec(Measurement x, String name) {
        return x == null ? Double.NaN : x.secondary().getOrDefault(name, Double.NaN);
    }

    private static Object latency(double millis) {
        return Double.isInfinite(millis) ? "starved" : (Object) millis;
    }

    private static double atBound(double millis, double bound) {
        return Double.isInfinite(millis) ? bound : millis;
    }

    // ------------------------------------------------------------------ helpers

    @FunctionalInterface
    private interface Drawing {
        void draw() throws IOException;
    }

    /** Draws a chart into the section; a chart that cannot be drawn becomes a note, not a failed job. */
    private static void chart(Section s, String file, String caption, Drawing drawing) {
        try {
            drawing.draw();
            s.charts.add(new Section.Chart(file, caption));
        } catch (IOException e) {
            s.notes.add("Chart " + file + " not drawn: " + e.getMessage());
            System.out.println("      " + e.getMessage());
        }
    }

    /** Scores by impl, in µs (the benchmark's unit is ns/op). */
    private static Map<String, Double> micros(List<Measurement> m) {
        Map<String, Double> r = new LinkedHashMap<>();
        scores(m).forEach((k, v) -> r.put(k, v / 1e3));
        return r;
    }

    private static Map<String, Double> scores(List<Measurement> m, String... filter) {
        Map<String, Double> r = new LinkedHashMap<>();
        for (Measurement x : m) {
            if (x.matches(filter)) {
                r.put(x.param("impl"), x.score());
            }
        }
        return r;
    }

    /** A secondary result by impl, for the measurements matching {@code filter}. */
    private static Map<String, Double> secondary(List<Measurement> m, String name, String... filter) {
        Map<String, Double> r = new LinkedHashMap<>();
        for (Measurement x : m) {
            if (x.matches(filter)) {
                r.put(x.param("impl"), x.secondary().getOrDefault(name, Double.NaN));
            }
        }
        return r;
    }

    private static double get(Map<String, Double> m, String impl) {
        return m.getOrDefault(impl, Double.NaN);
    }

    private static String label(String impl) {
        return switch (impl) {
            case "activations" -> "Activations";
            case "userthread" -> "Activations user threads";
            case "virtual" -> "virtual threads";
            case "platform" -> "platform threads";
            case "forkjoin" -> "ForkJoinPool";
            case "floor" -> "floor (bare continuation)";
            case "activations-shares" -> "Activations, shares 3 : 1";
            default -> impl;
        };
    }

    /** Notes every expected impl that has no result (it failed: JMH's log in the output directory says why). */
    private static void missing(Section s, List<Measurement> m, String what, String... impls) {
        for (String impl : impls) {
            if (m.stream().noneMatch(x -> impl.equals(x.param("impl")))) {
                s.notes.add("**" + what + " / " + impl + " failed** (no result; see the jmh-*.log files).");
            }
        }
    }

    private void target(String benchmark, String ratio, String target, double value, double bound, boolean atMost) {
        String met = Double.isNaN(value) ? "n/a" : (atMost ? value <= bound : value >= bound) ? "yes" : "no";
        targets.row(benchmark, ratio, target, Double.isInfinite(value) ? (Object) "∞ (starved)" : (Object) value, met);
    }
}
