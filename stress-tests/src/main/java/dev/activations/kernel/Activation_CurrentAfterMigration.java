package dev.activations.kernel;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.activations.runtime.Scheduler;
import dev.activations.runtime.UserThread;
import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * {@code Activation.current()} ("the activation the caller runs on", public) stays right in a
 * user thread that moved to another carrier. C2 treats {@code Thread.currentThread()} as
 * immutable within a compiled frame; if the lookup is inlined into a frame that spans a yield,
 * it returns the carrier of before the yield, and whatever the caller does with it (read its
 * {@code signal()}, its {@code processor()}) concerns another carrier.
 *
 * <p>Two user threads yield four times each and, after every yield, compare
 * {@code Activation.current()} with {@code Thread.currentThread()} evaluated in a frame of its
 * own (called through a non-constant method handle, which C2 cannot inline). Result:
 * mismatches (0), whether any yield moved a thread to another carrier (1 once warmed up), both
 * finished (1).
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t Activation_CurrentAfterMigration}
 */
@JCStressTest
@Outcome(id = "0, [01], 1", expect = ACCEPTABLE, desc = "Activation.current() named the right carrier after every yield")
@Outcome(id = "[^0].*, .*, 1", expect = FORBIDDEN, desc = "Activation.current() named a carrier the thread had left")
@Outcome(expect = FORBIDDEN, desc = "a thread did not finish")
@State
public class Activation_CurrentAfterMigration {
    static final Scheduler SCHEDULER = Scheduler.builder()
            .kernel(Kernel.builder().processors(2).name("current-after-migration").build())
            .name("current-after-migration")
            .build();
    volatile int wrong;
    volatile int migrations;
    final UserThread t1 = SCHEDULER.thread().unstarted(this::hop);
    final UserThread t2 = SCHEDULER.thread().unstarted(this::hop);

    void hop() {
        Activation before = Activation.current();
        for (int i = 0; i < 4; i++) {
            UserThread.yield();
            Activation now = Activation.current();
            Activation truth = freshLookup();
            if (now != truth) {
                wrong++;
            }
            if (truth != before) {
                migrations++;
            }
            before = truth;
        }
    }

    /** {@code Thread.currentThread()} in a frame of its own (a non-constant method handle: never inlined). */
    private static Activation freshLookup() {
        try {
            return (Activation) LOOKUP.invokeExact();
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    @SuppressWarnings("FieldMayBeFinal")
    private static java.lang.invoke.MethodHandle LOOKUP = lookupHandle();

    private static java.lang.invoke.MethodHandle lookupHandle() {
        try {
            return java.lang.invoke.MethodHandles.lookup().findStatic(Activation_CurrentAfterMigration.class, "carrier",
                    java.lang.invoke.MethodType.methodType(Activation.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static Activation carrier() {
        return Thread.currentThread() instanceof Activation a ? a : null;
    }

    @Actor
    public void first() {
        t1.start();
    }

    @Actor
    public void second() {
        t2.start();
    }

    @Arbiter
    public void arbiter(III_Result r) {
        boolean done;
        try {
            done = t1.join(Duration.ofSeconds(5)) & t2.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            done = false;
        }
        r.r1 = wrong;
        r.r2 = Math.min(migrations, 1);
        r.r3 = done ? 1 : 0;
    }
}
