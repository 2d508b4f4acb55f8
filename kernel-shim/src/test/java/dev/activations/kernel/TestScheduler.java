package dev.activations.kernel;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal user-level scheduler for kernel tests: the smallest {@link Upcalls} that follows
 * the protocol, with no continuations.
 *
 * <h2>Model</h2>
 * A "user thread" is a {@link Work} item in one FIFO ready queue per space. Both upcalls that
 * carry a processor run {@link #runOn}: poll the signal (the safepoint), take an item, note
 * the dispatch for the monitor and run it; an item that sees a signal stops and is returned as
 * the stopped thread. With nothing to run the loop notes itself idle and calls
 * {@code processorIdle}, returning when that answers false. {@code processorPreempted} and
 * {@code activationUnblocked} re-queue the stopped item and ask for a processor, as the
 * runtime's scheduler does. A processor preempted with no item stopped (the signal came
 * between items) is asked for again if items are still queued: the kernel counts a space's
 * demand as held plus requested, so a space that lost a processor without asking again would
 * look satisfied.
 *
 * <h2>Recording</h2>
 * Every upcall is appended to {@link #upcalls} (thread-safe) with the activation it ran on, so
 * tests assert on what the kernel delivered, where, and in which order. Items that finish go
 * to {@link #finished}; anything a work item or the loop throws goes to {@link #failures}.
 */
final class TestScheduler implements Upcalls {

    /** A user-level thread: runs on a carrier that holds a VP. */
    interface Work {
        /** Returns true when finished; false when it stopped at a safepoint and must run again later. */
        boolean run();
    }

    /** One delivered upcall. */
    sealed interface Upcall permits Added, Preempted, Blocked, Unblocked, Closed {
    }

    record Added(VirtualProcessor vp, Activation on) implements Upcall {
    }

    record Preempted(VirtualProcessor vp, Object stopped, Activation on) implements Upcall {
    }

    record Blocked(VirtualProcessor vp, Activation blocked, Object thread, Activation on) implements Upcall {
    }

    record Unblocked(Activation activation, Object thread, Activation on) implements Upcall {
    }

    record Closed(Thread on) implements Upcall {
    }

    final String name;
    final ConcurrentLinkedQueue<Work> ready = new ConcurrentLinkedQueue<>();
    final List<Upcall> upcalls = new CopyOnWriteArrayList<>();
    final List<Work> finished = new CopyOnWriteArrayList<>();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private volatile AddressSpace space;

    TestScheduler(String name) {
        this.name = name;
    }

    /** Attaches this scheduler to {@code kernel} as a new space. */
    AddressSpace attach(Kernel kernel, int priority) {
        space = kernel.attach(name, priority, this);
        return space;
    }

    /** Attaches this scheduler to {@code kernel} as a new space asking for {@code allocation}. */
    AddressSpace attach(Kernel kernel, Allocation allocation) {
        space = kernel.attach(name, allocation, this);
        return space;
    }

    AddressSpace space() {
        return space;
    }

    /** Queues items; asks for no processor (the test does that with {@code requestProcessors}). */
    void submit(Work... items) {
        for (Work w : items) {
            ready.add(w);
        }
    }

    /** The upcalls of one kind, in delivery order. */
    <T extends Upcall> List<T> events(Class<T> type) {
        return upcalls.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends Upcall> int count(Class<T> type) {
        return events(type).size();
    }

    /** The one {@code activationBlocked} delivered for {@code thread}, or null; fails if there were more. */
    Blocked blockedFor(Object thread) {
        List<Blocked> l = events(Blocked.class).stream().filter(b -> b.thread() == thread).toList();
        if (l.size() > 1) {
            throw new AssertionError(thread + " was handed off " + l.size() + " times: " + l);
        }
        return l.isEmpty() ? null : l.get(0);
    }

    /** The one {@code activationUnblocked} delivered for {@code thread}, or null; fails if there were more. */
    Unblocked unblockedFor(Object thread) {
        List<Unblocked> l = events(Unblocked.class).stream().filter(u -> u.thread() == thread).toList();
        if (l.size() > 1) {
            throw new AssertionError(thread + " was unblocked " + l.size() + " times: " + l);
        }
        return l.isEmpty() ? null : l.get(0);
    }

    /** True when every activationBlocked so far has been followed by activationUnblocked of the same activation. */
    boolean handOffsPaired() {
        // Counted per activation, not by position: Blocked is recorded by the fresh carrier and
        // Unblocked by the blocked one, so the two may land in the list in either order.
        java.util.Map<Activation, Integer> open = new java.util.HashMap<>();
        for (Upcall u : List.copyOf(upcalls)) {
            if (u instanceof Blocked b) {
                open.merge(b.blocked(), 1, Integer::sum);
            } else if (u instanceof Unblocked ub) {
                open.merge(ub.activation(), -1, Integer::sum);
            }
        }
        return open.values().stream().allMatch(n -> n == 0);
    }

    String describe() {
        AddressSpace s = space;
        return name + ": " + (s == null ? "not attached" : s.stats() + " kernel " + s.kernel().stats())
                + "\n  ready=" + ready + "\n  upcalls=" + upcalls + "\n  failures=" + failures;
    }

    // ------------------------------------------------------------------ upcalls

    @Override
    public Object processorAdded(VirtualProcessor vp) {
        upcalls.add(new Added(vp, Activation.current()));
        return runOn(vp);
    }

    @Override
    public void processorPreempted(VirtualProcessor vp, Object stopped) {
        upcalls.add(new Preempted(vp, stopped, Activation.current()));
        if (stopped == null && !ready.isEmpty()) {
            space.requestProcessors(1); // left with work queued: still wants the processor
        }
        requeue(stopped);
    }

    @Override
    public Object activationBlocked(VirtualProcessor vp, Activation blocked, Object thread) {
        upcalls.add(new Blocked(vp, blocked, thread, Activation.current()));
        return runOn(vp);
    }

    @Override
    public void activationUnblocked(Activation activation, Object thread) {
        upcalls.add(new Unblocked(activation, thread, Activation.current()));
        requeue(thread);
    }

    @Override
    public void kernelClosed() {
        upcalls.add(new Closed(Thread.currentThread()));
    }

    private void requeue(Object stopped) {
        if (stopped instanceof Work w) {
            ready.add(w);
            space.requestProcessors(1);
        } else if (stopped != null) {
            failures.add(new AssertionError("stopped thread is not one of ours: " + stopped));
        }
    }

    /** The scheduler loop of one processor. Runs on the activation holding {@code vp}. */
    private Object runOn(VirtualProcessor vp) {
        Activation a = Activation.current();
        try {
            while (true) {
                if (a.signal() != 0) {
                    return null;
                }
                Work w = ready.poll();
                if (w == null) {
                    a.noteIdle();
                    if (!space.processorIdle(vp)) {
                        return null;
                    }
                    continue;
                }
                a.noteDispatch(w);
                boolean done;
                try {
                    done = w.run();
                } catch (Throwable t) {
                    failures.add(t);
                    done = true;
                }
                a.noteIdle();
                if (!done) {
                    return w;
                }
                finished.add(w);
            }
        } catch (Throwable t) {
            failures.add(t);
            throw t;
        }
    }

    // ------------------------------------------------------------------ work items

    /**
     * A long computation: spins (yielding the CPU to keep the machine responsive) until
     * {@link #finish} is called, polling the signal as its safepoint and stopping when it is set.
     */
    static final class Spin implements Work {
        final String name;
        final AtomicLong progress = new AtomicLong();
        final AtomicLong stops = new AtomicLong();
        volatile Activation carrier;
        private volatile boolean finish;

        Spin(String name) {
            this.name = name;
        }

        /** A spin that is already told to finish: a short item that runs to completion. */
        static Spin quick(String name) {
            Spin s = new Spin(name);
            s.finish();
            return s;
        }

        void finish() {
            finish = true;
        }

        @Override
        public boolean run() {
            Activation a = Activation.current();
            carrier = a;
            while (!finish) {
                if (a.signal() != 0) {
                    stops.incrementAndGet();
                    return false;
                }
                progress.incrementAndGet();
                Thread.yield();
            }
            return true;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A blocking call made by a {@link Blocker}; returns false if the item must stop afterwards. */
    interface Call {
        boolean make(Activation carrier, Blocker self) throws Exception;
    }

    /**
     * Makes one blocking call, then polls the signal and stops if its processor was taken
     * meanwhile (or if the call says so, as a failed {@code exitKernel} does). The next time
     * it runs it finishes.
     */
    static final class Blocker implements Work {
        final String name;
        private final Call call;
        volatile Activation carrier;
        volatile boolean callReturned;
        volatile int signalAfterCall = -1;
        volatile Exception error;
        volatile int runs;

        Blocker(String name, Call call) {
            this.name = name;
            this.call = call;
        }

        @Override
        public boolean run() {
            runs++;
            if (carrier != null) {
                return true; // second run, after being stopped: the call is over
            }
            Activation a = Activation.current();
            carrier = a;
            boolean mayContinue = true;
            try {
                mayContinue = call.make(a, this);
            } catch (Exception e) {
                error = e;
            }
            callReturned = true;
            int sig = a.signal(); // the safepoint after the blocking call
            signalAfterCall = sig;
            return mayContinue && sig == 0;
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
