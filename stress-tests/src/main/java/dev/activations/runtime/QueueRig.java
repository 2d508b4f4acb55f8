package dev.activations.runtime;

import dev.activations.kernel.Kernel;
import dev.activations.kernel.KernelInvariants;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;

/**
 * The work-stealing ready queues of one scheduler with two {@link Worker}s, an owner and a
 * thief, driven directly by jcstress actors: no carrier, no user thread ever runs.
 *
 * <p>Each rig has its own {@link Scheduler} (the queues and the worker registry live there),
 * attached to a kernel that never gives it a processor; the workers are registered the way
 * {@code Scheduler.runWorker} registers real ones, and their activations are never started.
 * The queued "threads" come from {@link #POOL}, unstarted user threads that only serve as
 * identities, or from {@link #JAVA_POOL}, Java-thread submissions ({@link JavaTask}) whose
 * {@code runContinuation} is never run: a strand may sit in the queues of many rigs at once.
 *
 * <p>{@link #account} drains everything left (hand-off slots, spawn deques, rings, the global
 * queue) after the race, adds what the actors took, and reports how many threads were lost or
 * duplicated ({@link #accountJava} for the Java pool); its {@link SpawnDeque} form does the
 * same for a bare deque.
 * {@link #close} detaches the rig's scheduler.
 */
final class QueueRig {
    private static final Kernel KERNEL = Kernel.builder()
            .processors(2)
            .blockingDetection(false)
            .name("queue-rig")
            .build();
    private static final Scheduler POOL_SCHEDULER = Scheduler.builder().kernel(KERNEL).name("pool").build();
    /** More than a ring holds, so overflow to the global queue can be tested. */
    static final UserThread[] POOL = new UserThread[2 * WorkStealingQueues.RING_CAPACITY + 8];
    /**
     * Java-thread submissions as {@code JavaThreads} makes them (one per {@code execute}); their
     * {@code runContinuation} stand-ins are never run.
     */
    static final JavaTask[] JAVA_POOL = new JavaTask[8];
    private static final MethodHandle REGISTER;

    static {
        for (int i = 0; i < POOL.length; i++) {
            POOL[i] = POOL_SCHEDULER.thread().name("t" + i).unstarted(() -> { });
        }
        for (int i = 0; i < JAVA_POOL.length; i++) {
            String name = "runContinuation-" + i;
            JAVA_POOL[i] = new JavaTask(() -> {
                throw new IllegalStateException(name + " is an identity only and must never run");
            }, UserThread.NORM_PRIORITY);
        }
        try {
            REGISTER = MethodHandles.privateLookupIn(Scheduler.class, MethodHandles.lookup())
                    .findVirtual(Scheduler.class, "register", MethodType.methodType(void.class, Worker.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Scheduler scheduler;
    final WorkStealingQueues queues;
    final Worker owner;
    final Worker thief;

    /**
     * @param ownerOnProcessor whether the owner's carrier claims to run on its VP: if so,
     *     thieves take its hand-off slot only on their last chance before going idle
     */
    QueueRig(boolean ownerOnProcessor) {
        scheduler = Scheduler.builder().kernel(KERNEL).name("rig").build();
        queues = (WorkStealingQueues) scheduler.queues;
        owner = new Worker(scheduler, KernelInvariants.idleActivation(KERNEL, ownerOnProcessor), null);
        thief = new Worker(scheduler, KernelInvariants.idleActivation(KERNEL, true), null);
        try {
            REGISTER.invoke(scheduler, owner);
            REGISTER.invoke(scheduler, thief);
        } catch (Throwable e) {
            throw new IllegalStateException("cannot register test workers", e);
        }
    }

    static UserThread t(int i) {
        return POOL[i];
    }

    static JavaTask j(int i) {
        return JAVA_POOL[i];
    }

    static int index(Strand t) {
        return t instanceof UserThread u ? (int) (u.id() - POOL[0].id()) : -1;
    }

    /** Index of {@code t} in {@code pool}, or -1. */
    private static int index(Strand[] pool, Strand t) {
        if (pool == POOL) {
            return index(t);
        }
        for (int i = 0; i < pool.length; i++) {
            if (pool[i] == t) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Drains every queue of this rig into a list (single-threaded, after the race): the owner
     * takes until nothing is left anywhere, stealing the thief's ring and slot on its last chance.
     */
    List<Strand> drain() {
        List<Strand> left = new ArrayList<>();
        Strand t;
        while ((t = queues.next(owner, true)) != null) {
            left.add(t);
        }
        return left;
    }

    /**
     * Threads {@code 0..n-1} should each be exactly once in {@code taken} (non-null entries)
     * plus what is still queued. Returns {@code 100 * lost + duplicated + 10_000 * strangers};
     * 0 when every thread is accounted for exactly once. Closes the rig.
     */
    int account(int n, Strand... taken) {
        List<Strand> all = drain();
        close();
        return tally(POOL, n, all, taken);
    }

    /** {@link #account} for Java-thread submissions {@code JAVA_POOL[0..n-1]}. Closes the rig. */
    int accountJava(int n, Strand... taken) {
        List<Strand> all = drain();
        close();
        return tally(JAVA_POOL, n, all, taken);
    }

    /**
     * The same accounting for a bare {@link SpawnDeque}: pops what is left (single-threaded,
     * after the race, so a null pop means empty) and adds {@code taken}.
     */
    static int account(SpawnDeque deque, int n, Strand... taken) {
        List<Strand> all = new ArrayList<>();
        Strand t;
        while ((t = deque.pop()) != null) {
            all.add(t);
        }
        return tally(POOL, n, all, taken);
    }

    private static int tally(Strand[] pool, int n, List<Strand> all, Strand... taken) {
        int[] seen = new int[pool.length];
        int strangers = 0;
        for (Strand t : taken) {
            if (t != null) {
                all.add(t);
            }
        }
        for (Strand t : all) {
            int i = index(pool, t);
            if (i < 0 || i >= n) {
                strangers++;
            } else {
                seen[i]++;
            }
        }
        int lost = 0;
        int duplicated = 0;
        for (int i = 0; i < n; i++) {
            if (seen[i] == 0) {
                lost++;
            } else if (seen[i] > 1) {
                duplicated += seen[i] - 1;
            }
        }
        return 100 * lost + duplicated + 10_000 * strangers;
    }

    void close() {
        scheduler.close();
    }
}
