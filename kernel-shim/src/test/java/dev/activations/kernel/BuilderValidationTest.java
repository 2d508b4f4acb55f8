package dev.activations.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Every bad configuration value is rejected at once with an
 * {@link IllegalArgumentException} whose message starts with the parameter's name: the
 * builder's setters and {@code build()} (maxActivations below processors), {@code attach}'s
 * name, priority, allocation and upcalls, each {@link Allocation} value (priority, minimum,
 * cap, share: the message also gives the allowed range and the value), a minimum beyond the
 * processors not yet guaranteed to other spaces (the message gives the room left), and the
 * {@code requestProcessors} count. Downcalls made from the wrong place fail loudly too. The
 * defaults build a working kernel.
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

    @Test
    void slices() {
        sliceRejected("monitorSlice", Kernel.Builder::monitorSlice);
        sliceRejected("displacementSlice", Kernel.Builder::displacementSlice);
    }

    private static void sliceRejected(String parameter, BiFunction<Kernel.Builder, Duration, Kernel.Builder> setter) {
        rejected(parameter, () -> setter.apply(Kernel.builder(), null));
        rejected(parameter, () -> setter.apply(Kernel.builder(), Duration.ofNanos(-1)));
        rejected(parameter, () -> setter.apply(Kernel.builder(), Duration.ofNanos(99_999)));
        rejected(parameter, () -> setter.apply(Kernel.builder(), Duration.ofMillis(100).plusNanos(1)));
        Kernel.Builder b = Kernel.builder();
        for (Duration allowed : List.of(Duration.ZERO, Duration.ofMillis(100), Duration.ofNanos(100_000))) {
            setter.apply(b, allowed); // the bounds themselves, and zero, are allowed
        }
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
            rejected("name", () -> k.attach(null, Allocation.DEFAULT, up));
            rejected("allocation", () -> k.attach("s", (Allocation) null, up));
            rejected("upcalls", () -> k.attach("s", Allocation.DEFAULT, null));
            assertEquals(0, k.stats().spaces().size(), "nothing was attached");
        }
    }

    /** Like {@link #rejected}, and the message also contains each of {@code details}. */
    private static void rejected(String parameter, Executable call, String... details) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call, parameter);
        assertTrue(e.getMessage() != null && e.getMessage().startsWith(parameter + " "),
                "message should name " + parameter + ": " + e.getMessage());
        for (String d : details) {
            assertTrue(e.getMessage().contains(d), "message should say \"" + d + "\": " + e.getMessage());
        }
    }

    @Test
    void allocationValues() {
        Allocation d = Allocation.DEFAULT;
        rejected("priority", () -> Allocation.ofPriority(0), "between 1 and 10", "was 0");
        rejected("priority", () -> d.withPriority(11), "between 1 and 10", "was 11");
        rejected("share", () -> d.withShare(0), "between 1 and 1000", "was 0");
        rejected("share", () -> d.withShare(1001), "between 1 and 1000", "was 1001");
        rejected("share", () -> d.withShare(-3), "was -3");
        rejected("minProcessors", () -> d.withMinProcessors(-1), "between 0 and 32767", "was -1");
        rejected("minProcessors", () -> d.withMinProcessors(32_768), "between 0 and 32767", "was 32768");
        rejected("minProcessors", () -> d.withMaxProcessors(2).withMinProcessors(3), "between 0 and 2 (maxProcessors)", "was 3");
        rejected("maxProcessors", () -> d.withMaxProcessors(0), "between 1 and", "was 0");
        rejected("maxProcessors", () -> d.withMaxProcessors(-1), "was -1");
        rejected("maxProcessors", () -> d.withMinProcessors(3).withMaxProcessors(2), "between 3 (minProcessors) and", "was 2");

        assertEquals(5, d.priority());
        assertEquals(0, d.minProcessors());
        assertEquals(Allocation.UNLIMITED, d.maxProcessors());
        assertEquals(1, d.share());
        Allocation a = Allocation.ofPriority(7).withMinProcessors(1).withMaxProcessors(3).withShare(40);
        assertEquals(7, a.priority());
        assertEquals(1, a.minProcessors());
        assertEquals(3, a.maxProcessors());
        assertEquals(40, a.share());
        assertEquals(a, Allocation.DEFAULT.withShare(40).withMaxProcessors(3).withMinProcessors(1).withPriority(7));
        assertEquals(a.hashCode(), Allocation.DEFAULT.withShare(40).withMaxProcessors(3).withMinProcessors(1).withPriority(7).hashCode());
        assertEquals("Allocation[priority 7, min 1, max 3, share 40]", a.toString());
        assertEquals(d, Allocation.DEFAULT.withShare(2).withShare(1), "with... returns new values and leaves the old one alone");
        assertEquals(2, d.withMinProcessors(2).withMaxProcessors(2).maxProcessors(), "max = min is allowed");
    }

    @Test
    void attachRefusesMinimumsBeyondTheProcessors() {
        try (Kernel k = Kernel.builder().name("validate-min").processors(4).build()) {
            rejected("allocation", () -> k.attach("s", (Allocation) null, new TestScheduler("s")));
            rejected("minProcessors", () -> new TestScheduler("big").attach(k, Allocation.DEFAULT.withMinProcessors(5)),
                    "at most 4", "was 5");
            AddressSpace three = new TestScheduler("three").attach(k, Allocation.DEFAULT.withMinProcessors(3));
            rejected("minProcessors", () -> new TestScheduler("two").attach(k, Allocation.ofPriority(9).withMinProcessors(2)),
                    "at most 1", "3 already guaranteed", "was 2");
            AddressSpace one = new TestScheduler("one").attach(k, Allocation.DEFAULT.withMinProcessors(1));
            rejected("minProcessors", () -> new TestScheduler("another").attach(k, Allocation.DEFAULT.withMinProcessors(1)),
                    "at most 0", "was 1");
            new TestScheduler("none").attach(k, Allocation.DEFAULT.withMaxProcessors(1)); // no minimum: always fits
            assertEquals(3, k.stats().spaces().size());
            three.close();
            AddressSpace two = new TestScheduler("two").attach(k, Allocation.DEFAULT.withMinProcessors(3));
            assertEquals(3, two.allocation().minProcessors(), "detaching gave the guarantee back");
            assertEquals(1, one.stats().minProcessors());
            assertEquals(4, one.stats().maxProcessors(), "no cap reads as the kernel's processor count");
            assertEquals(1, one.stats().share());
        }
    }

    @Test
    void downcallArguments() {
        try (Kernel k = Kernel.builder().name("validate-downcalls").processors(1).build()) {
            AddressSpace sp = new TestScheduler("s").attach(k, 5);
            rejected("n", () -> sp.requestProcessors(0));
            rejected("n", () -> sp.requestProcessors(-1));
            VirtualProcessor vp = k.processorsArray()[0];
            try (Kernel other = Kernel.builder().name("validate-other").processors(1).build()) {
                rejected("vp", () -> sp.preempt(other.processorsArray()[0])); // another kernel's
            }
            sp.preempt(vp); // not this space's now: nothing to stop, no error (ownership changes under the caller)
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
