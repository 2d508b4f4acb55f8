package dev.activations.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.activations.kernel.TestScheduler.Preempted;
import dev.activations.kernel.TestScheduler.Spin;
import dev.activations.kernel.TestScheduler.Unblocked;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * OS priorities that follow the allocation ({@link OsPriorities}, {@link Preemption},
 * "Displacement"): a lower space's carriers run at a higher nice value, and a higher space owed a
 * processor gets it at once, while the lower holder never reaches a safepoint. The surefire
 * configuration enables native access, so these run with OS priorities on (Linux); a child JVM
 * without the flag checks the silent cooperative fallback.
 */
class OsPrioritiesTest {

    /** One processor, no blocking detection: in these tests only displacement may move the VP. */
    private static Kernel kernel(String name) {
        return Kernel.builder().name(name).processors(1).blockingDetection(false).build();
    }

    private static boolean active(Kernel k) {
        return k.osPriorities().startsWith("os priorities");
    }

    /** Where hogs leave their result, so that the JIT keeps their loop's work. */
    static volatile long sink;

    /** A work item that computes, never polling its signal, until {@code release} is set. */
    private static final class Hog implements TestScheduler.Work {
        final AtomicBoolean release;
        volatile Activation carrier;
        volatile int niceSeen = ProcStat.UNKNOWN;

        Hog(AtomicBoolean release) {
            this.release = release;
        }

        @Override
        public boolean run() {
            Activation a = Activation.current();
            carrier = a;
            niceSeen = ProcStat.nice(a.tid);
            long x = 0;
            while (!release.get()) {
                x += x * 31 + 7; // no safepoint of ours in here: the kernel cannot stop it, only the OS
            }
            sink = x;
            return true;
        }
    }

