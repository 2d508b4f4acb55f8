package dev.activations.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.activations.kernel.Activation;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A user thread keeps its identity when it moves between carriers inside JIT-compiled code.
 *
 * <p>HotSpot's C2 treats {@code Thread.currentThread()} as fixed for a compiled frame, which is
 * false for a raw continuation resumed on another carrier: a lookup of "the current user
 * thread" through a frame-cached carrier returns whatever that old carrier runs now. Hot
 * loops that yield and park on two processors under {@link Policy#RANDOMIZED} (which moves
 * threads between carriers all the time) are compiled by C2; in every iteration
 * {@link UserThread#current()} must still be the thread itself, and its interrupt flag its
 * own. The test also checks that migrations really happened (each mount records its
 * carrier in the thread), so it cannot pass vacuously.
 */
class CarrierMigrationTest extends RuntimeTestBase {
    private static final int THREADS = 4;
    private static final int ITERATIONS = 150_000;

    @Override
    protected Policy policy() {
        return Policy.RANDOMIZED;
    }

    @Test
    void currentStaysRightAcrossMigrationsInCompiledLoops() {
        AtomicLong wrong = new AtomicLong();
        AtomicLong moves = new AtomicLong();
        List<UserThread> ts = new ArrayList<>();
        for (int k = 0; k < THREADS; k++) {
            ts.add(scheduler.start(() -> hotLoop(wrong, moves)));
        }
        TestSupport.joinAll(ts);
        assertTrue(moves.get() > 0, "no thread ever moved to another carrier: the test proved nothing");
        assertEquals(0, wrong.get(), "UserThread.current() returned another thread (or none) after a move, in "
                + wrong.get() + " of " + (long) THREADS * ITERATIONS + " iterations");
    }

    private static void hotLoop(AtomicLong wrong, AtomicLong moves) {
        UserThread self = UserThread.current();
        for (int i = 0; i < ITERATIONS; i++) {
            Activation before = self.worker.act; // the carrier that mounted us, recorded by the worker
            if (i % 16 == 0) {
                self.unpark();
                UserThread.park(); // the permit: returns at once, through the park path
            } else {
                UserThread.yield();
            }
            if (self.worker.act != before) {
                moves.incrementAndGet();
            }
            if (UserThread.current() != self || UserThread.interrupted()) {
                wrong.incrementAndGet();
            }
        }
    }
}
