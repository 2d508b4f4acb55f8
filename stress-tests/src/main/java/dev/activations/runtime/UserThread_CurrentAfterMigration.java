package dev.activations.runtime;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Identity after a migration: a user thread that yields may resume on another carrier; after
 * that, {@code UserThread.current()} and {@code Waiting.self()} must still be the thread
 * itself. Every primitive relies on this ({@code Mutex} ownership, waiter queues). The hazard:
 * C2 treats {@code Thread.currentThread()} as immutable within a compiled frame, so a lookup
 * inlined into a frame that spans the yield would return the carrier of before the yield.
 *
 * <p>Two user threads yield four times each, checking after every yield, in the same method
 * (so a JIT-compiled frame spans the yields). Result: {@code current()} mismatches (0),
 * {@code Waiting.self()} mismatches (0), both finished + no scheduler error (1).
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t UserThread_CurrentAfterMigration}
 */
@JCStressTest
@Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "identities right after every yield")
@Outcome(id = "[^0].*, .*, .*", expect = FORBIDDEN, desc = "UserThread.current() returned another thread (or none) after a migration")
@Outcome(id = "0, [^0].*, .*", expect = FORBIDDEN, desc = "Waiting.self() returned another thread or a carrier after a migration")
@Outcome(expect = FORBIDDEN, desc = "a thread did not finish, or the scheduler failed")
@State
public class UserThread_CurrentAfterMigration {
    volatile int wrongThread;
    volatile int wrongSelf;
    final UserThread t1 = StressRuntime.unstarted(this::hop);
    final UserThread t2 = StressRuntime.unstarted(this::hop);

    void hop() {
        UserThread self = UserThread.current();
        for (int i = 0; i < 4; i++) {
            UserThread.yield();
            if (UserThread.current() != self) {
                wrongThread++;
            }
            if (Waiting.self() != self) {
                wrongSelf++;
            }
        }
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
        boolean done = StressRuntime.finished(t1) & StressRuntime.finished(t2);
        r.r1 = wrongThread;
        r.r2 = wrongSelf;
        r.r3 = done && StressRuntime.errors() == 0 ? 1 : 0;
    }
}
