package dev.activations.bench;

/** {@code virtual}: one new JDK virtual thread per start, on the JVM's one virtual-thread scheduler. */
final class VirtualKind extends JdkThreadKind {
    private static final String PARALLELISM = "jdk.virtualThreadScheduler.parallelism";
    private static final Thread.Builder BUILDER = Thread.ofVirtual().name("bench-virtual");

    /**
     * @param processors the parallelism the run expects; the JDK's scheduler takes it only from
     *                   a system property at startup, so a mismatch is an error, not a silent lie
     */
    VirtualKind(int processors) {
        super(VIRTUAL, BUILDER);
        int all = Runtime.getRuntime().availableProcessors();
        int actual = Integer.getInteger(PARALLELISM, all);
        if (actual != processors) {
            throw new IllegalArgumentException("virtual threads would run on " + actual + " carriers, not "
                    + processors + ": start the JVM with -D" + PARALLELISM + "=" + processors
                    + " (JMH: -jvmArgsAppend -D" + PARALLELISM + "=" + processors + ")");
        }
    }
}
