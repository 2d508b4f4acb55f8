package dev.activations.runtime;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.DeadlineTimerWheel;
import org.jctools.queues.MpscUnboundedArrayQueue;

/**
 * Timers for sleep and timed park: one platform thread per scheduler (started on first use)
 * owning an Agrona {@link DeadlineTimerWheel}. It runs beside the processors, so timers fire
 * even while every VP is busy.
 *
 * <h2>Protocol</h2>
 * Any thread adds a {@link Timeout} to {@code requests} (JCTools MPSC) and unparks the timer
 * thread if it sleeps without a deadline ({@code idle}, volatile: the timer publishes it, then
 * re-checks the queue; the requester queues, then reads it). Only the timer thread touches the
 * wheel and {@code byId}. A timer is never cancelled: its firing calls
 * {@link UserThread#timeout(long)}, which is a no-op once that park has returned.
 *
 * <p>Resolution: ticks of 2^18 ns (~262 µs); while timers are pending the thread wakes once per
 * tick. A firing is never early: the handler re-checks the deadline.
 */
final class TimerService implements Runnable {
    private static final long TICK_NANOS = 1L << 18;

    record Timeout(UserThread thread, long parkSeq, long deadline) {
    }

    private final MpscUnboundedArrayQueue<Timeout> requests = new MpscUnboundedArrayQueue<>(256);
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
    void schedule(UserThread t, long seq, long deadline) {
        requests.offer(new Timeout(t, seq, deadline));
        if (idle) { // read after the offer: pairs with run()'s re-check
            LockSupport.unpark(thread);
        }
    }

    void stop() {
        stopped = true;
        LockSupport.unpark(thread);
    }

    @Override
    public void run() {
        DeadlineTimerWheel.TimerHandler fire = this::expire;
        while (!stopped) {
            Timeout r;
            while ((r = requests.poll()) != null) {
                if (wheel.timerCount() == 0) {
                    wheel.resetStartTime(System.nanoTime());
                }
                byId.put(wheel.scheduleTimer(r.deadline()), r);
            }
            long now = System.nanoTime();
            do {
                wheel.poll(now, fire, Integer.MAX_VALUE);
            } while (wheel.currentTickTime() <= now && wheel.timerCount() > 0);
            if (wheel.timerCount() == 0) {
                idle = true;
                if (requests.isEmpty() && !stopped) { // re-check after publishing idle
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
        if (t.deadline() > now) { // the wheel rounds to ticks: never fire early
            byId.put(wheel.scheduleTimer(t.deadline()), t);
            return true;
        }
        t.thread().timeout(t.parkSeq());
        return true;
    }
}
