package dev.activations.stress;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.openjdk.jcstress.JCStress;
import org.openjdk.jcstress.Options;
import org.openjdk.jcstress.infra.Status;
import org.openjdk.jcstress.infra.collectors.DiskReadCollector;
import org.openjdk.jcstress.infra.collectors.InProcessCollector;
import org.openjdk.jcstress.infra.collectors.TestResult;

/**
 * Entry point of {@code stress-tests/target/jcstress.jar}: jcstress's own {@code Main}, plus
 * the three things this project needs so that {@code java -jar jcstress.jar [options]} works
 * with no extra flags.
 *
 * <ol>
 *   <li><b>JDK 25.</b> The tests are compiled for Java 25. This class is compiled for Java 17:
 *       started on an older JVM it looks for a JDK 25 or newer ({@code JAVA_HOME}, then the usual
 *       install directories) and re-runs the same command on it.</li>
 *   <li><b>{@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED
 *       --add-opens java.base/java.lang=ALL-UNNAMED}.</b> The jar's manifest
 *       ({@code Add-Exports}, {@code Add-Opens}) covers this JVM, but jcstress forks one JVM per test with
 *       {@code -cp}, where manifests do not apply; the flags are added to jcstress's
 *       {@code -jvmArgsPrepend}, merged with any the caller gave.</li>
 *   <li><b>Exit status.</b> jcstress's {@code Main} exits 0 even when tests fail; this one reads
 *       the result file back and exits 1 if any test failed or errored, so CI can rely on it.</li>
 * </ol>
 * All options are jcstress's ({@code -h} lists them): e.g. {@code -t UserThread_ -m quick}.
 */
public final class Main {
    static final String ADD_EXPORTS = "--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED";
    /** Every flag the runtime needs: raw continuations (an export) and Java threads (an open). */
    static final List<String> FLAGS = List.of(ADD_EXPORTS, "--add-opens=java.base/java.lang=ALL-UNNAMED");
    /** Also for the forked JVMs: silences JDK 25's warnings about JNA (jcstress) and Unsafe (JCTools). */
    static final List<String> QUIET = List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow");
    static final int REQUIRED_FEATURE = 25;

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (Runtime.version().feature() < REQUIRED_FEATURE) {
            System.exit(relaunchOnNewerJdk(args));
        }
        String[] jcstressArgs = withAddExports(args);

