package dev.activations.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.activations.kernel.Kernel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the runtime tests: every test gets its own small {@link Kernel} (2 processors
 * unless a subclass says otherwise) and one {@link Scheduler} on it, built with
 * {@link #policy()}; both are closed after the test.
 *
 * <p>After each test it also checks what must hold after any workload: no upcall of any
 * scheduler the test built threw (a scheduler bug the kernel only reports and counts), and
 * {@link Kernel#close()} leaves no carrier thread of the kernel alive.
 *
 * <p>Subclasses that run under several policies override {@link #policy()};
 * {@link RandomizedPolicyTest} does that with {@link Policy#RANDOMIZED}.
 */
abstract class RuntimeTestBase {
    private static final AtomicInteger SERIAL = new AtomicInteger();

    protected Kernel kernel;
    protected Scheduler scheduler;
    private final List<Scheduler> built = new ArrayList<>();

    /** Virtual processors of the test kernel. */
    protected int processors() {
        return 2;
    }

    /** Policy of the schedulers this test builds. */
    protected Policy policy() {
        return TestSupport.policy();
    }

    /** Hook to change the kernel's settings. */
    protected Kernel.Builder configure(Kernel.Builder b) {
        return b;
    }

    @BeforeEach
    final void startKernel() {
        kernel = configure(Kernel.builder().processors(processors())
                .name(getClass().getSimpleName() + "-" + SERIAL.incrementAndGet())).build();
        scheduler = newScheduler("main", 5);
    }

    /** A scheduler on the test kernel with the test's policy; checked and closed with the kernel. */
    protected Scheduler newScheduler(String name, int priority) {
        return track(Scheduler.builder().kernel(kernel).name(name).priority(priority).policy(policy())
                .seed(TestSupport.seed()).build());
    }

    /** Registers a scheduler the test built itself, for the upcall-failure check. */
    protected Scheduler track(Scheduler s) {
        built.add(s);
        return s;
    }

    @AfterEach
    final void closeKernel() {
        try {
            for (Scheduler s : built) {
                assertEquals(0, s.space().stats().upcallFailures(),
                        () -> "upcalls of " + s + " threw (see stderr): a scheduler bug");
            }
        } finally {
            String name = kernel.name();
            kernel.close();
            TestSupport.assertNoCarriersAlive(name);
        }
    }

    /** Runs {@code body} in a user thread of the test scheduler and rethrows its failure. */
    protected void inUserThread(TestSupport.Body body) {
        TestSupport.inUserThread(scheduler, body);
    }
}
