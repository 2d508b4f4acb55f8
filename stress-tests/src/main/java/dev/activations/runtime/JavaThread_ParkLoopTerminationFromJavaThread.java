package dev.activations.runtime;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.locks.LockSupport;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

/**
 * Lost wake-up check for Java threads in jcstress's termination mode, unparker another Java
 * thread of the same scheduler: a Java thread of {@link StressRuntime#SCHEDULER} parks
 * ({@code LockSupport.park}) in a loop until a flag is set; the signal starts a second Java
 * thread of the same scheduler that sets the flag and unparks it. The unparker is mounted on
 * one of our carriers, so {@code JavaThreads.submit} puts the woken thread in that worker's
 * hand-off slot ({@code ReadyQueues.pushHandOff}, no wake-up of another processor): it must run
 * when the unparker ends, or be stolen. The actor starts the parker and joins it; it must
 * always terminate.
 *
 * <p>Fails if: {@code Worker.takeNext} returns null (the owner never takes its own hand-off
 * slot, and a worker leaving its processor leaves it there too): the woken thread stays in the
 * unparker's worker's slot, which only another worker's last-chance steal could find, and the
 * actor is STALE when no other worker comes by. (Removing only the {@code takeNext()} call from
 * {@code WorkStealingQueues.next} is not enough: the leaving worker's {@code drain} moves the
 * slot to the global queue.)
 *
 * <p>Run just this test: {@code java -jar stress-tests/target/jcstress.jar -t JavaThread_ParkLoopTerminationFromJavaThread}
 */
@JCStressTest(Mode.Termination)
@Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "the parked Java thread woke up and finished")
@Outcome(id = "STALE", expect = FORBIDDEN, desc = "lost wake-up: the Java thread stays parked (or in a hand-off slot, unrun) after the unpark")
@State
public class JavaThread_ParkLoopTerminationFromJavaThread {
    volatile boolean go;
    final Thread parker = StressRuntime.SCHEDULER.ofVirtual().unstarted(() -> {
        while (!go) {
            LockSupport.park();
        }
    });
    final Thread waker = StressRuntime.SCHEDULER.ofVirtual().unstarted(() -> {
        go = true;
        LockSupport.unpark(parker);
    });

    @Actor
    public void startAndJoin() {
        parker.start();
        try {
            parker.join();
        } catch (InterruptedException e) {
            throw new IllegalStateException("interrupted while the Java thread was still parked", e);
        }
    }

    @Signal
    public void wake() {
        waker.start();
    }
}
