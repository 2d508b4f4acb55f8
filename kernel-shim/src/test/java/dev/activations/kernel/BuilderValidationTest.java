package dev.activations.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Every bad configuration value is rejected at once with an
 * {@link IllegalArgumentException} whose message starts with the parameter's name: the
 * builder's setters and {@code build()} (maxActivations below processors), {@code attach}'s
 * name, priority and upcalls, and the {@code requestProcessors} count. Downcalls made from
 * the wrong place fail loudly too. The defaults build a working kernel.
 */
class BuilderValidationTest {

    private static void rejected(String parameter, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call, parameter);
        assertTrue(e.getMessage() != null && e.getMessage().startsWith(parameter + " "),
                "message should name " + parameter + ": " + e.getMessage());
    }

    @Test
    void processors() {
        rejected("processors", () -> Kernel.builder().processors(0));
        rejected("processors", () -> Kernel.builder().processors(-1));
        rejected("processors", () -> Kernel.builder().processors(32_768));
    }

    @Test
    void maxActivations() {
        rejected("maxActivations", () -> Kernel.builder().maxActivations(0));
        rejected("maxActivations", () -> Kernel.builder().maxActivations(-5));
        rejected("maxActivations", () -> Kernel.builder().processors(4).maxActivations(3).build());
        rejected("maxActivations", () -> Kernel.builder().maxActivations(1).processors(2).build());
    }

    @Test
    void durations() {
        durationRejected("blockedAfter", Kernel.Builder::blockedAfter);
        durationRejected("monitorInterval", Kernel.Builder::monitorInterval);
        durationRejected("idleHysteresis", Kernel.Builder::idleHysteresis);
        durationRejected("keepAlive", Kernel.Builder::keepAlive);
    }

    private static void durationRejected(String parameter, BiFunction<Kernel.Builder, Duration, Kernel.Builder> setter) {
        rejected(parameter, () -> setter.apply(Kernel.builder(), Duration.ZERO));
        rejected(parameter, () -> setter.apply(Kernel.builder(), Duration.ofNanos(-1)));
        rejected(parameter, () -> setter.apply(Kernel.builder(), Duration.ofSeconds(-3)));
        rejected(parameter, () -> setter.apply(Kernel.builder(), null));
        rejected(parameter, () -> setter.apply(Kernel.builder(), Duration.ofDays(2)));
    }

    @Test
    void name() {
        rejected("name", () -> Kernel.builder().name(null));
        rejected("name", () -> Kernel.builder().name(""));
        rejected("name", () -> Kernel.builder().name("  \t"));
    }

    @Test
    void attachArguments() {
        try (Kernel k = Kernel.builder().name("validate-attach").processors(1).build()) {
            TestScheduler up = new TestScheduler("s");
            rejected("name", () -> k.attach(null, 5, up));
            rejected("name", () -> k.attach("", 5, up));
            rejected("name", () -> k.attach(" ", 5, up));
            rejected("priority", () -> k.attach("s", 0, up));
            rejected("priority", () -> k.attach("s", 11, up));
            rejected("priority", () -> k.attach("s", -1, up));
            rejected("upcalls", () -> k.attach("s", 5, null));
            assertEquals(0, k.stats().spaces().size(), "nothing was attached");
        }
    }

    @Test
    void downcallArguments() {
        try (Kernel k = Kernel.builder().name("validate-downcalls").processors(1).build()) {
            AddressSpace sp = new TestScheduler("s").attach(k, 5);
            rejected("n", () -> sp.requestProcessors(0));
            rejected("n", () -> sp.requestProcessors(-1));
            VirtualProcessor vp = k.processorsArray()[0];
            rejected("vp", () -> sp.preempt(vp));
            assertThrows(IllegalStateException.class, () -> sp.processorIdle(vp),
                    "processorIdle from a thread that does not hold the VP");
            assertEquals(0, sp.stats().requests(), "rejected requests are not counted");
        }
    }

    @Test
    void defaultsBuildAWorkingKernel() {
        try (Kernel k = Kernel.builder().build()) {
            assertEquals(Runtime.getRuntime().availableProcessors(), k.processors());
            assertTrue(k.maxActivations() >= k.processors());
            assertTrue(k.blockingDetection());
            assertTrue(k.name().startsWith("kernel-"), k.name());
        }
    }
}
