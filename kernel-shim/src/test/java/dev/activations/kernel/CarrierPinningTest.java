package dev.activations.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.activations.kernel.TestScheduler.Blocker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * {@code pinCarriers(true)}: the carrier holding VP {@code i} may run only on
 * {@code cpuOf(i)}, read back from Linux ({@code Cpus_allowed_list} of
 * {@code /proc/thread-self/status}) inside the work it runs; a carrier whose VP is handed off
 * while it blocks may run on every CPU the process may use when its call returns; a kernel built
 * without pinning leaves affinities alone. (The surefire configuration enables native access for
 * this module, as the builder's javadoc tells users to.)
 */
@EnabledOnOs(OS.LINUX)
class CarrierPinningTest {

    @Test
    void eachProcessorsCarrierRunsOnlyOnItsCpu() {
        Set<Integer> process = allowedCpus();
        int n = Math.max(2, Math.min(4, process.size()));
        Map<Integer, Set<Integer>> seen = new ConcurrentHashMap<>(); // VP id -> CPUs its carrier may use
        TestScheduler s = new TestScheduler("s");
        List<TestScheduler.Work> items = new ArrayList<>();
        for (int i = 0; i < 8 * n; i++) {
            items.add(() -> {
                Activation a = Activation.current();
                seen.merge(a.processor.id(), allowedCpus(), (x, y) -> {
                    assertEquals(x, y, "one VP, two affinities");
                    return x;
                });
                return true;
            });
        }
        // No blocking detection: these items never block, and a false hand-off (DESIGN §7) would let
        // an item's carrier loose on every CPU mid-item
        // (aCarrierHandedOffWhileBlockedMayRunAnywhereWhenItReturns covers hand-offs)
        try (Kernel k = Kernel.builder().name("pin").processors(n).pinCarriers(true).blockingDetection(false).build()) {
            assertTrue(k.pinsCarriers());
            s.submit(items.toArray(TestScheduler.Work[]::new));
            AddressSpace sp = s.attach(k, 5);
            sp.requestProcessors(n);
            Await.until("every item ran", () -> s.finished.size() == items.size(), s::describe);
            assertTrue(s.failures.isEmpty(), s.describe());
            assertFalse(seen.isEmpty());
            for (var e : seen.entrySet()) {
                int cpu = k.cpuOf(e.getKey());
                assertTrue(process.contains(cpu), "cpuOf(" + e.getKey() + ") = " + cpu + " is not one of the process's CPUs " + process);
                assertEquals(Set.of(cpu), e.getValue(), "the carrier of VP" + e.getKey() + " may run on");
            }
            Set<Integer> distinct = new TreeSet<>();
            for (int vp = 0; vp < n; vp++) {
                distinct.add(k.cpuOf(vp));
            }
            assertEquals(Math.min(n, process.size()), distinct.size(), "VPs share a CPU only when there are more VPs than CPUs: " + distinct);
            assertEquals(0, k.stats().affinityFailures());
        }
    }

    @Test
    void aCarrierHandedOffWhileBlockedMayRunAnywhereWhenItReturns() {
        Set<Integer> process = allowedCpus();
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Set<Integer>> before = new AtomicReference<>();
        AtomicReference<Set<Integer>> after = new AtomicReference<>();
        Blocker item = new Blocker("bracketed", (a, self) -> {
            before.set(allowedCpus());
            a.enterKernel(self);
            boolean exited;
            try {
                if (!release.await(Await.TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    throw new TimeoutException("the test never released the latch");
                }
                after.set(allowedCpus()); // still inside the call: the VP was handed off
            } finally {
                exited = a.exitKernel();
            }
            return exited;
        });
        TestScheduler s = new TestScheduler("s");
        Supplier<String> state = () -> s.describe() + "\n  before=" + before + " after=" + after;
        try (Kernel k = Kernel.builder().name("pin-blocked").processors(1).pinCarriers(true)
                .blockedAfter(Duration.ofMillis(1)).monitorInterval(Duration.ofMillis(1)).build()) {
            try {
                s.submit(item);
                AddressSpace sp = s.attach(k, 5);
                sp.requestProcessors(1);
                Await.until("the blocked item's VP is handed off", () -> s.blockedFor(item) != null, state);
                release.countDown();
                Await.until("the item finishes", () -> s.finished.contains(item), state);
                assertEquals(Set.of(k.cpuOf(0)), before.get(), "pinned while it held VP0: " + state.get());
                assertNotNull(after.get(), state.get());
                assertEquals(process, after.get(), "loose after the hand-off: " + state.get());
                assertEquals(0, k.stats().affinityFailures(), state.get());
            } finally {
                release.countDown();
            }
        }
    }

    @Test
    void aKernelThatDoesNotPinLeavesAffinitiesAlone() {
        Set<Integer> process = allowedCpus();
        AtomicReference<Set<Integer>> seen = new AtomicReference<>();
        TestScheduler s = new TestScheduler("s");
        TestScheduler.Work item = () -> {
            seen.set(allowedCpus());
            return true;
        };
        try (Kernel k = Kernel.builder().name("no-pin").processors(1).build()) {
            assertFalse(k.pinsCarriers());
            assertEquals(-1, k.cpuOf(0));
            s.submit(item);
            s.attach(k, 5).requestProcessors(1);
            Await.until("the item ran", () -> s.finished.contains(item), s::describe);
            assertEquals(process, seen.get());
        }
    }

    @Test
    void cpuOfRejectsAProcessorOutsideTheKernel() {
        try (Kernel k = Kernel.builder().name("pin-range").processors(2).pinCarriers(true).build()) {
            IllegalArgumentException low = assertThrows(IllegalArgumentException.class, () -> k.cpuOf(-1));
            assertEquals("vp must be between 0 and 1, was -1", low.getMessage());
            IllegalArgumentException high = assertThrows(IllegalArgumentException.class, () -> k.cpuOf(2));
            assertEquals("vp must be between 0 and 1, was 2", high.getMessage());
        }
    }

    /** CPUs the calling thread may run on, from {@code Cpus_allowed_list} ("0-3,6"). */
    static Set<Integer> allowedCpus() {
        return allowedCpus(Path.of("/proc/thread-self/status"));
    }

    /** CPUs the thread whose {@code status} file is {@code status} may run on. */
    static Set<Integer> allowedCpus(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    Set<Integer> cpus = new TreeSet<>();
                    for (String part : line.substring(line.indexOf(':') + 1).trim().split(",")) {
                        String[] range = part.split("-");
                        int lo = Integer.parseInt(range[0]);
                        int hi = range.length == 1 ? lo : Integer.parseInt(range[1]);
                        for (int c = lo; c <= hi; c++) {
                            cpus.add(c);
                        }
                    }
                    return cpus;
                }
            }
            throw new IllegalStateException("no Cpus_allowed_list in " + status);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
