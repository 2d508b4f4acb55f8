package dev.activations.runtime;

import static dev.activations.runtime.TestSupport.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Switching the scheduling policy is one builder call, and every {@link Policy} runs the same
 * mixed workload correctly: fork/join, a mutex-protected counter, a channel pipeline,
 * park/unpark ping-pong, sleeps, a semaphore bound and executor tasks, on one and on two
 * processors. Each part checks its exact result, so a policy that lost, duplicated or
 * reordered work (where order is promised: per-channel FIFO) fails here.
 */
class PolicySwitchTest extends RuntimeTestBase {

    @ParameterizedTest
    @EnumSource(Policy.class)
    void sameWorkloadUnderEveryPolicyOnTwoProcessors(Policy policy) throws Exception {
        Scheduler s = track(Scheduler.builder().kernel(kernel).name("switch-" + policy).policy(policy).seed(TestSupport.seed()).build());
        assertSame(policy, s.policy());
        workload(s);
    }

    @ParameterizedTest
    @EnumSource(Policy.class)
    void sameWorkloadUnderEveryPolicyOnOneProcessor(Policy policy) throws Exception {
        try (var k1 = dev.activations.kernel.Kernel.builder().processors(1).name(kernel.name() + "-one").build()) {
            Scheduler s = track(Scheduler.builder().kernel(k1).name("switch1-" + policy).policy(policy).seed(TestSupport.seed()).build());
            workload(s);
        }
    }

    private static void workload(Scheduler s) throws Exception {
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        TestSupport.inUserThread(s, () -> assertEquals(4_181, fib(19)));

        Mutex m = new Mutex();
        long[] counter = new long[1];
        List<UserThread> ts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ts.add(s.start(() -> {
                for (int k = 0; k < 500; k++) {
                    m.lock();
                    try {
                        counter[0]++;
                    } finally {
                        m.unlock();
                    }
                    if (k % 50 == 0) {
                        UserThread.yield();
                    }
                }
            }));
        }

        Channel<Integer> stage1 = Channel.bounded(16);
        Channel<Integer> stage2 = Channel.bounded(16);
        int items = 3_000;
        AtomicLong pipelineSum = new AtomicLong();
        ts.add(TestSupport.startChecked(s, "source", failures, () -> {
            for (int i = 1; i <= items; i++) {
                stage1.send(i);
            }
            stage1.close();
        }));
        ts.add(TestSupport.startChecked(s, "double", failures, () -> {
            try {
                while (true) {
                    stage2.send(stage1.receive() * 2);
                }
            } catch (ChannelClosedException e) {
                stage2.close();
            }
        }));
        ts.add(TestSupport.startChecked(s, "sink", failures, () -> {
            int expect = 2;
            try {
                while (true) {
                    int v = stage2.receive();
                    assertEquals(expect, v, "pipeline out of order");
                    expect += 2;
                    pipelineSum.addAndGet(v);
                }
            } catch (ChannelClosedException e) {
                assertEquals(2 * items + 2, expect, "pipeline lost items");
            }
        }));

        AtomicLong ball = new AtomicLong();
        UserThread[] pair = new UserThread[2];
        int rounds = 2_000;
        for (int side = 0; side < 2; side++) {
            int me = side;
            pair[side] = s.thread().name("pp-" + side).unstarted(() -> {
                for (long r = 0; r < rounds; r++) {
                    while (ball.get() != 2 * r + me) {
                        UserThread.park();
                    }
                    ball.incrementAndGet();
                    pair[1 - me].unpark();
                }
            });
        }
        pair[0].start();
        pair[1].start();
        ts.add(pair[0]);
        ts.add(pair[1]);

        AtomicInteger slept = new AtomicInteger();
        for (int i = 0; i < 30; i++) {
            ts.add(TestSupport.startChecked(s, "sleeper-" + i, failures, () -> {
                UserThread.sleep(Duration.ofMillis(1));
                slept.incrementAndGet();
            }));
        }

        Semaphore bound = new Semaphore(2);
        AtomicInteger inBound = new AtomicInteger();
        AtomicInteger overBound = new AtomicInteger();
        for (int i = 0; i < 10; i++) {
            ts.add(TestSupport.startChecked(s, "bounded-" + i, failures, () -> {
                for (int k = 0; k < 50; k++) {
                    bound.acquire();
                    if (inBound.incrementAndGet() > 2) {
                        overBound.incrementAndGet();
                    }
                    UserThread.yield();
                    inBound.decrementAndGet();
                    bound.release();
                }
            }));
        }

        ExecutorService ex = Activations.newExecutor(s);
        List<Future<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int n = i;
            fs.add(ex.submit(() -> n + 1));
        }

        TestSupport.joinAll(ts);
        TestSupport.assertNoFailures(failures);
        long total = 0;
        for (Future<Integer> f : fs) {
            total += f.get();
        }
        ex.shutdown();
        assertTrue(ex.awaitTermination(TestSupport.HANG.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(200 * 201 / 2, total, "executor results");
        m.lock();
        try {
            assertEquals(20 * 500, counter[0], "mutex counter");
        } finally {
            m.unlock();
        }
        assertEquals((long) items * (items + 1), pipelineSum.get(), "pipeline sum");
        assertEquals(2L * rounds, ball.get(), "ping-pong hops");
        assertEquals(30, slept.get(), "sleepers");
        assertEquals(0, overBound.get(), "semaphore bound");
        assertEquals(0, s.stats().liveThreads(), "no thread left behind");
    }

    /** Fork/join: each call forks one half into a new user thread and joins it. */
    private static int fib(int n) throws InterruptedException {
        if (n < 2) {
            return n;
        }
        if (n < 10) {
            return fib(n - 1) + fib(n - 2);
        }
        int[] left = new int[1];
        UserThread t = UserThread.start(() -> {
            try {
                left[0] = fib(n - 1);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        int right = fib(n - 2);
        t.join();
        return left[0] + right;
    }
}
