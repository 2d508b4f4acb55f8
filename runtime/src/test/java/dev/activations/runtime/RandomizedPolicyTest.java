package dev.activations.runtime;

import org.junit.jupiter.api.Nested;

/**
 * Randomised scheduling (issue 6, after Go's shuffled run queues under the race detector):
 * the primitive, thread (both kinds) and executor tests run again with every scheduler they build using
 * {@link Policy#RANDOMIZED}, which picks the next ready thread pseudo-randomly. Code that
 * only worked because of one scheduling order fails here.
 *
 * <p>The seed is {@code -Dactivations.test.seed} (default 42), so a failing order can be
 * replayed; {@code -Dactivations.test.policy=RANDOMIZED} runs the whole suite this way.
 */
class RandomizedPolicyTest {

    @Nested
    class ParkUnpark extends ParkUnparkTest {
        @Override
        protected Policy policy() {
            return Policy.RANDOMIZED;
        }
    }

    @Nested
    class UserThreads extends UserThreadTest {
        @Override
        protected Policy policy() {
            return Policy.RANDOMIZED;
        }
    }

    @Nested
    class Mutexes extends MutexTest {
        @Override
        protected Policy policy() {
            return Policy.RANDOMIZED;
        }
    }

    @Nested
    class Semaphores extends SemaphoreTest {
        @Override
        protected Policy policy() {
            return Policy.RANDOMIZED;
        }
    }

    @Nested
    class Latches extends LatchTest {
        @Override
        protected Policy policy() {
            return Policy.RANDOMIZED;
        }
    }

    @Nested
    class Channels extends ChannelTest {
        @Override
        protected Policy policy() {
            return Policy.RANDOMIZED;
        }
    }

    @Nested
    class NoCarrierBlocking extends NoCarrierBlockingTest {
        @Override
        protected Policy policy() {
            return Policy.RANDOMIZED;
        }
    }

    @Nested
    class Executors extends ExecutorTest {
        @Override
        protected Policy policy() {
            return Policy.RANDOMIZED;
        }
    }

    @Nested
    class ExecutorParity extends ExecutorParityTest {
        @Override
        protected Policy policy() {
            return Policy.RANDOMIZED;
        }
    }

    @Nested
    class JavaThreadKind extends JavaThreadTest {
        @Override
        protected Policy policy() {
            return Policy.RANDOMIZED;
        }
    }
}
