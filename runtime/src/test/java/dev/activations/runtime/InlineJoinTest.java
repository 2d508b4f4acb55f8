package dev.activations.runtime;

import static dev.activations.runtime.TestSupport.awaitCondition;
import static dev.activations.runtime.TestSupport.awaitParked;
import static dev.activations.runtime.TestSupport.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.activations.kernel.Kernel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Joins run inline (see {@link UserThread}): a user thread that joins a child still waiting,
 * never taken, on top of its own spawn deque runs the child on the spot instead of parking.
 *
 * <p>One processor, so "still waiting" is deterministic: nothing else can take the child. What
 * it proves:
 * <ul>
 *   <li>the child runs while the joiner is still RUNNING (it never parked), sees itself as
 *       {@code current()}, and the joiner is {@code current()} again afterwards; the scheduler
 *       counts the inline join;</li>
 *   <li>two children joined newest first both run inline, and so does a whole fork/join tree
 *       within the bound, without a single park;</li>
 *   <li>a child that parks, yields or throws inside an inline run is handled as if a worker had
 *       run it: it is resumed later, the joiner waits for its real end, failures reach the
 *       handler;</li>
 *   <li>a chain of nested joins far deeper than the inline bound completes (the bound falls back
 *       to parking);</li>
 *   <li>inside a critical section the join parks as before (no inline run);</li>
 *   <li>a kernel preemption that reaches the child inside an inline run stops both the child and
 *       its joiner, and both finish once the processor comes back.</li>
 * </ul>
 */
class InlineJoinTest extends RuntimeTestBase {

    /**
     * Inline runs are what these tests count. A carrier caught asleep for the default
     * {@code blockedAfter} (100 µs: class loading under a loaded machine is enough) is handed
     * off, and the new carrier may steal the child before its joiner runs it: correct, but not
     * what is checked here, so such short sleeps keep their processor.
     */
    @Override
    protected Kernel.Builder configure(Kernel.Builder b) {
        return b.blockedAfter(Duration.ofSeconds(10));
    }

    @Override
    protected int processors() {
        return 1;
    }

    /** Inline joins are a work-stealing feature (the other policies have no spawn deque). */
    @Override
    protected Policy policy() {
        return Policy.WORK_STEALING;
    }

    @Test
    void childJoinedRightAfterStartRunsInlineWithoutParkingTheJoiner() {
        AtomicReference<UserThread.State> joinerSeen = new AtomicReference<>();
        AtomicReference<UserThread> childSeen = new AtomicReference<>();
        long inlineBefore = scheduler.stats().inlineJoins();
        inUserThread(() -> {
            UserThread me = UserThread.current();
            UserThread child = UserThread.start(() -> {
                joinerSeen.set(me.state());
                childSeen.set(UserThread.current());
            });
            child.join();
            assertSame(child, childSeen.get(), "current() inside the inline child is the child");
            assertSame(me, UserThread.current(), "the joiner is current again after the inline run");
            assertEquals(UserThread.State.TERMINATED, child.state());
        });
        assertEquals(UserThread.State.RUNNING, joinerSeen.get(), "the joiner never parked: the child ran inside its join");
        assertEquals(1, scheduler.stats().inlineJoins() - inlineBefore);
    }

