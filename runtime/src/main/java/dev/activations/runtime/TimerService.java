package dev.activations.runtime;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.DeadlineTimerWheel;
import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;

/**
 * Timers for sleep and timed park: one platform thread per scheduler (started with its first user thread,
 * ended by {@link #stop} when the scheduler closes) owning an Agrona {@link DeadlineTimerWheel}. It runs beside the processors, so timers fire
 * even while every VP is busy.
 *
 * <h2>Protocol</h2>
 * Any thread adds a {@link Timeout} to {@code requests} (JCTools MPSC, field-updater variant) and unparks the timer
 * thread if it sleeps without a deadline ({@code idle}, volatile: the timer publishes it, then
 * re-checks the queue; the requester queues, then reads it). Only the timer thread touches the
 * wheel, {@code byId} and {@code Timeout.timerId}. A park that returns before its timer fired
 * cancels it ({@link #cancel}: a second MPSC queue), so long timeouts do not pile up in the
 * wheel holding their threads; a firing that races the cancellation calls
 * {@link UserThread#timeout(long)}, which is a no-op once that park has returned.
 *
 * <p>Resolution: ticks of 2^18 ns (~262 µs); while timers are pending the thread wakes once per
 * tick. A firing is never early: the handler re-checks the deadline.
 */
final class TimerService implements Runnable {
    private static final long TICK_NANOS = 1L << 18;

    static final class Timeout {
        final UserThread thread;
        final long parkSeq;
        final long deadline;
        /** Timer thread only. */
        long timerId = DeadlineTimerWheel.NULL_DEADLINE;
        boolean fired;
        /** Cancelled before its request was drained: never schedule it. */
        boolean cancelled;

        Timeout(UserThread thread, long parkSeq, long deadline) {
            this.thread = thread;
            this.parkSeq = parkSeq;
            this.deadline = deadline;
        }
    }

    private final MpscUnboundedAtomicArrayQueue<Timeout> requests = new MpscUnboundedAtomicArrayQueue<>(256);
    private final MpscUnboundedAtomicArrayQueue<Timeout> cancels = new MpscUnboundedAtomicArrayQueue<>(256);
    private final DeadlineTimerWheel wheel = new DeadlineTimerWheel(TimeUnit.NANOSECONDS, System.nanoTime(), TICK_NANOS, 512);
    private final Long2ObjectHashMap<Timeout> byId = new Long2ObjectHashMap<>();
    private final Thread thread;
    private volatile boolean idle;
    private volatile boolean stopped;

    TimerService(String name) {
        thread = new Thread(this, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Any thread: wake {@code t} with {@code t.timeout(seq)} at {@code deadline} (System.nanoTime). */
    Timeout schedule(UserThread t, long seq, long deadline) {
        Timeout r = new Timeout(t, seq, deadline);
        requests.offer(r);
        if (idle) { // read after the offer: pairs with run()'s re-check
            LockSupport.unpark(thread);
        }
        return r;
    }

    /** The park of {@code r} returned: drop its timer (lazily, on the timer thread's next pass). */
    void cancel(Timeout r) {
        cancels.offer(r);
    }

    /**
     * Stops the timer thread and returns once it has ended (a timer still pending never fires):
     * a closed scheduler leaves no thread behind. Not on the timer thread, which never calls
     * out to code that could close a scheduler.
     */
    void stop() {
        stopped = true;
        LockSupport.unpark(thread);
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true; // the thread ends promptly: finish waiting, then keep the interrupt
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        DeadlineTimerWheel.TimerHandler fire = this::expire;
        while (!stopped) {
            Timeout r;
            while ((r = requests.poll()) != null) {
                if (r.cancelled) {
                    continue;
                }
                if (wheel.timerCount() == 0) {
                    wheel.resetStartTime(System.nanoTime());
                }
                r.timerId = wheel.scheduleTimer(r.deadline);
                byId.put(r.timerId, r);
            }
            while ((r = cancels.poll()) != null) {
                if (r.timerId == DeadlineTimerWheel.NULL_DEADLINE) {
                    r.cancelled = true; // its request arrived after the drain above: skip it when it comes
                } else if (!r.fired && byId.remove(r.timerId) != null) {
                    wheel.cancelTimer(r.timerId);
                }
            }
            long now = System.nanoTime();
            do {
                wheel.poll(now, fire, Integer.MAX_VALUE);
            } while (wheel.currentTickTime() <= now && wheel.timerCount() > 0);
            if (wheel.timerCount() == 0) {
                idle = true;
                if (requests.isEmpty() && cancels.isEmpty() && !stopped) { // re-check after publishing idle
                    LockSupport.park(this);
                }
                idle = false;
            } else {
                LockSupport.parkNanos(this, Math.max(1_000, wheel.currentTickTime() - System.nanoTime()));
            }
        }
    }

    private boolean expire(TimeUnit unit, long now, long timerId) {
        Timeout t = byId.remove(timerId);
        if (t == null) {
            return true;
        }
        if (t.deadline > now) { // the wheel rounds to ticks: never fire early
            t.timerId = wheel.scheduleTimer(t.deadline);
            byId.put(t.timerId, t);
            return true;
        }
        t.fired = true;
        t.thread.timeout(t.parkSeq);
        return true;
    }
}
