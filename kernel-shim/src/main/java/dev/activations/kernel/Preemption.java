package dev.activations.kernel;

import java.util.concurrent.locks.LockSupport;

/**
 * How the kernel takes a processor back from a space that holds more than its target: one per
 * {@link Kernel}; every method runs under the kernel lock.
 *
 * <h2>Three ways, cheapest first ({@link #reclaimOne})</h2>
 * <ol>
 *   <li><b>Lending back.</b> A lingering (idle) VP moves at once: if its carrier runs at the
 *       owed space's OS nice value it runs the owed space's {@code processorAdded} itself;
 *       otherwise it is let go (woken, it returns to its pool) and a carrier of the right nice
 *       value takes the VP: a displaced one of the owed space first (reinstated), else a pooled
 *       or new one.</li>
 *   <li><b>Displacement</b> (OS priorities active and the owed space's carriers at a nice value
 *       no higher than the victim's: a higher priority, or the same level, where shares or equal
 *       priorities decide). The VP is given to a carrier of the owed space <em>now</em>:
 *       its holder goes RUNNING -> DISPLACED (or IN_KERNEL -> BLOCKED, a hand-off to another
 *       space) by a CAS that races only its own {@code enterKernel}/{@code exitKernel}, its
 *       signal word says PREEMPT (REVOKED), and the owed space's carrier is started or woken on
 *       the VP (pinned to its CPU where the kernel pins). The OS runs the higher carrier in
 *       preference to the displaced one, at whatever instruction that one is (unless the space
 *       says no: {@link Upcalls#mayDisplace}, for a holder inside a critical section); the displaced
 *       carrier runs on in what CPU time is left (at its higher nice value; at the same level
 *       Linux shares the CPU equally between the two until then) to its next safepoint,
 *       where it returns from its upcall and its space gets {@code processorPreempted} there
 *       (BLOCKED: {@code activationUnblocked} when its call returns), as after a cooperative
 *       preemption. New invariant: a VP may for that while have one holder and one displaced
 *       activation ({@code displacedFrom == vp}, holding nothing). A displaced activation is
 *       part of its space's demand ({@code AddressSpace.displaced}): a thread that never reaches
 *       a safepoint (a checkpoint-free loop) would otherwise run on, unaccounted, forever; the
 *       first VP its space gets back goes to it ({@link Planner#reinstate}), which then simply
 *       holds a VP again. That includes a VP its space takes by displacement: within one level
 *       two spaces take a VP from each other in turn, and the owed space's displaced thread
 *       takes it, with no new carrier and {@code pending} untouched (its deficit came from that
 *       thread, not from a request).</li>
 *   <li><b>Cooperative preemption</b> (otherwise: a lower-priority space owed its minimum, OS
 *       priorities off, no carrier to be had, or every holder inside a critical section).
 *       PREEMPT is set in the holder's signal word
 *       and the VP comes back through {@code upcallReturned} at the holder's next safepoint.
 *       It is a race: for {@code n} VPs owed, {@code preemptsInFlight} counts {@code n} but
 *       every running VP of the victim is flagged, and once {@code n} have come back the
 *       others' flags are taken back ({@link #cancelRacing}). The owed space then waits for the
 *       victim's nearest safepoint, not an arbitrary one's. A flag taken back too late costs one
 *       extra upcall: the VP comes back and is given straight back to its space
 *       ({@code withdrawn}).</li>
 * </ol>
 *
 * <h2>Why displacement and not only cooperation</h2>
 * A continuation cannot be preempted on HotSpot, so cooperative preemption waits for the
 * holder's code: a checkpoint-free 1 ms task holds a higher space off for up to 1 ms. The OS
 * can stop a thread at any instruction; nice values tell it which carrier matters. Within one
 * priority level the nice values are equal, and displacement still pays: a space owed its share
 * beside a holder in a checkpoint-free loop otherwise waited for ever (time slicing too needs the
 * holder's safepoint), and with it the owed space's carrier runs as soon as Linux gives it the
 * CPU, sharing it with the displaced one until that one's safepoint. "As soon as" was up to the
 * rest of the holder's OS slice (1.4 ms on 2 CPUs) until the carrier woken got a shorter slice
 * than the holder's before its wake-up ({@code Kernel.Builder.displacementSlice}, 100 µs; see
 * {@link OsPriorities}): Linux then runs it at once. It keeps that slice until it goes back to
 * its pool ({@link Activation#shortSlice}). Rejected:
 * handing a VP off when the holder has burnt {@code blockedAfter} of CPU after a preemption
 * request without a safepoint (measured: worse on 2 cores, the extra carrier time-shared
 * equally with the late one), and interrupting carriers (HotSpot cannot preempt a mounted
 * continuation, and an interrupt would leak into user code).
 */
