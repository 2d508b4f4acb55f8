/**
 * The user-level runtime of Activations: user threads on continuations, the scheduler that
 * implements the kernel's upcalls, synchronization and the executor facade.
 *
 * <p>Continuations are JDK-internal: the JVM must export {@code jdk.internal.vm} to this
 * module. On the module path:
 * {@code --add-exports java.base/jdk.internal.vm=dev.activations.runtime}; on the class
 * path: {@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED}. Without it the first
 * use fails with a message that names the flag.
 */
module dev.activations.runtime {
    requires transitive dev.activations.kernel;
    requires java.management;
    requires jdk.jfr;
    requires org.agrona;
    requires org.jctools.core;

    exports dev.activations.runtime;
}
