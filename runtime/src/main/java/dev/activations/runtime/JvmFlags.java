package dev.activations.runtime;

/**
 * The JVM flags the runtime needs, in one message (one flag story for every failure).
 *
 * <p>Raw user threads run on {@code jdk.internal.vm.Continuation} ({@link Fiber}: an export);
 * Java threads are {@code java.lang.VirtualThread}s built with our scheduler through the
 * package-private {@code ThreadBuilders.VirtualThreadBuilder(Executor)}, and find their carrier
 * with {@code Thread.currentCarrierThread()} ({@link VirtualThreads}: an open). The kernel's
 * optional CPU pinning needs native access; it says so itself, in the same words.
 */
final class JvmFlags {
    private JvmFlags() {
    }

    /** Who the flags name: this module on the module path, else every unnamed module. */
    static final String TARGET = JvmFlags.class.getModule().isNamed() ? JvmFlags.class.getModule().getName() : "ALL-UNNAMED";

    static final String ADD_EXPORTS = "--add-exports java.base/jdk.internal.vm=" + TARGET;
    static final String ADD_OPENS = "--add-opens java.base/java.lang=" + TARGET;

    /** What a user must do, naming every flag; {@code cause} says which check failed. */
    static String missing(String cause) {
        return "Activations needs the JVM flags " + ADD_EXPORTS + " " + ADD_OPENS
                + " (class path: =ALL-UNNAMED; module path: =dev.activations.runtime), plus --enable-native-access="
                + TARGET + " for Kernel.builder().pinCarriers(true). Add them to the java command line (or to "
                + "surefire's argLine), or put 'Add-Exports: java.base/jdk.internal.vm', 'Add-Opens: java.base/java.lang' "
                + "and 'Enable-Native-Access: ALL-UNNAMED' in an executable jar's manifest. (" + cause + ")";
    }
}