final class Preemption {
    private final Kernel k;

    Preemption(Kernel k) {
        this.k = k;
    }

    /**
     * Takes one VP from {@code victim} for {@code owed} (see the class comment). Returns false if
     * {@code victim} has no VP that can be taken.
     */
    boolean reclaimOne(AddressSpace victim, AddressSpace owed) {
        assert Thread.holdsLock(k.lock);
        Activation l = victim.lingering.poll();
        if (l != null) {
            lend(l, owed);
            return true;
        }
        if (k.os.active() && owed.nice <= victim.nice && displaceOne(victim, owed)) {
            return true;
        }
        int flagged = 0;
        VirtualProcessor best = null;
        for (VirtualProcessor vp : k.processors) {
            if (vp.owner == victim) {
                if (vp.preemptPending) {
                    flagged += vp.selfPreempt ? 0 : 1;
                } else if (vp.holder.state() == Activation.RUNNING || best == null) {
                    best = vp;
                }
            }
        }
        if (flagged <= victim.preemptsInFlight) { // no VP racing spare: flag one more
            if (best == null) {
                return false;
            }
            flag(best);
        }
        victim.preemptsInFlight++;
        k.preemptionCount.increment();
        for (VirtualProcessor vp : k.processors) { // the race: every running VP of the victim, first ones win
            if (vp.owner == victim && !vp.preemptPending && vp.holder.state() == Activation.RUNNING) {
                flag(vp);
            }
        }
        return true;
    }

    /** Moves the VP of lingering carrier {@code l} (already off its space's lingering list) to {@code owed}. */
    private void lend(Activation l, AddressSpace owed) {
        VirtualProcessor vp = l.processor;
        Planner p = k.planner;
        if (!owed.displaced.isEmpty()) { // a thread of owed still runs, displaced: it takes the VP back
            letGo(l);
            p.reinstate(owed.displaced.poll(), vp, owed);
            return;
        }
        if (!k.os.active() || l.nice == owed.nice) {
            p.releaseProcessor(l);
            p.free.remove(vp);
            l.assignment = p.bind(l, vp, owed); // its carrier runs owed's processorAdded: no new thread
            owed.pending--;
            l.lingerOutcome = Planner.LINGER_TAKEN;
            LockSupport.unpark(l);
            return;
        }
        letGo(l);
        Activation b = k.spares.pick(owed, null);
        if (b == null) {
            p.free.add(vp); // no carrier can be had now; a later rebalance gives the VP out
            k.spares.refused(owed, vp, null, null);
            return;
        }
        Assignment as = p.bind(b, vp, owed);
        owed.pending--;
        k.spares.pinBeforeWaking(b, vp);
        k.spares.start(b, as);
    }

    /**
     * Takes the VP of lingering carrier {@code l} without giving it another: it wakes (off the
     * critical path: the VP's new carrier is another one) and goes back to the pool of its nice
     * value. Not left to find out when its hysteresis ends: a long hysteresis would keep it out of
     * every pool meanwhile, and enough of them would reach {@code maxActivations}.
     */
    private void letGo(Activation l) {
        k.planner.takeProcessor(l);
        l.space = null;
        l.setState(Activation.SPARE);
        l.lingerOutcome = Planner.LINGER_TAKEN;
        LockSupport.unpark(l);
    }

