package dev.activations.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.activations.kernel.TestScheduler.Blocked;
import dev.activations.kernel.TestScheduler.Blocker;
import dev.activations.kernel.TestScheduler.Spin;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * What the monitor must not read as a user thread's sleep:
 * <ul>
 *   <li>a spell without a VP. It judges a carrier only from CPU time it sampled during the
 *       carrier's current tenure of a VP ({@link Activation#tenures}). A carrier handed off in an
 *       unbracketed sleep keeps its last sample from before the hand-off; when it holds a VP
 *       again (for its {@code activationUnblocked}) and its next item sleeps for a moment, far
 *       shorter than {@code blockedAfter}, that old sample must not make the whole spell without
 *       a VP read as one long sleep, handed off at once;</li>
 *   <li>a wait for the kernel lock in a downcall a user thread makes ({@code requestProcessors}),
 *       however long a holder keeps the lock: kernel work ({@link Activation#inKernelWork}).</li>
 * </ul>
 */
class MonitorBaselineTest {

    /** An item that sleeps unbracketed until {@code release} opens (then stops if it was handed off meanwhile). */
    private static Blocker longSleep(String name, CountDownLatch release) {
        return new Blocker(name, (a, self) -> {
            if (!release.await(Await.TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new TimeoutException("the test never released " + name);
            }
            return true;
        });
    }

    static final Duration SHORT = Duration.ofMillis(5);
    static final Duration BLOCKED_AFTER = Duration.ofMillis(50);
    /**
     * {@code blockedAfter} of the lock-wait test: a tenth of its monitor's interval, so that a
     * suspicion is due at first sight and decided at once, without arming a standby first.
     */
    static final Duration LOCK_WAIT_BLOCKED_AFTER = Duration.ofMillis(1).dividedBy(10);
    /** How long the lock-wait test holds the kernel lock: 50 monitor intervals. */
    static final Duration LOCK_HELD = Duration.ofMillis(50);
    /** How long the first carrier stays without a VP: many times {@code blockedAfter}. */
    static final Duration WITHOUT_VP = Duration.ofMillis(300);

    @Test
    void aCarrierBackOnAProcessorIsJudgedFromANewSample() throws InterruptedException {
        CountDownLatch releaseFirst = new CountDownLatch(1);
        CountDownLatch releaseSecond = new CountDownLatch(1);
        Blocker first = longSleep("first", releaseFirst);
        Blocker second = longSleep("second", releaseSecond);
        Blocker brief = new Blocker("short", (a, self) -> { // one unbracketed sleep, far below blockedAfter
            Thread.sleep(SHORT.toMillis());
            return true;
        });
        TestScheduler s = new TestScheduler("s");
        // a CPU-bound space on the other VP keeps the monitor ticking (an idle kernel forgets every sample)
        Spin busy = new Spin("busy");
        TestScheduler other = new TestScheduler("other");
        Supplier<String> state = () -> s.describe() + "\n" + other.describe() + "\n  first on " + first.carrier
                + ", second on " + second.carrier + ", short on " + brief.carrier;
        try (Kernel k = Kernel.builder().name("baseline").processors(2)
                .blockedAfter(BLOCKED_AFTER).monitorInterval(Duration.ofMillis(1)).build()) {
            try {
                other.submit(busy);
                other.attach(k, 5).requestProcessors(1);
                s.submit(first);
                s.attach(k, 5).requestProcessors(1);

                // the first carrier is handed off, sampled for the last time, and stays without a VP
                Await.until("the first long sleep is handed off", () -> s.blockedFor(first) != null, state);
                Thread.sleep(WITHOUT_VP.toMillis());
                releaseFirst.countDown();
                Await.until("the first sleeper finishes", () -> s.finished.contains(first), state);

                // the next hand-off goes to a spare, perhaps the first carrier, which then runs the short sleep
                s.submit(second, brief);
                s.space().requestProcessors(1);
                Await.until("the second long sleep is handed off", () -> s.blockedFor(second) != null, state);
                Await.until("the short sleep is over", () -> brief.callReturned, state);
                releaseSecond.countDown();
                Await.until("everything finishes", () -> s.finished.containsAll(List.of(first, second, brief)), state);
                Await.until("every hand-off unblocked", s::handOffsPaired, state);

                assertEquals(null, s.blockedFor(brief), "a sleep of " + SHORT.toMillis() + " ms is not handed off with blockedAfter "
                        + BLOCKED_AFTER.toMillis() + " ms: " + state.get());
                assertEquals(2, s.count(Blocked.class), "only the long sleeps are handed off: " + state.get());
                assertTrue(s.failures.isEmpty(), state.get());
            } finally {
                releaseFirst.countDown();
                releaseSecond.countDown();
                busy.finish();
            }
        }
    }

    /**
     * A carrier blocked on the kernel lock in {@code requestProcessors} for 50 ms, 500 × {@code blockedAfter}.
     * The monitor, ticking every millisecond, finds it stalled and BLOCKED; without the kernel-work
     * flag it decided on a hand-off, waited for the lock itself, and handed the VP off as soon as
     * the lock was free (the carrier still RUNNING to the kernel).
     */
    @Test
    void aCarrierWaitingForTheKernelLockInADowncallIsNotHandedOff() throws InterruptedException {
        AtomicBoolean lockHeld = new AtomicBoolean();
        TestScheduler s = new TestScheduler("s");
        Blocker asking = new Blocker("asking", (a, self) -> {
            while (!lockHeld.get()) {
                Thread.onSpinWait(); // computing: the monitor keeps a fresh baseline
            }
            s.space().requestProcessors(1); // waits for the lock the test holds
            return true;
        });
        Spin busy = new Spin("busy");
        TestScheduler other = new TestScheduler("other");
        Supplier<String> state = () -> s.describe() + "\n" + other.describe() + "\n  asking on " + asking.carrier;
        try (Kernel k = Kernel.builder().name("kernel-work").processors(2)
                .blockedAfter(LOCK_WAIT_BLOCKED_AFTER).monitorInterval(Duration.ofMillis(1)).build()) {
            try {
                other.submit(busy);
                other.attach(k, 5).requestProcessors(1); // keeps the monitor ticking
                s.submit(asking);
                s.attach(k, 5).requestProcessors(1);
                Await.until("the asking item runs", () -> asking.carrier != null, state);
                synchronized (k.allocationLock()) {
                    lockHeld.set(true);
                    Await.until("its carrier waits for the kernel lock", () -> asking.carrier.getState() == Thread.State.BLOCKED, state);
                    Thread.sleep(LOCK_HELD.toMillis());
                }
                Await.until("the item finishes", () -> s.finished.contains(asking), state);
                assertEquals(null, s.blockedFor(asking), "a carrier waiting for the kernel lock is not handed off: " + state.get());
                assertEquals(0, k.stats().handOffs(), state.get());
                assertTrue(s.failures.isEmpty(), state.get());
            } finally {
                lockHeld.set(true);
                busy.finish();
            }
        }
    }
}
