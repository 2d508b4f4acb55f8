package dev.activations.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.activations.kernel.TestScheduler.Blocker;
import dev.activations.kernel.TestScheduler.Spin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * {@link Sentinels}: one thread per CPU the VPs may use, each pinned to its own CPU at nice 19,
 * gone when the kernel closes; and what they are for: a carrier blocked in an unbracketed read is
 * handed off long before the monitor's next tick (here a minute away, beyond {@link Await}'s
 * timeout), which without sentinels it is not.
 */
@EnabledOnOs(OS.LINUX)
class SentinelsTest {
    /** A monitor interval no test waits for: only a sentinel's poke makes it tick early. */
    private static final Duration NEVER = Duration.ofSeconds(60);

    private static boolean available(Kernel k) {
        return k.osPriorities().contains("; sentinels on ");
    }

    @Test
    void oneSentinelPerProcessorEachPinnedToItsCpuAtNice19GoneAfterClose() {
        Set<Integer> process = CarrierPinningTest.allowedCpus();
        int processors = Math.max(1, Math.min(2, process.size()));
        Kernel k = Kernel.builder().name("sentinels").processors(processors).build();
        Set<Integer> tids = new HashSet<>();
        try (k) {
            assumeTrue(available(k), "no sentinels here: " + k.osPriorities());
            assertTrue(k.osPriorities().endsWith("; sentinels on " + processors + (processors == 1 ? " CPU" : " CPUs")),
                    k.osPriorities());
            assertEquals(processors, k.sentinels.count());
            Await.until("every sentinel at nice 19", () -> k.sentinels.tids().stream()
                    .allMatch(tid -> tid > 0 && ProcStat.nice(tid) == Sentinels.NICE), () -> "tids " + k.sentinels.tids());
            tids.addAll(k.sentinels.tids());
            Set<Integer> cpus = new HashSet<>();
            for (int tid : tids) {
                Set<Integer> allowed = CarrierPinningTest.allowedCpus(Path.of("/proc/self/task/" + tid + "/status"));
                assertEquals(1, allowed.size(), "sentinel " + tid + " is pinned to one CPU: " + allowed);
                cpus.addAll(allowed);
            }
            assertEquals(processors, cpus.size(), "each on a CPU of its own: " + cpus);
            assertTrue(process.containsAll(cpus), cpus + " within the process's " + process);
        }
        assertEquals(0, k.sentinels.alive(), "close ends the sentinels");
        // the JVM reports a thread dead a moment before Linux removes its task entry
        Await.until("every sentinel's OS thread gone", () -> tids.stream()
                .noneMatch(tid -> Files.exists(Path.of("/proc/self/task/" + tid))), () -> "tids " + tids);
    }

    @Test
    void noSentinelsWhenNotAskedForOrWithoutBlockingDetection() {
        try (Kernel k = Kernel.builder().name("no-sentinels").processors(1).sentinels(false).build()) {
            assertTrue(k.osPriorities().endsWith("; no sentinels (built with sentinels(false))"), k.osPriorities());
            assertEquals(0, k.sentinels.count());
        }
        try (Kernel k = Kernel.builder().name("no-detection").processors(1).blockingDetection(false).build()) {
            assertTrue(k.osPriorities().endsWith("; no sentinels (no blocking detection)"), k.osPriorities());
            assertEquals(0, k.sentinels.count());
        }
    }

    /**
     * An unbracketed socket read on a one-processor kernel whose monitor ticks once a minute: the
     * sentinel on the idle CPU sees the carrier stand still and wakes the monitor, which hands
     * the VP off; the whole blocked/unblocked sequence of {@link UndetectedBlockingTest} follows.
     */
    @Test
    void aBlockIsHandedOffLongBeforeTheMonitorsNextTick() throws IOException {
        assumeTrue(Files.isReadable(Path.of("/proc/thread-self/stat")), "a read blocked in native code is seen through /proc only");
        Kernel.Builder builder = Kernel.builder().name("sentinel-handoff").processors(1)
                .blockedAfter(Duration.ofMillis(1)).monitorInterval(NEVER);
        try (Kernel probe = builder.build()) {
            assumeTrue(available(probe), "no sentinels here: " + probe.osPriorities());
        }
        try (LoopbackConnection c = new LoopbackConnection()) {
            UndetectedBlockingTest.blockUndetected(builder, (a, self) -> c.read() == 42, c::write);
        }
    }

    /** The control: without sentinels the same read waits for the monitor's tick, a minute away. */
    @Test
    void withoutSentinelsTheSameBlockWaitsForTheTick() throws Exception {
        try (LoopbackConnection c = new LoopbackConnection();
             Kernel k = Kernel.builder().name("no-sentinel-handoff").processors(1).sentinels(false)
                     .blockedAfter(Duration.ofMillis(1)).monitorInterval(NEVER).build()) {
            Blocker item = new Blocker("blocking", (a, self) -> c.read() == 42);
            Spin other = new Spin("other");
            TestScheduler s = new TestScheduler("s");
            Supplier<String> state = s::describe;
            try {
                s.submit(item, other);
                s.attach(k, 5).requestProcessors(1);
                Await.until("the item reads", () -> item.carrier != null, state);
                Thread.sleep(1_000);
                assertNull(s.blockedFor(item), "not handed off before the monitor's tick: " + state.get());
                assertFalse(item.callReturned, state.get());
            } finally {
                c.write();
                other.finish();
            }
            Await.until("all work finishes", () -> s.finished.contains(item) && s.finished.contains(other), state);
        }
    }
}