    @Test
    void aHigherSpaceGetsTheProcessorWhileTheLowerHolderNeverReachesASafepoint() {
        // no monitor hand-off: only the displacement moves the VP (a false hand-off of the releaser's
        // carrier, DESIGN §7, would give the VP back to the hog, reinstated, and no preempted would come)
        try (Kernel k = kernel("os-displace")) {
            assumeTrue(active(k), "OS priorities unavailable here: " + k.osPriorities());
            AtomicBoolean release = new AtomicBoolean();
            Hog hog = new Hog(release);
            TestScheduler low = new TestScheduler("low");
            TestScheduler high = new TestScheduler("high");
            Supplier<String> state = () -> low.describe() + "\n" + high.describe() + "\n" + k.stats();
            low.submit(hog);
            AddressSpace sl = low.attach(k, 3);
            AddressSpace sh = high.attach(k, 8);
            sl.requestProcessors(1);
            Await.until("the hog computes", () -> hog.niceSeen != ProcStat.UNKNOWN, state);

            TestScheduler.Work releaser = () -> {
                release.set(true); // only runs if the kernel gave high the VP the hog still computes on
                // keep the VP until the hog's carrier has stopped: given back first, it would go to that
                // still-running carrier (reinstated), never stopped
                long until = System.nanoTime() + Await.TIMEOUT.toNanos();
                while (low.count(Preempted.class) == 0 && System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                return true;
            };
            high.submit(releaser);
            sh.requestProcessors(1);
            Await.until("high runs while low's holder computes", () -> high.finished.contains(releaser), state);
            Await.until("low's displaced carrier stops at its safepoint", () -> low.count(Preempted.class) == 1, state);
            assertEquals(1, k.stats().displacements(), state.get());
            assertNull(KernelInvariantsView.violation(k), state.get());
            assertTrue(low.failures.isEmpty() && high.failures.isEmpty(), state.get());
        }
    }

    /**
     * The carrier that displaces a holder is given the short OS slice before it is woken
     * ({@code displacementSlice}, default 100 µs: Linux runs it at once instead of after the rest
     * of the holder's slice), and asks for Linux's default again when it goes back to its pool.
     * Twice: a new carrier the first time (it sets the slice itself when it starts), a pooled
     * one the second (the kernel sets it before the wake-up).
     */
    @Test
    void aDisplacingCarrierRunsWithTheShortSliceUntilItGoesBackToItsPool() {
        try (Kernel k = kernel("os-displace-slice")) {
            assumeTrue(active(k) && k.osPriorities().contains("displacing carriers' slice 100 µs;"),
                    "no custom OS slices here: " + k.osPriorities());
            TestScheduler low = new TestScheduler("low");
            TestScheduler high = new TestScheduler("high");
            Supplier<String> state = () -> low.describe() + "\n" + high.describe() + "\n" + k.stats();
            AddressSpace sl = low.attach(k, 3);
            AddressSpace sh = high.attach(k, 8);
            Activation first = null;
            for (int round = 1; round <= 2; round++) {
                AtomicBoolean release = new AtomicBoolean();
                Hog hog = new Hog(release);
                low.submit(hog);
                sl.requestProcessors(1);
                Await.until("the hog computes", () -> hog.niceSeen != ProcStat.UNKNOWN, state);
                assertTrue(OsPriorities.sliceOf(hog.carrier.tid) != 100_000, "the hog's carrier has Linux's default slice");

                AtomicLong sliceSeen = new AtomicLong(-2);
                AtomicReference<Activation> displacer = new AtomicReference<>();
                TestScheduler.Work probe = () -> {
                    Activation a = Activation.current();
                    displacer.set(a);
                    sliceSeen.set(OsPriorities.sliceOf(a.tid));
                    release.set(true);
                    return true;
                };
                high.submit(probe);
                sh.requestProcessors(1);
                Await.until("high runs while low's holder computes", () -> high.finished.contains(probe), state);
                assertEquals(round, k.stats().displacements(), state.get());
                Activation a = displacer.get();
                assertEquals(100_000, sliceSeen.get(), "round " + round + ": the displacing carrier's slice, ns; "
                        + (a == first ? "a pooled carrier" : "a new carrier"));
                Await.until("the displacing carrier is back in its pool with Linux's default slice",
                        () -> a.state() == Activation.SPARE && OsPriorities.sliceOf(a.tid) != 100_000,
                        () -> state.get() + "\n" + a + " slice " + OsPriorities.sliceOf(a.tid));
                Await.until("low's hog has finished", () -> low.finished.contains(hog), state);
                first = first == null ? a : first;
            }
            assertTrue(low.failures.isEmpty() && high.failures.isEmpty(), state.get());
        }
    }

    /**
     * Two spaces of one priority level, each with a thread that never reaches a safepoint, on one
     * processor: time slicing hands the processor back and forth by displacement. From the second
     * turn on, the space owed the processor has a displaced thread of its own still running: that
     * thread takes the processor back (reinstated), with no new carrier and no change to what the
     * space asked for. (Before the fix the kernel woke a new carrier and counted the space's
     * request down below zero: found by jcstress, {@code Kernel_SharesRotateProcessors}.)
     */
    @Test
    void twoEqualCheckpointFreeSpacesTakeTheProcessorInTurns() {
        try (Kernel k = kernel("os-turns")) {
            assumeTrue(active(k), "OS priorities unavailable here: " + k.osPriorities());
            AtomicBoolean release = new AtomicBoolean();
            Hog hogA = new Hog(release);
            Hog hogB = new Hog(release);
            TestScheduler a = new TestScheduler("a");
            TestScheduler b = new TestScheduler("b");
            Supplier<String> state = () -> a.describe() + "\n" + b.describe() + "\n" + k.stats();
            a.submit(hogA);
            b.submit(hogB);
            AddressSpace sa = a.attach(k, Allocation.DEFAULT);
            AddressSpace sb = b.attach(k, Allocation.DEFAULT);
            try {
                sa.requestProcessors(1);
                sb.requestProcessors(1);
                Await.until("both threads have run", () -> hogA.carrier != null && hogB.carrier != null, state);
                Await.until("four turns", () -> k.stats().displacements() >= 4, state);
                synchronized (k.allocationLock()) {
                    assertTrue(sa.pending >= 0 && sb.pending >= 0, "pending " + sa.pending + " / " + sb.pending + ": " + state.get());
                    assertTrue(sa.held + sb.held == 1, state.get());
                }
                assertNull(KernelInvariantsView.violation(k), state.get());
                assertEquals(1, a.count(TestScheduler.Added.class), "each thread comes back by reinstatement, not on a new carrier: " + state.get());
                assertEquals(1, b.count(TestScheduler.Added.class), "each thread comes back by reinstatement, not on a new carrier: " + state.get());
            } finally {
                release.set(true);
            }
            Await.until("both threads finish", () -> a.finished.contains(hogA) && b.finished.contains(hogB), state);
            assertTrue(a.failures.isEmpty() && b.failures.isEmpty(), state.get());
        }
    }

    @Test
    void lowerSpacesCarriersRunAtAHigherNiceValue() {
        try (Kernel k = Kernel.builder().name("os-nice").processors(2).build()) {
            assumeTrue(active(k), "OS priorities unavailable here: " + k.osPriorities());
            AtomicBoolean release = new AtomicBoolean();
            Hog lowHog = new Hog(release);
            Hog highHog = new Hog(release);
            TestScheduler low = new TestScheduler("low");
            TestScheduler high = new TestScheduler("high");
            Supplier<String> state = () -> low.describe() + "\n" + high.describe();
            low.submit(lowHog);
            high.submit(highHog);
            AddressSpace sl = low.attach(k, 2);
            AddressSpace sh = high.attach(k, 9);
            sl.requestProcessors(1);
            sh.requestProcessors(1);
            try {
                Await.until("both compute", () -> lowHog.niceSeen != ProcStat.UNKNOWN && highHog.niceSeen != ProcStat.UNKNOWN, state);
                int base = k.os.baseNice();
                assertEquals(base, highHog.niceSeen, "the top level runs at the builder's nice value: " + state.get());
                assertEquals(Math.min(19, base + OsPriorities.NICE_STEP), lowHog.niceSeen, "one level below: " + state.get());
            } finally {
                release.set(true);
            }
        }
    }

    @Test
    void aHolderInsideABracketedCallLosesItsProcessorToAHigherSpaceAndIsUnblockedWhenItReturns() {
        try (Kernel k = kernel("os-displace-bracketed")) {
            assumeTrue(active(k), "OS priorities unavailable here: " + k.osPriorities());
            CountDownLatch release = new CountDownLatch(1);
            TestScheduler.Blocker blocker = new TestScheduler.Blocker("blocker", (a, self) -> {
                boolean in = a.enterKernel(self);
                try {
                    release.await(Await.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                } finally {
                    in &= a.exitKernel();
                }
                return in;
            });
            TestScheduler low = new TestScheduler("low");
            TestScheduler high = new TestScheduler("high");
            Supplier<String> state = () -> low.describe() + "\n" + high.describe() + "\n" + k.stats();
            low.submit(blocker);
            AddressSpace sl = low.attach(k, 3);
            AddressSpace sh = high.attach(k, 8);
            sl.requestProcessors(1);
            Await.until("the blocker is inside its call", () -> blocker.carrier != null
                    && blocker.carrier.state() == Activation.IN_KERNEL, state);

            TestScheduler.Work releaser = () -> {
                release.countDown();
                return true;
            };
            high.submit(releaser);
            sh.requestProcessors(1);
            Await.until("high runs while low's holder is in the kernel", () -> high.finished.contains(releaser), state);
            Await.until("low's thread is unblocked", () -> low.count(Unblocked.class) == 1, state);
            Await.until("and finishes", () -> low.finished.contains(blocker), state);
            assertEquals(1, k.stats().displacements(), state.get());
            assertNull(KernelInvariantsView.violation(k), state.get());
        }
    }

    @Test
    void offTheSameRaceIsWonCooperatively() {
        try (Kernel k = Kernel.builder().name("os-off").processors(1).osPriorities(false).build()) {
            assertTrue(k.osPriorities().startsWith("cooperative (built with osPriorities(false))"), k.osPriorities());
            Spin lowWork = new Spin("low");
            TestScheduler low = new TestScheduler("low");
            TestScheduler high = new TestScheduler("high");
            Supplier<String> state = () -> low.describe() + "\n" + high.describe();
            low.submit(lowWork);
            AddressSpace sl = low.attach(k, 3);
            AddressSpace sh = high.attach(k, 8);
            sl.requestProcessors(1);
            Await.until("low computes", () -> lowWork.progress.get() > 0, state);
            Spin highWork = Spin.quick("high");
            high.submit(highWork);
            sh.requestProcessors(1);
            Await.until("high runs after low's safepoint", () -> high.finished.contains(highWork), state);
            assertTrue(lowWork.stops.get() >= 1, state.get());
            assertEquals(0, k.stats().displacements(), state.get());
            lowWork.finish();
        }
    }

    /**
     * Without {@code --enable-native-access} a kernel is cooperative and says why, and prints
     * nothing (JDK 25 warns on stderr at the first restricted call: none may be made).
     */
    @Test
    void withoutNativeAccessTheKernelIsCooperativeAndSilent() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = String.join(File.pathSeparator, location(NoNativeAccessMain.class), location(Kernel.class),
                location(org.HdrHistogram.Recorder.class)); // the test classes, the kernel and its one dependency
        Process p = new ProcessBuilder(java, "-cp", cp, NoNativeAccessMain.class.getName()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM finished");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.exitValue(), out + "\n" + err);
        assertEquals("", err, "nothing on stderr");
        List<String> lines = out.lines().toList();
        assertTrue(lines.get(0).startsWith("cooperative ("), out);
        assertTrue(System.getProperty("os.name").toLowerCase().contains("linux")
                ? lines.get(0).contains("--enable-native-access") : lines.get(0).contains("not Linux"), out);
        assertEquals("ran", lines.get(1), out);
    }

    private static String location(Class<?> c) {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
    }

    /** Test views of the invariant check (the stress-tests module has the full one). */
    static final class KernelInvariantsView {
        private KernelInvariantsView() {
        }

        /** Null if every VP has one holder pointing back, or is free; displaced ones hold nothing. */
        static String violation(Kernel k) {
            synchronized (k.allocationLock()) {
                List<VirtualProcessor> free = k.freeSnapshot();
                for (VirtualProcessor vp : k.processorsArray()) {
                    Activation h = vp.holder;
                    if (free.contains(vp) != (h == null)) {
                        return vp + " free " + free.contains(vp) + " but held by " + h;
                    }
                    if (h != null && h.processor != vp) {
                        return vp + " held by " + h + " whose processor is " + h.processor;
                    }
                }
                for (Activation a : k.spares.alive) {
                    int st = a.state();
                    if ((st == Activation.DISPLACED || st == Activation.BLOCKED || st == Activation.STANDBY) && a.processor != null) {
                        return a + " holds " + a.processor;
                    }
                }
                return null;
            }
        }
    }
    /**
     * The monitor runs with the short OS slice it asked for ({@code monitorSlice}, default 100 µs),
     * and a carrier it starts does not inherit it (it asks with reset-on-fork): carriers with the
     * monitor's slice would compete with it on equal terms and delay its ticks again.
     */
    @Test
    void theMonitorHasAShortSliceAndTheCarriersItStartsDoNot() throws Exception {
        try (Kernel k = Kernel.builder().name("slice").processors(1).blockingDetection(false).build()) {
            assumeTrue(active(k) && k.osPriorities().contains("monitor slice 100 µs;"),
                    "no custom OS slices here: " + k.osPriorities());
            int base = k.os.baseNice();
            assumeTrue(base < OsPriorities.MAX_NICE, "the test raises a thread's nice value above " + base);
            assertEquals(100_000, OsPriorities.sliceOf(tidOf("slice-monitor")), "the monitor's slice");

            AtomicBoolean release = new AtomicBoolean();
            Hog hog = new Hog(release);
            TestScheduler s = new TestScheduler("s");
            Supplier<String> state = () -> s.describe() + "\n" + k.stats();
            s.submit(hog);
            AddressSpace sp = s.attach(k, 5);
            // a thread one nice value above the base cannot start a carrier at the base: the monitor does
            AtomicBoolean raised = new AtomicBoolean();
            Thread requester = Thread.ofPlatform().start(() -> {
                raised.set(k.os.set(ProcStat.currentTid(), base + 1)); // raising needs no privilege
                sp.requestProcessors(1);
            });
            requester.join();
            assertTrue(raised.get(), "the requester raised its own nice value");
            try {
                Await.until("the hog computes", () -> hog.niceSeen != ProcStat.UNKNOWN, state);
                assertEquals(base, hog.niceSeen, "the carrier runs at the base nice value, so the monitor started it");
                long slice = OsPriorities.sliceOf(hog.carrier.tid);
                assertTrue(slice >= 0 && slice != 100_000, "the carrier's slice is Linux's default, was " + slice);
            } finally {
                release.set(true);
            }
        }
    }

    /** The Linux tid of this process's thread named {@code comm}. */
    private static int tidOf(String comm) throws IOException {
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                if (Files.readString(t.resolve("comm"), StandardCharsets.US_ASCII).strip().equals(comm)) {
                    return Integer.parseInt(t.getFileName().toString());
                }
            }
        }
        throw new AssertionError("no thread named " + comm);
    }
}
