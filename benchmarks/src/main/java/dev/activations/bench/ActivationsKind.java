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

/**
 * {@code activations}: user threads of one {@link Scheduler} (address space) on a private
 * {@link Kernel}. Further spaces on the same kernel come from {@link #newSpace}.
 */
final class ActivationsKind extends Kind {
    private final Kernel kernel;
    private final Scheduler scheduler;
    /** Spaces made by {@link #newSpace}; guarded by itself. */
    private final List<Scheduler> extraSpaces = new ArrayList<>();

    ActivationsKind(Kernel.Builder kernel) {
        super(ACTIVATIONS);
        this.kernel = kernel.build();
        this.scheduler = Scheduler.builder().kernel(this.kernel).name("bench").priority(5).build();
    }

    /** The kernel the user threads run on. */
    Kernel kernel() {
        return kernel;
    }

    /** Attaches another address space to the same kernel (closed with this kind). */
    Scheduler newSpace(String name, int priority) {
        Scheduler s = Scheduler.builder().kernel(kernel).name(name).priority(priority).build();
        synchronized (extraSpaces) {
            extraSpaces.add(s);
        }
        return s;
    }

    @Override
    public Strand start(Runnable body) {
        return new UserStrand(UserThread.current() != null ? UserThread.start(body) : scheduler.start(body));
    }

    /** Starts {@code body} as a user thread of {@code space}. Called from outside any user thread. */
    static Strand start(Scheduler space, Runnable body) {
        return new UserStrand(space.start(body));
    }

    @Override
    public Strand current() {
        return new UserStrand(UserThread.current());
    }

    @Override
    public void park() {
        UserThread.park();
    }

    @Override
    public void yieldNow() {
        UserThread.yield();
    }

    @Override
    public void checkpoint() {
        UserThread.checkpoint();
    }

    @Override
    public Lock newLock() {
        return new Mutex();
    }

    @Override
    public Sem newSemaphore(int permits) {
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
