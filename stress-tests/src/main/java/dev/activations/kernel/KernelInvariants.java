package dev.activations.kernel;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The allocation invariants of {@link Kernel} (its overview, "Invariants (under the lock)"),
 * checked under the kernel's allocation lock through its read-only test views.
 *
 * <ol>
 *   <li>Every VP is either on the free list (then no holder, no owner) or held by exactly one
 *       activation whose {@code processor} points back to it, whose {@code space} is the VP's
 *       owner, and whose state holds a VP (RUNNING, IN_KERNEL or LINGERING).</li>
 *   <li>No VP is twice on the free list; no activation holds two VPs.</li>
 *   <li>Each attached space's {@code held} equals the number of VPs it owns; {@code pending}
 *       and {@code preemptsInFlight} are never negative, and at least that many of its VPs are
 *       flagged for preemption (the race may flag more); its lingering activations are LINGERING
 *       on one of its VPs.</li>
 *   <li>{@code busy} equals the number of VPs not free.</li>
 *   <li>Spare activations hold no VP.</li>
 *   <li>No activation that is not a VP's holder (SPARE, STANDBY, BLOCKED, DISPLACED) points to a
 *       VP; a DISPLACED one names the VP it lost ({@code displacedFrom}), now held by another.</li>
 *   <li>A VP's standby is STANDBY, watches that VP, and holds none; every STANDBY activation is
 *       some VP's standby.</li>
 * </ol>
 * Also the helpers the other kernel tests share.
 */
public final class KernelInvariants {
    private KernelInvariants() {
    }

    /** Null if every invariant holds now, else what is broken. Takes the kernel lock. */
    public static String violation(Kernel k) {
        synchronized (k.allocationLock()) {
            return violationLocked(k);
        }
    }

    private static String violationLocked(Kernel k) {
        List<String> broken = new ArrayList<>();
        VirtualProcessor[] vps = k.processorsArray();
        List<VirtualProcessor> free = k.freeSnapshot();
        if (new HashSet<>(free).size() != free.size()) {
            broken.add("a VP is twice on the free list " + free);
        }
        Map<Activation, VirtualProcessor> holders = new IdentityHashMap<>();
        Map<AddressSpace, Integer> owned = new IdentityHashMap<>();
        for (VirtualProcessor vp : vps) {
            Activation h = vp.holder;
            AddressSpace o = vp.owner;
            if (free.contains(vp)) {
                if (h != null || o != null) {
                    broken.add(vp.id() + " is free but held by " + h + " for " + o);
                }
                continue;
            }
            if (h == null || o == null) {
                broken.add(vp.id() + " is neither free nor held (holder " + h + ", owner " + o + "): lost");
                continue;
            }
            VirtualProcessor other = holders.put(h, vp);
            if (other != null) {
                broken.add(h.getName() + " holds two VPs: " + other.id() + " and " + vp.id());
            }
            if (h.processor != vp) {
                broken.add(vp.id() + " is held by " + h.getName() + " whose processor is " + h.processor);
            }
            if (h.space != o) {
                broken.add(vp.id() + " is owned by " + o.name() + " but its holder " + h.getName() + " runs for " + h.space);
            }
            int st = h.state();
            if (st != Activation.RUNNING && st != Activation.IN_KERNEL && st != Activation.LINGERING) {
                broken.add(vp.id() + " is held by " + h.getName() + " in state " + Activation.stateName(st));
            }
            owned.merge(o, 1, Integer::sum);
        }
        if (k.busyProcessors() != vps.length - free.size()) {
            broken.add("busy = " + k.busyProcessors() + " but " + (vps.length - free.size()) + " VPs are not free");
        }
        Set<AddressSpace> attached = new HashSet<>(k.spacesSnapshot());
        for (AddressSpace s : attached) {
            int n = owned.getOrDefault(s, 0);
            if (s.held != n) {
                broken.add(s.name() + ".held = " + s.held + " but it owns " + n + " VPs");
            }
            if (s.pending < 0 || s.preemptsInFlight < 0) {
                broken.add(s.name() + " pending = " + s.pending + ", preemptsInFlight = " + s.preemptsInFlight);
            }
            int flagged = 0;
            for (VirtualProcessor vp : vps) {
                flagged += vp.owner == s && vp.preemptPending && !vp.selfPreempt ? 1 : 0;
            }
            if (flagged < s.preemptsInFlight) {
                broken.add(s.name() + " owes " + s.preemptsInFlight + " preemptions but only " + flagged
                        + " of its VPs are flagged: an owed VP would never come");
            }
            for (Activation d : s.displaced) {
                if (d.state() != Activation.DISPLACED || d.space != s || d.processor != null) {
                    broken.add(s.name() + " counts " + d + " as displaced (space " + d.space + ", processor " + d.processor + ")");
                }
            }
            for (Activation l : s.lingering) {
                if (l.state() != Activation.LINGERING || l.processor == null || l.processor.owner != s) {
                    broken.add(s.name() + " lingers on " + l + " (processor " + l.processor + ")");
                }
            }
        }
        for (AddressSpace o : owned.keySet()) {
            if (!attached.contains(o) && !o.detached) {
                broken.add("VPs owned by " + o.name() + ", which is not attached");
            }
        }
        for (Activation a : k.sparesSnapshot()) {
            if (a.processor != null || a.state() != Activation.SPARE) {
                broken.add("spare " + a.getName() + " in state " + Activation.stateName(a.state()) + " holds " + a.processor);
            }
        }
        Set<Activation> standbys = new HashSet<>();
        for (VirtualProcessor vp : vps) {
            Activation s = vp.standby;
            if (s != null) {
                standbys.add(s);
                if (s.state() != Activation.STANDBY || s.watching != vp || s.processor != null) {
                    broken.add(vp.id() + "'s standby " + s + " watches " + s.watching + " in state " + Activation.stateName(s.state()));
                }
            }
        }
        for (Activation a : k.aliveSnapshot()) {
            int st = a.state();
            if (st == Activation.RUNNING || st == Activation.IN_KERNEL || st == Activation.LINGERING) {
                if (a.processor == null || a.processor.holder != a) {
                    broken.add(a.getName() + " is " + Activation.stateName(st) + " without holding a VP (" + a.processor + ")");
                }
                continue;
            }
            if (a.processor != null) {
                broken.add(a.getName() + " in state " + Activation.stateName(st) + " points to " + a.processor);
            }
            if (st == Activation.STANDBY && !standbys.contains(a)) {
                broken.add(a.getName() + " is STANDBY but no VP's standby");
            }
            if (st == Activation.DISPLACED && (a.displacedFrom == null || a.displacedFrom.holder == a)) {
                broken.add(a.getName() + " is DISPLACED from " + a.displacedFrom + " which it still holds");
            }
        }
        return broken.isEmpty() ? null : String.join("; ", broken);
    }

    /**
     * An activation that is never started, for the runtime's queue tests (a {@code Worker}
     * needs one). {@code onProcessor}: whether it claims to run on its VP, which decides whether
     * thieves may take its worker's hand-off slot.
     */
    public static Activation idleActivation(Kernel k, boolean onProcessor) {
        Activation a = new Activation(k, 0, null);
        a.setState(onProcessor ? Activation.RUNNING : Activation.SPARE);
        return a;
    }
}