    /**
     * Displacement (see the class comment): gives one of {@code victim}'s running VPs to a
     * carrier of {@code owed} at once. False if no VP could be displaced (none running, or no
     * carrier to be had).
     */
    private boolean displaceOne(AddressSpace victim, AddressSpace owed) {
        if (owed.displaced.isEmpty() && !k.spares.canPick(owed)) {
            return false;
        }
        for (VirtualProcessor vp : k.processors) {
            if (vp.owner != victim || vp.selfPreempt) {
                continue;
            }
            Activation h = vp.holder;
            if (!mayDisplace(victim, h)) {
                continue; // in a critical section: only at its end (cooperatively)
            }
            int took = revoke(h);
            if (took < 0) {
                continue;
            }
            boolean displaced = took == Activation.DISPLACED;
            k.planner.takeProcessor(h); // h.space stays: its upcall is delivered to it when it stops
            k.displacementCount.increment();
            if (displaced) {
                h.displacedFrom = vp;
                h.signal |= Activation.PREEMPT;
                victim.displaced.add(h);
            } else {
                k.spares.blocked(h, h.kernelThread, System.nanoTime());
            }
            k.spares.unpin(h); // it runs on wherever a CPU is free, not behind the VP's new carrier
            k.preemptionCount.increment();
            KernelEvents.processorDisplaced(k, victim, owed, vp, displaced);
            if (!owed.displaced.isEmpty()) {
                // a thread of owed still runs, displaced earlier (within one level the two spaces
                // take the VP from each other in turn): it takes this VP, and owed's count of VPs
                // asked for (pending) is not touched: its deficit came from that displaced thread
                k.planner.reinstate(owed.displaced.poll(), vp, owed);
                return true;
            }
            Activation b = k.spares.pick(owed, null);
            Assignment as = k.planner.bind(b, vp, owed);
            owed.pending--;
            if (k.displacementSliceNanos > 0 && !b.shortSlice) { // before the wake-up, where Linux decides
                b.shortSlice = b.tid < 0 || OsPriorities.setSlice(b.tid, k.displacementSliceNanos); // new: sets it in run
            }
            k.spares.pinBeforeWaking(b, vp);
            k.spares.start(b, as);
            return true;
        }
        return false;
    }

    /**
     * CASes holder {@code h} out of its VP: RUNNING -> DISPLACED (racing its {@code enterKernel})
     * or IN_KERNEL -> BLOCKED (racing its {@code exitKernel}). The carrier moves only between
     * those two states by itself, so a failed CAS is retried on the state it moved to, a bounded
     * number of times. Returns the state it was put in, or -1 (not RUNNING or IN_KERNEL).
     */
    private static int revoke(Activation h) {
        for (int tries = 0; tries < 16; tries++) {
            int st = h.state();
            if (st == Activation.RUNNING && h.casState(Activation.RUNNING, Activation.DISPLACED)) {
                return Activation.DISPLACED;
            }
            if (st == Activation.IN_KERNEL && h.casState(Activation.IN_KERNEL, Activation.BLOCKED)) {
                return Activation.BLOCKED;
            }
            if (st != Activation.RUNNING && st != Activation.IN_KERNEL) {
                return -1;
            }
        }
        return -1;
    }

    private static boolean mayDisplace(AddressSpace victim, Activation h) {
        try {
            return victim.upcalls().mayDisplace(h);
        } catch (RuntimeException | Error e) {
            victim.upcallFailures.increment();
            return false;
        }
    }

    /** Downcall {@code preempt}: the space's own VP {@code vp}, at its holder's next safepoint. */
    void preemptOwn(AddressSpace s, VirtualProcessor vp) {
        assert Thread.holdsLock(k.lock);
        if (vp.kernel() != k) {
            throw new IllegalArgumentException("vp must be a processor of kernel " + k.name() + ", was " + vp + " of " + vp.kernel().name());
        }
        if (vp.owner != s) {
            return; // taken since the space decided: nothing of its own to stop there
        }
        Activation h = vp.holder;
        if (h == null || vp.preemptPending || h.state() == Activation.LINGERING) {
            return; // already going, or idle: nothing to stop
        }
        vp.preemptPending = true;
        vp.selfPreempt = true;
        h.signal |= Activation.PREEMPT;
        k.preemptionCount.increment();
    }

    /** Asks {@code vp}'s holder to give it back at its next safepoint. Caller holds the lock. */
    static void flag(VirtualProcessor vp) {
        vp.preemptPending = true;
        vp.selfPreempt = false;
        vp.withdrawn = false;
        vp.holder.signal |= Activation.PREEMPT;
    }

    /**
     * {@code s} has given back every VP it was asked for: takes PREEMPT back from the VPs still
     * flagged in the race, except {@code returned}, the one coming back now. A holder that saw
     * the flag already just comes back, and {@code upcallReturned} gives its VP straight back
     * to {@code s} ({@code withdrawn}, like a self-preemption): not through a re-plan, which
     * would see {@code s} a VP short for a moment and could move the time-slicing rotation on.
     */
    void cancelRacing(AddressSpace s, VirtualProcessor returned) {
        for (VirtualProcessor vp : k.processors) {
            if (vp != returned && vp.owner == s && vp.preemptPending && !vp.selfPreempt) {
                vp.preemptPending = false;
                vp.withdrawn = true;
                vp.holder.signal &= ~Activation.PREEMPT;
            }
        }
    }
}
