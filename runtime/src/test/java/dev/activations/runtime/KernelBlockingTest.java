package dev.activations.runtime;

import static dev.activations.runtime.TestSupport.awaitCondition;
import static dev.activations.runtime.TestSupport.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.activations.kernel.Kernel;
import dev.activations.kernel.KernelStats;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A user thread blocked in the kernel does not stop the others (DESIGN.md §3, "Blocking"):
 * on a 1-processor kernel the monitor hands the blocked carrier's processor to a fresh
 * activation and the scheduler keeps running other threads on it.
 *
 * <p>Every test here is a deadlock unless the hand-off happens: the blocked thread waits for
 * something only another user thread of the same 1-processor kernel can do. What it proves:
 * <ul>
 *   <li>bracketed calls ({@link UserThread#blocking}) that block on a JDK latch, one and ten
 *       at once; the result and the exception of the call come back;</li>
 *   <li>unbracketed blocking the program does not announce: {@link CountDownLatch#await},
 *       {@link Object#wait}, {@link Thread#sleep} in a loop, and a socket {@code accept}
 *       (a native call the JVM reports as RUNNABLE: found through {@code /proc});</li>
 *   <li>interrupting a user thread inside {@code blocking} interrupts its carrier: the call
 *       throws, the user thread's flag ends up as after a platform-thread call (cleared when
 *       the call consumed it), and no interrupt is left on the carrier for later threads;</li>
 *   <li>past {@code maxActivations} further hand-offs are refused and counted
 *       ({@code refusedHandOffs}); the remaining processor keeps running other threads, and
 *       everything drains when the blocked calls return.</li>
 * </ul>
 */
class KernelBlockingTest extends RuntimeTestBase {

    @Override
    protected int processors() {
        return 1;
    }

    @Test
    void bracketedBlockingCallDoesNotStopOthers() {
        CountDownLatch kernelLatch = new CountDownLatch(1);
        AtomicBoolean entered = new AtomicBoolean();
        AtomicReference<Object> result = new AtomicReference<>();
        UserThread blocker = scheduler.start(() -> {
            try {
                result.set(UserThread.blocking(() -> {
                    entered.set(true);
                    kernelLatch.await(); // blocks the carrier, bracketed
                    return "returned";
                }));
            } catch (Exception e) {
                result.set(e);
            }
        });
        awaitCondition("blocker to enter the kernel", entered::get);
        UserThread other = scheduler.start(kernelLatch::countDown); // needs the only processor
        join(other);
        join(blocker);
        assertEquals("returned", result.get());
        KernelStats ks = kernel.stats();
        assertTrue(ks.handOffs() >= 1, "the processor was handed off: " + ks);
        assertTrue(ks.activationUnblocked() >= 1, "the blocked thread came back through activationUnblocked: " + ks);
        assertTrue(scheduler.stats().kernelBlocks() >= 1);
    }

    @Test
    void threadStartedFromOutsideRunsWhileAnotherIsBlockedAndTheProcessorIsIdle() {
        CountDownLatch kernelLatch = new CountDownLatch(1);
        AtomicBoolean entered = new AtomicBoolean();
        UserThread blocker = scheduler.start(() -> {
            try {
                UserThread.blocking(() -> {
                    entered.set(true);
                    kernelLatch.await();
                    return null;
                });
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        awaitCondition("blocker to enter the kernel", entered::get);
        awaitCondition(() -> "the processor to be handed off and then given back idle: " + kernel.stats(),
                () -> kernel.stats().handOffs() >= 1 && kernel.stats().busyProcessors() == 0);
        // Nothing runs now: the blocked carrier's worker is still registered, but holds no processor.
        UserThread releaser = scheduler.start(kernelLatch::countDown); // from this platform thread
        join(releaser);
        join(blocker);
    }

    @Test
    void tenThreadsBlockedAtOnce() {
        CountDownLatch kernelLatch = new CountDownLatch(1);
        AtomicInteger inside = new AtomicInteger();
        List<UserThread> blockers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            blockers.add(scheduler.start(() -> {
                try {
                    UserThread.blocking(() -> {
                        inside.incrementAndGet();
                        kernelLatch.await();
                        return null;
                    });
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }));
        }
        awaitCondition("all ten inside the kernel", () -> inside.get() == 10);
        UserThread releaser = scheduler.start(kernelLatch::countDown);
        join(releaser);
        TestSupport.joinAll(blockers);
        TestSupport.assertStillWorks(scheduler);
    }

    @Test
    void blockingReturnsTheResultAndPropagatesTheException() {
        inUserThread(() -> {
            assertEquals(42, UserThread.blocking(() -> 42));
            IOException io = new IOException("io");
            assertSame(io, assertThrows(IOException.class, () -> UserThread.blocking(() -> {
                throw io;
            })));
        });
        try {
            assertEquals("platform", UserThread.blocking(() -> "platform"), "on a platform thread it just calls");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void unbracketedLatchAwaitIsDetected() {
        CountDownLatch jdkLatch = new CountDownLatch(1);
        AtomicBoolean entered = new AtomicBoolean();
        UserThread blocker = scheduler.start(() -> {
            entered.set(true);
            try {
                jdkLatch.await(); // parks the carrier; the program does not say so
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        awaitCondition("blocker to start", entered::get);
        join(scheduler.start(jdkLatch::countDown));
        join(blocker);
        assertTrue(kernel.stats().handOffs() >= 1);
    }

    @Test
    void unbracketedObjectWaitIsDetected() {
        Object monitor = new Object();
        boolean[] flag = new boolean[1];
        AtomicBoolean entered = new AtomicBoolean();
        UserThread waiter = scheduler.start(() -> {
            synchronized (monitor) {
                entered.set(true);
                while (!flag[0]) {
                    try {
                        monitor.wait();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }
            }
        });
        awaitCondition("waiter to start", entered::get);
        join(scheduler.start(() -> {
            synchronized (monitor) {
                flag[0] = true;
                monitor.notifyAll();
            }
        }));
        join(waiter);
        assertTrue(kernel.stats().handOffs() >= 1);
    }

    @Test
    void unbracketedSleepLoopIsDetected() {
        AtomicBoolean flag = new AtomicBoolean();
        UserThread sleeper = scheduler.start(() -> {
            while (!flag.get()) { // ends only if another user thread runs meanwhile
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
        });
        awaitCondition("sleeper to start", () -> sleeper.state() != UserThread.State.RUNNABLE);
        join(scheduler.start(() -> flag.set(true)));
        join(sleeper);
        assertTrue(kernel.stats().handOffs() >= 1);
    }

    @Test
    void unbracketedNativeAcceptIsDetected() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            AtomicInteger readByte = new AtomicInteger(-1);
            AtomicBoolean entered = new AtomicBoolean();
            UserThread acceptor = scheduler.start(() -> {
                entered.set(true);
                try (Socket s = server.accept(); InputStream in = s.getInputStream()) { // native poll: RUNNABLE to the JVM
                    readByte.set(in.read());
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            });
            awaitCondition("acceptor to start", entered::get);
            join(scheduler.start(() -> {
                try (Socket c = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                    c.getOutputStream().write(7);
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }));
            join(acceptor);
            assertEquals(7, readByte.get());
        }
    }

    /**
     * The raw kind's limit (DESIGN.md §3a): a JDK wait such as an executor's
     * {@code Future.get()} in a user thread parks its carrier, not the user thread. The kernel
     * sees it and hands the processor off, so the task it waits for, and whoever releases
     * that, still run on the one processor.
     */
    @Test
    void aJdkFutureGetInAUserThreadBlocksItsCarrierAndIsHandedOff() throws Exception {
        ExecutorService ex = Activations.newExecutor(scheduler);
        CountDownLatch gate = new CountDownLatch(1);
        Future<String> task = ex.submit(() -> {
            gate.await();
            return "done";
        });
        AtomicBoolean entered = new AtomicBoolean();
        AtomicReference<Object> result = new AtomicReference<>();
        UserThread waiter = scheduler.start(() -> {
            entered.set(true);
            try {
                result.set(task.get()); // a JUC park: the carrier waits
            } catch (Exception e) {
                result.set(e);
            }
        });
        awaitCondition("the waiter to start", entered::get);
        join(scheduler.start(gate::countDown)); // needs the only processor
        join(waiter);
        assertEquals("done", result.get());
        assertTrue(kernel.stats().handOffs() >= 1, kernel.stats()::toString);
        ex.shutdown();
        assertTrue(ex.awaitTermination(TestSupport.HANG.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
    }

    @Test
    void interruptReachesTheCarrierOfABlockingCall() {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean flagAfter = new AtomicBoolean(true);
        UserThread blocker = scheduler.start(() -> {
            try {
                UserThread.blocking(() -> {
                    Thread.sleep(Duration.ofHours(1)); // the carrier sleeps
                    return null;
                });
            } catch (Exception e) {
                thrown.set(e);
                flagAfter.set(UserThread.current().isInterrupted());
            }
        });
        awaitCondition("blocker inside the kernel", () -> blocker.state() == UserThread.State.IN_KERNEL);
        blocker.interrupt();
        join(blocker);
        assertInstanceOf(InterruptedException.class, thrown.get(), "the carrier was interrupted");
        assertFalse(flagAfter.get(), "the call consumed the interrupt (threw InterruptedException), so the flag is clear, as on a platform thread");

        AtomicBoolean carrierFlag = new AtomicBoolean(true);
        AtomicBoolean userFlag = new AtomicBoolean(true);
        for (int i = 0; i < 5; i++) { // whichever carrier runs them: none carries a stale interrupt
            join(scheduler.start(() -> {
                carrierFlag.set(Thread.currentThread().isInterrupted());
                userFlag.set(UserThread.current().isInterrupted());
            }));
            assertFalse(carrierFlag.get(), "an interrupt was left on a carrier");
            assertFalse(userFlag.get());
        }
    }

    @Test
    void interruptNotConsumedByTheCallStaysSet() {
        AtomicBoolean flagAfter = new AtomicBoolean();
        AtomicBoolean carrierFlagInside = new AtomicBoolean();
        CountDownLatch inside = new CountDownLatch(1);
        AtomicBoolean release = new AtomicBoolean();
        UserThread t = scheduler.start(() -> {
            try {
                UserThread.blocking(() -> {
                    inside.countDown();
                    while (!release.get()) { // busy in the kernel, ignoring interrupts
                        Thread.onSpinWait();
                    }
                    carrierFlagInside.set(Thread.currentThread().isInterrupted());
                    return null;
                });
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            flagAfter.set(UserThread.current().isInterrupted());
        });
        try {
            inside.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        t.interrupt();
        release.set(true);
        join(t);
        assertTrue(carrierFlagInside.get(), "the carrier saw the interrupt during the call");
        assertTrue(flagAfter.get(), "an interrupt the call did not consume stays on the user thread");
    }

    /**
     * The race a worker meets when its carrier waits unannounced between two user threads (a
     * contended lock in the ready queue, say) long enough for the monitor to revoke its VP: it
     * then finds no work and reports the VP idle. The kernel must answer "gone, return" (false),
     * not throw at the scheduler. Driven through the kernel's public upcall API, as the
     * runtime's worker does it.
     */
    @Test
    void processorIdleAfterTheProcessorWasRevokedAnswersFalse() throws InterruptedException {
        try (Kernel raw = Kernel.builder().processors(1).name(kernel.name() + "-raw").build()) {
            AtomicReference<dev.activations.kernel.AddressSpace> space = new AtomicReference<>();
            AtomicReference<Object> idleOutcome = new AtomicReference<>();
            CountDownLatch handedOff = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch answered = new CountDownLatch(1);
            AtomicInteger added = new AtomicInteger();
            dev.activations.kernel.Upcalls upcalls = new dev.activations.kernel.Upcalls() {
                @Override
                public Object processorAdded(dev.activations.kernel.VirtualProcessor vp) {
                    if (added.getAndIncrement() > 0) {
                        return null;
                    }
                    dev.activations.kernel.Activation.current().noteDispatch("a user thread"); // as a worker does
                    awaitQuietly(release); // waits without saying so: the monitor revokes vp
                    try {
                        idleOutcome.set(space.get().processorIdle(vp));
                    } catch (Throwable e) {
                        idleOutcome.set(e);
                    }
                    answered.countDown();
                    return null;
                }

                @Override
                public Object activationBlocked(dev.activations.kernel.VirtualProcessor vp, dev.activations.kernel.Activation blocked, Object thread) {
                    handedOff.countDown();
                    while (space.get().processorIdle(vp)) {
                        Thread.onSpinWait();
                    }
                    return null;
                }

                @Override
                public void processorPreempted(dev.activations.kernel.VirtualProcessor vp, Object stopped) {
                }

                @Override
                public void activationUnblocked(dev.activations.kernel.Activation activation, Object thread) {
                }
            };
            space.set(raw.attach("raw", 5, upcalls));
            space.get().requestProcessors(1);
            assertTrue(handedOff.await(TestSupport.HANG.toSeconds(), java.util.concurrent.TimeUnit.SECONDS), "the monitor never revoked the waiting carrier's VP");
            release.countDown();
            assertTrue(answered.await(TestSupport.HANG.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(Boolean.FALSE, idleOutcome.get(), "processorIdle on a revoked VP must answer false (the upcall returns), not throw");
            assertEquals(0, space.get().stats().upcallFailures());
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException e) {
                // keep waiting: only the test releases it
            }
        }
    }

    @Test
    void handOffsBeyondMaxActivationsAreRefusedCountedAndDrain() {
        try (Kernel small = Kernel.builder().processors(2).maxActivations(4).name(kernel.name() + "-small").build()) {
            Scheduler s = track(Scheduler.builder().kernel(small).name("capped").policy(policy()).build());
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger inside = new AtomicInteger();
            int blocked = 3; // 2 hand-offs reach the cap of 4 carriers; the third blocked thread keeps its VP
            // A thread that never leaves its processor idle until the release: without it the carrier
            // that took the second hand-off could go idle and spare before the third blocker blocks,
            // and the third hand-off would take that spare instead of being refused (seen in CI).
            UserThread keeper = s.start(() -> {
                while (release.getCount() > 0) {
                    UserThread.yield();
                }
            });
            List<UserThread> blockers = new ArrayList<>();
            for (int i = 0; i < blocked; i++) {
                blockers.add(s.start(() -> {
                    try {
                        UserThread.blocking(() -> {
                            inside.incrementAndGet();
                            release.await();
                            return null;
                        });
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }));
            }
            awaitCondition("all blockers inside the kernel", () -> inside.get() == blocked);
            awaitCondition(() -> "a refused hand-off to be counted: " + small.stats(), () -> small.stats().refusedHandOffs() > 0);
            assertTrue(small.stats().activationsAlive() <= 4, "never more carriers than maxActivations");

            AtomicInteger work = new AtomicInteger();
            List<UserThread> others = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                others.add(s.start(() -> {
                    for (int k = 0; k < 100; k++) {
                        work.incrementAndGet();
                        UserThread.yield();
                    }
                }));
            }
            TestSupport.joinAll(others); // on the one processor still running user code
            assertEquals(2_000, work.get());
            assertEquals(blocked, inside.get());
            assertTrue(blockers.stream().allMatch(UserThread::isAlive), "the blocked calls have not returned yet");

            release.countDown();
            TestSupport.joinAll(blockers);
            TestSupport.join(keeper);
            awaitCondition(() -> "blocked activations to drain: " + small.stats(), () -> small.stats().blockedActivations() == 0);
            TestSupport.assertStillWorks(s);
            assertNotEquals(0, small.stats().handOffs());
        }
    }
}
