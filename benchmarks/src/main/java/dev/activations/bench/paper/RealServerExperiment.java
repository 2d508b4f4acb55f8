package dev.activations.bench.paper;

import dev.activations.bench.RealServer;
import dev.activations.bench.server.OrderDatabase;
import dev.activations.bench.server.WebServer;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The paper job's experiment {@code realserver} (issue 23): the servers users run, Jetty 12 and
 * Tomcat 11 embedded ({@link RealServer}), each request on Activations Java threads, on JDK
 * virtual threads or on the server's own pool of 200 platform threads, under the closed-loop
 * load of the {@code http} experiment; handlers compute, sleep, a JDBC transaction (HikariCP,
 * H2) and a read that pins its carrier. Per server: a table of requests/s and latency with the
 * ratios, a chart of requests/s, and the targets: Activations at least as fast as virtual threads
 * on compute, sleep and jdbc; on pinned, at least half the platform pool's requests/s and ten
 * times virtual threads'. A run whose checks fail (a request lost, counts that do not add up) has
 * no result and is named in a note. The quick profile runs Jetty only (12 forks, about a minute
 * and a half on 2 cores), the full one both servers. Kept out of {@link Paper} but for one call.
 */
final class RealServerExperiment {
    private static final List<String> QUICK_SERVERS = List.of(WebServer.JETTY);
    private static final List<String> ALL_SERVERS = List.of(WebServer.JETTY, WebServer.TOMCAT);
    private static final List<String> HANDLERS = List.of(RealServer.COMPUTE, RealServer.SLEEP, RealServer.JDBC,
            RealServer.PINNED);
    private static final List<String> EXECUTORS = List.of("activations", "virtual", "platform");

    private RealServerExperiment() {
    }

    /** The JMH forks (servers × handlers × executors) one profile runs, for Paper's progress line. */
    static int runs(Profile profile) {
        return servers(profile).size() * HANDLERS.size() * EXECUTORS.size();
    }

    private static List<String> servers(Profile profile) {
        return profile == Profile.FULL ? ALL_SERVERS : QUICK_SERVERS;
    }

