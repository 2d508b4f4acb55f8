package dev.activations.kernel;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * What the monitor reads from {@code /proc} about a thread Java reports RUNNABLE or not at all
 * ({@link ProcStat.Reader}): asleep in a blocking call of its own (a pipe read), not asleep when
 * it waits in {@code futex} (how the JVM waits at safepoints, in {@code Thread.start} and on
 * its own locks; a parked thread waits the same way, though the monitor sees that one from
 * Java's WAITING first), and not asleep while it computes.
 */
class ProcStatTest {

    private static void assumeProcSyscall() {
        assumeTrue(Files.isReadable(Path.of("/proc/thread-self/syscall")), "needs Linux /proc/<tid>/syscall");
        assumeTrue(ProcStat.FUTEX >= 0, "futex number unknown on " + System.getProperty("os.arch"));
    }

    /** A daemon platform thread running {@code body}, and a reader of it (close it first). */
    private record Watched(Thread thread, ProcStat.Reader reader) implements AutoCloseable {
        static Watched start(String name, Runnable body) throws Exception {
            CompletableFuture<Integer> tid = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                tid.complete(ProcStat.currentTid());
                body.run();
            }, name);
            t.setDaemon(true);
            t.start();
            ProcStat.Reader r = ProcStat.Reader.open(tid.get());
            assertNotNull(r, "a reader of tid " + tid.get());
            return new Watched(t, r);
        }

        @Override
        public void close() {
            reader.close();
        }
    }

    @Test
    void aThreadReadingAnEmptyPipeIsAsleep() throws Exception {
        assumeProcSyscall();
        Pipe pipe = Pipe.open();
        Watched w = Watched.start("pipe-reader", () -> {
            try {
                pipe.source().read(ByteBuffer.allocate(1)); // blocks in read(2) until the test writes
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        try (w) {
            Await.until("the reader asleep in read(2)", w.reader()::sleeping, () -> w.thread() + " " + w.thread().getState());
            assertFalse(w.reader().inFutexOrAwake(), "read(2) is not futex, and the reader is asleep");
        } finally {
            pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
            w.thread().join();
            pipe.sink().close();
            pipe.source().close();
        }
    }

    @Test
    void aThreadWaitingInFutexIsNotTakenAsAsleep() throws Exception {
        assumeProcSyscall();
        AtomicBoolean go = new AtomicBoolean();
        Watched w = Watched.start("parked", () -> {
            while (!go.get()) {
                LockSupport.park(); // HotSpot's Parker: a futex wait
            }
        });
        Thread t = w.thread();
        ProcStat.Reader r = w.reader();
        try (w) {
            Await.until("the thread parked", () -> t.getState() == Thread.State.WAITING, t::toString);
            Await.until("the thread in futex", () -> {
                try {
                    return r.call() == ProcStat.FUTEX;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, t::toString);
            assertFalse(r.sleeping(), "a futex wait is the JVM's own, not a blocking call");
        } finally {
            go.set(true);
            LockSupport.unpark(t);
            t.join();
        }
    }

    @Test
    void aComputingThreadIsNotAsleep() throws Exception {
        assumeProcSyscall();
        AtomicBoolean stop = new AtomicBoolean();
        Watched w = Watched.start("computing", () -> {
            long x = 0;
            while (!stop.get()) {
                x += System.nanoTime() & 1;
            }
            assertTrue(x >= 0);
        });
        Thread t = w.thread();
        ProcStat.Reader r = w.reader();
        try (w) {
            for (int i = 0; i < 100; i++) {
                assertFalse(r.sleeping(), "read " + i + " of a thread that never sleeps"); // at a safepoint: in futex
            }
        } finally {
            stop.set(true);
            t.join();
        }
    }
}