        System.out.println("Java Concurrency Stress Tests (Activations suite; forked JVMs get " + String.join(" ", FLAGS) + ")");
        System.out.println("---------------------------------------------------------------------------------");
        Options opts = new Options(jcstressArgs);
        if (!opts.parse()) {
            System.exit(1);
        }
        JCStress jcstress = new JCStress(opts);
        if (opts.shouldList()) {
            for (String test : jcstress.getTests()) {
                System.out.println(test);
            }
            return;
        }
        if (opts.shouldParse()) {
            jcstress.parseResults();
            return;
        }
        try {
            jcstress.run();
        } catch (AssertionError e) {
            // jcstress's own summary of forbidden outcomes ("TEST FAILURES"); the verdict repeats it.
            System.err.println(e.getMessage());
        }
        System.exit(verdict(opts.getResultFile()));
    }

    /** Adds {@link #FLAGS} to the caller's {@code -jvmArgsPrepend} (or adds that option). */
    static String[] withAddExports(String[] args) {
        List<String> out = new ArrayList<>();
        List<String> prepend = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("-jvmArgsPrepend") && i + 1 < args.length) {
                prepend.addAll(Arrays.asList(args[++i].trim().split("\\s+")));
            } else {
                out.add(args[i]);
            }
        }
        prepend.removeIf(String::isEmpty);
        List<String> ours = new ArrayList<>();
        ours.addAll(FLAGS);
        ours.addAll(QUIET);
        ours.removeAll(prepend);
        prepend.addAll(0, ours);
        // jcstress splits a single value at spaces and takes several values as they are.
        for (String a : prepend) {
            out.add("-jvmArgsPrepend");
            out.add(a);
        }
        return out.toArray(new String[0]);
    }

    /** 0 if every test passed, 1 if some failed or errored (with their names on stderr). */
    private static int verdict(String resultFile) throws IOException, ClassNotFoundException {
        InProcessCollector collector = new InProcessCollector();
        DiskReadCollector reader = new DiskReadCollector(resultFile, collector);
        try {
            reader.dump();
        } finally {
            reader.close();
        }
        List<String> failed = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        int total = 0;
        for (TestResult r : collector.getTestResults()) {
            total++;
            if (r.status() != Status.NORMAL) {
                errors.add(r.getName() + " " + describe(r) + ": " + r.status());
            } else if (!r.grading().isPassed) {
                failed.add(r.getName() + " " + describe(r));
            }
        }
        if (failed.isEmpty() && errors.isEmpty()) {
            System.out.println("Activations jcstress suite: " + total + " test results, 0 failed, 0 errors.");
            return 0;
        }
        System.err.println("Activations jcstress suite: " + total + " test results, " + failed.size() + " failed, "
                + errors.size() + " errors:");
        failed.forEach(f -> System.err.println("  FAILED " + f));
        errors.forEach(e -> System.err.println("  ERROR  " + e));
        return 1;
    }

    /** The JVM flags of the fork, minus the ones every fork gets. */
    private static String describe(TestResult r) {
        if (r.getConfig() == null) {
            return "";
        }
        List<String> flags = new ArrayList<>(r.getConfig().jvmArgs);
        flags.removeAll(FLAGS);
        flags.removeAll(QUIET);
        return flags.toString();
    }

    // ------------------------------------------------------------------ finding a JDK 25

    private static int relaunchOnNewerJdk(String[] args) throws IOException, InterruptedException {
        Path java = findJava();
        if (java == null) {
            System.err.println("This jcstress suite needs a JDK " + REQUIRED_FEATURE + " or newer; this is "
                    + Runtime.version() + " (" + System.getProperty("java.home") + ") and none was found in "
                    + "JAVA_HOME or the usual install directories. Run it as: /path/to/jdk-" + REQUIRED_FEATURE
                    + "/bin/java -jar jcstress.jar [options]");
            return 2;
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        Path self = selfLocation();
        if (self != null && Files.isRegularFile(self)) {
            cmd.add("-jar");
            cmd.add(self.toString());
        } else {
            cmd.addAll(FLAGS);
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(Main.class.getName());
        }
        cmd.addAll(Arrays.asList(args));
        System.err.println("(" + Runtime.version() + " is too old for these tests; re-running on " + java + ")");
        return new ProcessBuilder(cmd).inheritIO().start().waitFor();
    }

    private static Path selfLocation() {
        try {
            return Paths.get(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** The {@code bin/java} of the newest JDK >= 25 in JAVA_HOME or the usual places, or null. */
    static Path findJava() throws IOException {
        List<Path> homes = new ArrayList<>();
        String env = System.getenv("JAVA_HOME");
        if (env != null && !env.isBlank()) {
            homes.add(Paths.get(env));
        }
        String userHome = System.getProperty("user.home");
        for (String dir : new String[] {"/usr/lib/jvm", "/usr/java", "/usr/local/java", "/opt/java", "/opt",
                userHome + "/.jdks", userHome + "/.sdkman/candidates/java", "/Library/Java/JavaVirtualMachines"}) {
            Path d = Paths.get(dir);
            if (Files.isDirectory(d)) {
                try (Stream<Path> s = Files.list(d)) {
                    s.forEach(p -> {
                        homes.add(p);
                        homes.add(p.resolve("Contents/Home"));
                    });
                }
            }
        }
        Path best = null;
        int bestFeature = REQUIRED_FEATURE - 1;
        for (Path home : homes) {
            Path java = home.resolve("bin").resolve(File.separatorChar == '\\' ? "java.exe" : "java");
            int feature = feature(home);
            if (feature > bestFeature && Files.isExecutable(java)) {
                best = java;
                bestFeature = feature;
            }
        }
        return best;
    }

    /** The feature release in {@code home/release} (JAVA_VERSION="25.0.3" gives 25), or -1. */
    private static int feature(Path home) {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release)) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(release, StandardCharsets.UTF_8)) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "").trim();
                    String first = v.split("[.+\\-]")[0];
                    return Integer.parseInt(first.equals("1") ? v.split("\\.")[1] : first);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