    static Section run(Jmh jmh, Profile profile, Path out, Targets targets) throws Exception {
        List<String> servers = servers(profile);
        List<Measurement> m = jmh.run(new Jmh.Run(RealServer.class).param("server", servers.toArray(String[]::new))
                .param("handler", HANDLERS.toArray(String[]::new)).param("executor", EXECUTORS.toArray(String[]::new))
                .serverWindow());
        int cores = Runtime.getRuntime().availableProcessors();
        Section s = new Section("Real servers: Jetty and Tomcat under load",
                "The servers users run, embedded: Jetty 12 (its core API; the executor under test given to its "
                        + "`QueuedThreadPool` with `setVirtualThreadsExecutor`, so Jetty runs each request's handler "
                        + "on it) and Tomcat 11 (a servlet; the executor given to the connector's protocol handler "
                        + "with `setExecutor`, so Tomcat runs each whole request on it). Executors: "
                        + "`Activations.newExecutor()` (a space on the shared kernel of " + cores + " processors), "
                        + "`Executors.newVirtualThreadPerTaskExecutor()`, and the server's own pool of "
                        + WebServer.PLATFORM_POOL + " platform threads. Handlers: *compute* (about 30 µs of a plain "
                        + "CPU loop), *sleep* (`Thread.sleep(20)`), *jdbc* (one transaction through a HikariCP pool of "
                        + OrderDatabase.POOL_SIZE + " connections over an in-memory H2: bump a counter row, insert "
                        + "an order; every transaction updates the one row, so they commit one after another), "
                        + "*pinned* (a 2 ms read of a named pipe through `FileInputStream`, which holds the carrier "
                        + "of a virtual thread, bracketed with `UserThread.blocking` so that Activations can hand "
                        + "the processor on). Load as in the HTTP experiment: 400 keep-alive connections from our "
                        + "generator in a JVM of its own, a closed loop. Every iteration checks that no connection "
                        + "was lost and no answer was other than 200, and every run ends by draining the load and "
                        + "checking requests sent = answered = finished by the server (and, for jdbc, = the counter "
                        + "= the rows); a failed check fails the run."
                        + (servers.size() < ALL_SERVERS.size() ? " This profile runs Jetty only; `--full` runs Tomcat "
                                + "too." : ""));
        for (String server : servers) {
            List<Measurement> ms = m.stream().filter(x -> x.matches("server", server)).toList();
            String name = server.equals(WebServer.JETTY) ? "Jetty 12" : "Tomcat 11";
            Table t = new Table(name + ": requests per second and latency (ms)", "handler / metric", "Activations",
                    "virtual threads", "platform threads (pool of 200)", "Activations / virtual",
                    "Activations / platform");
            Map<String, double[]> rps = new LinkedHashMap<>();
            EXECUTORS.forEach(e -> rps.put(label(e), new double[HANDLERS.size()]));
            for (int h = 0; h < HANDLERS.size(); h++) {
                String handler = HANDLERS.get(h);
                Map<String, Measurement> by = new LinkedHashMap<>();
                ms.stream().filter(x -> x.matches("handler", handler)).forEach(x -> by.put(x.param("executor"), x));
                double a = score(by.get("activations"));
                double v = score(by.get("virtual"));
                double p = score(by.get("platform"));
                t.row(handler + ": requests/s", a, v, p, a / v, a / p);
                row(t, handler + ": p50 latency", by, "p50Millis");
                row(t, handler + ": p99 latency", by, "p99Millis");
                for (String e : EXECUTORS) {
                    rps.get(label(e))[h] = score(by.get(e));
                    if (by.get(e) == null) {
                        s.notes.add("**RealServer / " + server + " / " + handler + " / " + e + " failed** (no result: "
                                + "a check failed or the run broke; see the jmh-*.log files).");
                    }
                }
                String what = "RealServer " + server + " " + handler;
                if (handler.equals(RealServer.PINNED)) {
                    targets.add(what, "requests/s Activations / platform", "≥ 0.5", a / p, 0.5, false);
                    targets.add(what, "requests/s Activations / virtual", "≥ 10", a / v, 10, false);
                } else {
                    targets.add(what, "requests/s Activations / virtual", "≥ 1.0", a / v, 1.0, false);
                }
            }
            s.tables.add(t);
            String file = "realserver-" + server + ".png";
            s.chart(file, name + ": requests per second with each executor (log scale), measured here",
                    () -> Charts.bars(out.resolve(file), name + " under 400 connections: requests per second (log scale)",
                            "requests / s", true, HANDLERS.stream().map(h -> "handler " + h).toList(), rps));
        }
        s.notes.add("Ideal sleep throughput: 400 connections / 20 ms = 20 000 requests/s; the pool of 200 platform "
                + "threads caps it at 10 000. Pinned: 400 / 2 ms = 200 000 requests/s if only the reads counted; "
                + "a read blocks a virtual thread's carrier, one of the JDK scheduler's " + cores + ", which without "
                + "extra carriers caps it at " + cores + " / 2 ms = " + cores * 500 + " requests/s. Compute is "
                + "CPU-bound: " + cores + " cores, shared with the generator.");
        return s;
    }

    private static void row(Table t, String name, Map<String, Measurement> by, String secondary) {
        double a = secondary(by.get("activations"), secondary);
        double v = secondary(by.get("virtual"), secondary);
        double p = secondary(by.get("platform"), secondary);
        t.row(name, a, v, p, a / v, a / p);
    }

    private static double score(Measurement x) {
        return x == null ? Double.NaN : x.score();
    }

    private static double secondary(Measurement x, String name) {
        return x == null ? Double.NaN : x.secondary().getOrDefault(name, Double.NaN);
    }

    private static String label(String executor) {
        return switch (executor) {
            case "activations" -> "Activations";
            case "virtual" -> "virtual threads";
            case "platform" -> "platform threads (pool of 200)";
            default -> executor;
        };
    }
}
