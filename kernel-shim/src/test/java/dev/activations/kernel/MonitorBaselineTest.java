package dev.activations.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.activations.kernel.TestScheduler.Blocked;
import dev.activations.kernel.TestScheduler.Spin;
import dev.activations.kernel.TestScheduler.Work;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The monitor judges a carrier only from CPU time it sampled during the carrier's current
 * tenure of a VP ({@link Activation#tenures}). A carrier handed off in an unbracketed sleep keeps
 * its last sample from before the hand-off; when it holds a VP again (for its
 * {@code activationUnblocked}) and its next item sleeps for a moment, far shorter than
 * {@code blockedAfter}, that old sample must not make the whole spell without a VP read as one
 * long sleep, handed off at once.
 */
class MonitorBaselineTest {

    /** Sleeps unbracketed until the test releases it; stops if its VP was handed off meanwhile; then finishes. */
    static final class LongSleep implements Work {
        final String name;
        final CountDownLatch release = new CountDownLatch(1);
        volatile Activation carrier;
        private int runs;

        LongSleep(String name) {
            this.name = name;
        }

        @Override
        public boolean run() {
            Activation a = Activation.current();
            if (++runs > 1) {
                return true;
            }
            carrier = a;
            try {
                if (!release.await(Await.TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never released " + name);
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return a.signal() == 0;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** One short unbracketed sleep, far below {@code blockedAfter}; stops if its VP was handed off meanwhile. */
    static final class ShortSleep implements Work {
        volatile Activation carrier;
        volatile boolean slept;
        private int runs;

        @Override
        public boolean run() {
            Activation a = Activation.current();
            if (++runs > 1) {
                return true;
            }
            carrier = a;
            try {
                Thread.sleep(SHORT.toMillis());
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            slept = true;
            return a.signal() == 0;
        }

        @Override
        public String toString() {
            return "short";
        }
    }

    static final Duration SHORT = Duration.ofMillis(5);
    static final Duration BLOCKED_AFTER = Duration.ofMillis(50);
    /** How long the first carrier stays without a VP: many times {@code blockedAfter}. */
    static final Duration WITHOUT_VP = Duration.ofMillis(300);

    @Test
    void aCarrierBackOnAProcessorIsJudgedFromANewSample() throws InterruptedException {
        LongSleep first = new LongSleep("first");
        LongSleep second = new LongSleep("second");
        ShortSleep brief = new ShortSleep();
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
                first.release.countDown();
                Await.until("the first sleeper finishes", () -> s.finished.contains(first), state);

                // the next hand-off goes to a spare, perhaps the first carrier, which then runs the short sleep
                s.submit(second, brief);
                s.space().requestProcessors(1);
                Await.until("the second long sleep is handed off", () -> s.blockedFor(second) != null, state);
                Await.until("the short sleep is over", () -> brief.slept, state);
                second.release.countDown();
                Await.until("everything finishes", () -> s.finished.containsAll(List.of(first, second, brief)), state);
                Await.until("every hand-off unblocked", s::handOffsPaired, state);

                assertEquals(null, s.blockedFor(brief), "a sleep of " + SHORT.toMillis() + " ms is not handed off with blockedAfter "
                        + BLOCKED_AFTER.toMillis() + " ms: " + state.get());
                assertEquals(2, s.count(Blocked.class), "only the long sleeps are handed off: " + state.get());
                assertTrue(s.failures.isEmpty(), state.get());
            } finally {
                first.release.countDown();
                second.release.countDown();
                busy.finish();
            }
        }
    }
}
