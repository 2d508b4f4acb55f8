/**
 * The kernel shim of Activations: virtual processors, activations (carrier threads),
 * address spaces and the upcall/downcall interfaces. Needs no JVM flags.
 *
 * <p>Observability: JDK Flight Recorder events {@code dev.activations.*} (hence
 * {@code jdk.jfr}) and a JMX bean per kernel (hence {@code java.management}).
 * {@code dev.activations.kernel.internal} is not API: it is exported only to the runtime.
 */
module dev.activations.kernel {
    requires java.management;
    requires jdk.jfr;

    exports dev.activations.kernel;
    exports dev.activations.kernel.internal to dev.activations.runtime;
}