    @Test
    void childThatParksInsideAnInlineRunIsResumedLaterAndTheJoinWaitsForIt() {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<UserThread> child = new AtomicReference<>();
        UserThread parent = scheduler.thread().name("parent").start(() -> {
            UserThread c = UserThread.start(() -> {
                events.add("child parks");
                UserThread.park();
                events.add("child resumed");
            });
            child.set(c);
            try {
                c.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            events.add("join returned");
        });
        awaitCondition("child started", () -> child.get() != null);
        awaitParked(child.get());
        awaitParked(parent);
        assertEquals(List.of("child parks"), events);
        child.get().unpark();
        join(parent);
        assertEquals(List.of("child parks", "child resumed", "join returned"), events);
        assertTrue(scheduler.stats().inlineJoins() >= 1, "the child was first run inline");
    }

    @Test
    void childThatYieldsOrThrowsInsideAnInlineRunIsHandledAsByAWorker() {
        AtomicInteger yields = new AtomicInteger();
        List<Throwable> caught = Collections.synchronizedList(new ArrayList<>());
        inUserThread(() -> {
            UserThread yielder = UserThread.start(() -> {
                for (int i = 0; i < 3; i++) {
                    UserThread.yield();
                    yields.incrementAndGet();
                }
            });
            yielder.join();
            assertEquals(3, yields.get(), "the join returned only after the yielding child ended");
            UserThread thrower = UserThread.builder().uncaughtExceptionHandler((c, e) -> caught.add(e))
                    .start(() -> {
                        throw new IllegalStateException("boom");
                    });
            thrower.join();
            assertInstanceOf(IllegalStateException.class, thrower.failure());
        });
        assertEquals(1, caught.size(), "the handler got the inline child's exception");
        assertEquals(1, scheduler.stats().failed());
    }

    /**
     * Two children joined newest first: the second start does not push the first out of reach
     * (it stays under it on the spawn deque), so both joins run inline.
     */
    @Test
    void bothChildrenOfAForkJoinNewestFirstRunInline() {
        List<UserThread.State> joinerSeen = Collections.synchronizedList(new ArrayList<>());
        long inlineBefore = scheduler.stats().inlineJoins();
        inUserThread(() -> {
            UserThread me = UserThread.current();
            UserThread older = UserThread.start(() -> joinerSeen.add(me.state()));
            UserThread newer = UserThread.start(() -> joinerSeen.add(me.state()));
            newer.join();
            older.join();
        });
        assertEquals(List.of(UserThread.State.RUNNING, UserThread.State.RUNNING), joinerSeen);
        assertEquals(2, scheduler.stats().inlineJoins() - inlineBefore);
    }

    /**
     * A fork/join tree within the inline bound on one processor (sumtime's shape: fork left,
     * fork right, join right, join left) runs entirely inline: every join finds its child on top
     * of the spawn deque, nothing parks.
     */
    @Test
    void aForkJoinTreeWithinTheBoundRunsWithoutAPark() {
        int leaves = 1 << (UserThread.MAX_INLINE_DEPTH - 2);
        long inlineBefore = scheduler.stats().inlineJoins();
        long parksBefore = scheduler.stats().parks();
        long[] sum = new long[1];
        inUserThread(() -> sum[0] = treeSum(1, leaves));
        assertEquals((long) leaves * (leaves + 1) / 2, sum[0]);
        assertEquals(2L * (leaves - 1), scheduler.stats().inlineJoins() - inlineBefore, "every join of the tree ran inline");
        assertEquals(0, scheduler.stats().parks() - parksBefore, "no thread of the tree parked");
    }

    private static long treeSum(long lo, long hi) throws InterruptedException {
        if (lo == hi) {
            return lo;
        }
        long mid = (lo + hi) >>> 1;
        long[] halves = new long[2];
        UserThread left = UserThread.start(() -> halves[0] = uncheckedTreeSum(lo, mid));
        UserThread right = UserThread.start(() -> halves[1] = uncheckedTreeSum(mid + 1, hi));
        right.join();
        left.join();
        return halves[0] + halves[1];
    }

    private static long uncheckedTreeSum(long lo, long hi) {
        try {
            return treeSum(lo, hi);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void nestedJoinsDeeperThanTheInlineBoundComplete() {
        int depth = 10 * UserThread.MAX_INLINE_DEPTH;
        AtomicInteger deepest = new AtomicInteger();
        inUserThread(() -> chain(depth, deepest));
        assertEquals(depth, deepest.get());
        assertTrue(scheduler.stats().inlineJoins() >= UserThread.MAX_INLINE_DEPTH, scheduler.stats()::toString);
        assertTrue(scheduler.stats().inlineJoins() < depth, "past the bound the joins parked: " + scheduler.stats());
    }

    private static void chain(int left, AtomicInteger deepest) throws InterruptedException {
        deepest.accumulateAndGet(left, Math::max);
        if (left > 0) {
            UserThread child = UserThread.start(() -> {
                try {
                    chain(left - 1, deepest);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            child.join();
        }
    }

    @Test
    void joinInsideACriticalSectionParksInsteadOfRunningInline() {
        AtomicReference<UserThread.State> joinerSeen = new AtomicReference<>();
        inUserThread(() -> {
            UserThread me = UserThread.current();
            UserThread.critical(() -> {
                UserThread child = UserThread.start(() -> joinerSeen.set(me.state()));
                try {
                    child.join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
        });
        assertEquals(UserThread.State.PARKED, joinerSeen.get());
        assertEquals(0, scheduler.stats().inlineJoins());
    }

    @Test
    void preemptionInsideAnInlineRunStopsChildAndJoinerAndBothFinish() {
        Scheduler highSpace = newScheduler("high-space", 9); // the test scheduler has priority 5
        AtomicBoolean childSpinning = new AtomicBoolean();
        AtomicBoolean highRan = new AtomicBoolean();
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        UserThread parent = scheduler.thread().name("parent").start(() -> {
            UserThread child = UserThread.start(() -> {
                childSpinning.set(true);
                while (!highRan.get()) {
                    UserThread.checkpoint(); // the preemption stops the child here
                }
                events.add("child done");
            });
            try {
                child.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            events.add("join returned");
        });
        awaitCondition("child running inline", childSpinning::get);
        UserThread high = highSpace.start(() -> {
            highRan.set(true);
            // Displaced (OS priorities), the child stops at its next checkpoint; hold the processor until
            // then, or it goes straight back to the child's still-running carrier (reinstated) unstopped.
            TestSupport.holdProcessorUntilPreempted(scheduler);
        });
        join(high);
        join(parent);
        assertEquals(List.of("child done", "join returned"), events);
        assertTrue(scheduler.stats().inlineJoins() >= 1, scheduler.stats()::toString);
        assertTrue(scheduler.stats().preemptions() >= 1, "the inline child and its joiner were stopped for the kernel");
    }
}
