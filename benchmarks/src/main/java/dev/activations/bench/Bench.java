package dev.activations.bench;

/** Constants the benchmark classes share (annotation values must be compile-time constants). */
public final class Bench {
    /** Every fork needs it: the runtime and {@link Floor} use {@code jdk.internal.vm.Continuation}. */
    public static final String ADD_EXPORTS = "--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED";

    /** Every fork needs it too: the runtime's Java threads (JDK virtual-thread internals). */
    public static final String ADD_OPENS = "--add-opens=java.base/java.lang=ALL-UNNAMED";

    /** OS priorities (setpriority) and {@code pinCarriers(true)} (sched_setaffinity), through the FFM API: without it the kernel is cooperative. */
    public static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    /** The JDK's virtual-thread scheduler parallelism, fixed at JVM start. */
    public static final String VT_PARALLELISM = "-Djdk.virtualThreadScheduler.parallelism=";

    /** Pins the JDK's virtual-thread scheduler to one carrier (single-processor benchmarks). */
    public static final String VT_ONE_CARRIER = VT_PARALLELISM + "1";

    /** The null procedure. */
    static final Runnable EMPTY = () -> {
    };

    private Bench() {
    }
}
