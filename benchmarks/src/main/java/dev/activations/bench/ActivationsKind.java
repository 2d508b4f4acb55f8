package dev.activations.bench;

import dev.activations.kernel.Kernel;
import dev.activations.runtime.Mutex;
import dev.activations.runtime.Scheduler;
import dev.activations.runtime.Semaphore;
import dev.activations.runtime.UserThread;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Threads of one Activations {@link Scheduler} (address space) on a private {@link Kernel}, of
 * either kind (DESIGN.md §3a):
 * <ul>
 *   <li>{@code activations}: Java threads, real virtual threads whose scheduler is ours
 *       ({@link Scheduler#ofVirtual()}), parked with {@link LockSupport}, locked with JUC: the
 *       kind every user starts with;</li>
 *   <li>{@code userthread}: raw {@link UserThread}s, parked with {@link UserThread#park()},
 *       locked with the runtime's {@link Mutex}, joins run inline.</li>
 * </ul>
 * Further spaces on the same kernel come from {@link #newSpace}.
 */
final class ActivationsKind extends Kind {
    private final boolean java;
    private final Kernel kernel;
    private final Scheduler scheduler;
    private final Thread.Builder javaThreads;
    /** Spaces made by {@link #newSpace}; guarded by itself. */
    private final List<Scheduler> extraSpaces = new ArrayList<>();

    ActivationsKind(String name, Kernel.Builder kernel) {
        super(name);
        this.java = name.equals(ACTIVATIONS);
        this.kernel = kernel.build();
        this.scheduler = Scheduler.builder().kernel(this.kernel).name("bench").priority(5).build();
        this.javaThreads = scheduler.ofVirtual().name("bench-java");
    }

    /** The kernel the threads run on. */
    Kernel kernel() {
        return kernel;
    }

    /** The address space the threads of {@link #start(Runnable)} run in. */
    Scheduler scheduler() {
        return scheduler;
    }

    /** Attaches another address space to the same kernel (closed with this kind). */
    Scheduler newSpace(String name, int priority) {
        Scheduler s = Scheduler.builder().kernel(kernel).name(name).priority(priority).build();
        synchronized (extraSpaces) {
            extraSpaces.add(s);
        }
        return s;
    }

    /**
     * Starts {@code body} in the caller's space when the caller is a thread of one of ours (as
     * application code would: {@code Thread.ofVirtual()} inherits the scheduler, and
     * {@code UserThread.start} uses the caller's), else in {@link #scheduler()}: the apps of
     * {@link Multiprogramming} fork their chunks in their own spaces.
     */
    @Override
    public Strand start(Runnable body) {
        if (java) {
            return new ThreadStrand(Thread.currentThread().isVirtual() ? Thread.ofVirtual().start(body) : javaThreads.start(body));
        }
        return new UserStrand(UserThread.current() != null ? UserThread.start(body) : scheduler.start(body));
    }

    /** Starts {@code body} as a thread of this kind in {@code space}. Called from outside any thread of it. */
    Strand start(Scheduler space, Runnable body) {
        return java ? new ThreadStrand(space.ofVirtual().start(body)) : new UserStrand(space.start(body));
    }

    @Override
    public Strand current() {
        return java ? new ThreadStrand(Thread.currentThread()) : new UserStrand(UserThread.current());
    }

    @Override
    public void park() {
        if (java) {
            LockSupport.park(this);
        } else {
            UserThread.park();
        }
    }

    @Override
    public void yieldNow() {
        UserThread.yield(); // Thread.yield() in a Java thread
    }

    @Override
    public void checkpoint() {
        UserThread.checkpoint();
    }

    @Override
    public Lock newLock() {
        return java ? new ReentrantLock() : new Mutex();
    }

    @Override
    public Sem newSemaphore(int permits) {
        if (java) {
            return new JucSemaphore(permits);
        }
        Semaphore s = new Semaphore(permits);
        return new Sem() {
            @Override
            public void acquire() {
                s.acquireUninterruptibly(1);
            }

            @Override
            public void release() {
                s.release();
            }
        };
    }

    @Override
    public <T> T blocking(Callable<T> call) throws Exception {
        return UserThread.blocking(call);
    }

    @Override
    public void close() {
        synchronized (extraSpaces) {
            extraSpaces.forEach(Scheduler::close);
            extraSpaces.clear();
        }
        scheduler.close();
        kernel.close();
    }

    private record UserStrand(UserThread thread) implements Strand {
        @Override
        public void join() {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while joining " + thread, e);
            }
        }

        @Override
        public void unpark() {
            thread.unpark();
        }
    }
}
