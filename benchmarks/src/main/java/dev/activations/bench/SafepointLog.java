package dev.activations.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Time to safepoint from HotSpot's {@code -Xlog:safepoint} files: how long the JVM waited for
 * every Java thread to stop at a safepoint, the risk of carriers that run at a higher OS nice
 * value (issue 21: a displaced carrier must still reach safepoints promptly). Prints the count,
 * p50, p99 and max of "Reaching safepoint" over every file given.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.activations.bench.SafepointLog target/results/ttsp-*.log
 * </pre>
 */
public final class SafepointLog {
    private static final Pattern REACHING = Pattern.compile("Reaching safepoint: (\\d+) ns");

    private SafepointLog() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            throw new IllegalArgumentException("give -Xlog:safepoint files to read, e.g. target/results/ttsp-*.log");
        }
        List<Long> ttsp = new ArrayList<>();
        for (String file : args) {
            for (String line : Files.readAllLines(Path.of(file))) {
                Matcher m = REACHING.matcher(line);
                if (m.find()) {
                    ttsp.add(Long.parseLong(m.group(1)));
                }
            }
        }
        if (ttsp.isEmpty()) {
            throw new IllegalStateException("no \"Reaching safepoint\" line in " + Arrays.toString(args));
        }
        long[] v = ttsp.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "safepoints %d, time to safepoint p50 %.1f µs, p99 %.1f µs, max %.1f µs%n",
                v.length, v[(v.length - 1) / 2] / 1e3, v[(int) Math.ceil(0.99 * v.length) - 1] / 1e3, v[v.length - 1] / 1e3);
    }
}
