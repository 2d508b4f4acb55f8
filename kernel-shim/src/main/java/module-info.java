/**
 * The kernel shim of Activations: virtual processors, activations (carrier threads),
 * address spaces and the upcall/downcall interfaces. Needs no JVM flags.
 *
 * <p>Observability: JDK Flight Recorder events {@code dev.activations.*} (hence
 * {@code jdk.jfr}) and a JMX bean per kernel (hence {@code java.management}).
 * {@code dev.activations.kernel.internal} is not API: it is exported only to the runtime.
 *
 * <p>HdrHistogram records the hand-off latencies ({@code HandOffClock}); it stays out of the API
 * ({@link dev.activations.kernel.LatencySnapshot} wraps its histograms), so the requirement is not
 * transitive. Its 2.2.2 jar declares no module name (its build meant {@code Automatic-Module-Name:
 * org.HdrHistogram}, which the bundle plugin dropped), so the name is the one the JDK derives from
 * the file name {@code HdrHistogram-2.2.2.jar}: {@code HdrHistogram}. A release that restores the
 * manifest entry renames the module, and this line must follow.
 */
module dev.activations.kernel {
    requires java.management;
    requires jdk.jfr;
    requires HdrHistogram;

    exports dev.activations.kernel;
    exports dev.activations.kernel.internal to dev.activations.runtime;
}
