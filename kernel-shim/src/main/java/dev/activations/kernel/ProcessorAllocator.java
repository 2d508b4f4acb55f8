package dev.activations.kernel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The allocation policy (DESIGN.md §3, extended by {@link Allocation}), a pure function so it
 * can be tested alone: no clock, no kernel state, no side effects.
 *
 * <h2>Input and output</h2>
 * One {@link Claim} per attached space: priority, demand (held plus requested), what it holds
 * now, its minimum, cap and share, and its <em>lag</em> (how much processor time, in
 * nanoseconds of VP time, it is behind its portion; the kernel keeps that account). The
 * {@link Plan} says, per space, its <em>portion</em> (a fluid number of processors, as the
 * exact fraction {@code entitled[i] / parts}) and its <em>target</em> (a whole number of VPs
 * for now: the portion rounded down or up).
 *
 * <h2>Portions, in three passes</h2>
 * <ol>
 *   <li><b>Demand is capped.</b> {@code d = min(demand, max, processors)}.</li>
 *   <li><b>Minimums.</b> Each space gets its floor {@code g = min(min, d)} first, whatever its
 *       priority (spaces taken in priority order, then index order, should the minimums ever
 *       add up to more than the processors: the kernel's attach prevents that).</li>
 *   <li><b>Priority levels, highest first.</b> A level's budget is what is still free plus its
 *       own floors. If the level wants no more than that, every space of it gets {@code d}.
 *       Otherwise the level is the <em>marginal</em> one: its budget is water-filled by share,
 *       each space getting {@code clamp(λ·share, g, d)} with the one {@code λ} that spends the
 *       budget exactly, and the levels below keep only their floors. λ is found exactly, in
 *       integers: the breakpoints {@code g/share} and {@code d/share} are tried in order, and
 *       between the last one that does not overspend and the next, the spaces strictly inside
 *       their bounds (the <em>free</em> ones) split what the others leave,
 *       {@code num}, in proportion to share: portion {@code share·num/den} with
 *       {@code den} the sum of their shares. So every portion is a multiple of {@code 1/den}
 *       ({@code parts}), and only free spaces of the marginal level can have a fractional one.</li>
 * </ol>
 *
 * <h2>Targets: rounding that rotates</h2>
 * A whole portion is the target. The fractional portions of the marginal level add up to a
 * whole number {@code R} of processors; each of those spaces gets its portion rounded down, and
 * {@code R} of them get one more: those with the largest lag, where a space that already holds
 * the extra VP ({@code held > floor(portion)}) counts {@code quantum} more, so the extra VP moves
 * only when another space has fallen a quantum further behind (hysteresis: no flip-flop, and no
 * churn at all while lags are equal). Ties go to the space holding more, then the lower index,
 * which with equal shares and zero lags is exactly the old rule (leftover processors of an
 * uneven split stay with the spaces holding the most). Spaces whose portion is fractional are
 * flagged {@link Plan#sliced}: the kernel accounts their lag and re-plans on the monitor's ticks,
 * and their targets rotate over time; see {@link Kernel}'s overview, "Time slicing".
 *
 * <h2>Rejected</h2>
 * Floating-point water-filling: a portion of {@code 1.9999999} would round down and start time
 * slicing where the portion is really 2. Minimums counted on top of the share (floor first, then
 * the share of what is left): a space with a minimum of 2 would then get more than an equal peer
 * when both saturate, which is not what "guaranteed minimum" means.
 */
final class ProcessorAllocator {
    private ProcessorAllocator() {
    }

    /**
     * One space's claim.
     *
     * @param priority higher wins
     * @param demand   processors it wants (held plus requested)
     * @param held     VPs it holds now
     * @param min      guaranteed minimum, 0 for none
     * @param max      cap ({@link Allocation#UNLIMITED} for none)
     * @param share    weight within its priority level, at least 1
     * @param lag      processor time it is behind its portion, in ns of VP time (negative: ahead)
     */
    record Claim(int priority, int demand, int held, int min, int max, int share, long lag) {
        /** A claim with no minimum, no cap, share 1 and no lag: the plain policy. */
        static Claim plain(int priority, int demand, int held) {
            return new Claim(priority, demand, held, 0, Allocation.UNLIMITED, 1, 0);
        }
    }

    /**
     * The allocation for one moment.
     *
     * @param targets  VPs each space should hold now
     * @param entitled each space's portion, in units of {@code 1/parts} processor
     * @param parts    the common denominator of the portions, at least 1
     * @param sliced   whether each space's portion is fractional (its target rotates over time)
     */
    record Plan(int[] targets, long[] entitled, long parts, boolean[] sliced) {
        /** True if some space's portion is fractional, so the kernel must time-slice. */
        boolean slicing() {
            for (boolean b : sliced) {
                if (b) {
                    return true;
                }
            }
            return false;
        }

        /** Space {@code i}'s portion in processors (for tests and messages). */
        double portion(int i) {
            return (double) entitled[i] / parts;
        }
    }

    /**
     * The plain policy: no minimums, no caps, equal shares, no lag.
     *
     * @param processors number of VPs to divide
     * @param priority   priority of each space (higher wins)
     * @param demand     processors each space wants (held plus requested)
     * @param held       processors each space holds now (tie-break only)
     * @return the target number of processors for each space
     */
    static int[] targets(int processors, int[] priority, int[] demand, int[] held) {
        Claim[] c = new Claim[priority.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = Claim.plain(priority[i], demand[i], held[i]);
        }
        return plan(processors, c, 0).targets();
    }

    /**
     * The allocation of {@code processors} VPs among {@code claims}.
     *
     * @param quantum how far (ns of VP time) another space must be further behind than the
     *                holder of a rotating VP before the VP moves; 0 for no hysteresis
     */
    static Plan plan(int processors, Claim[] claims, long quantum) {
        int n = claims.length;
        int[] demand = new int[n];
        int[] floor = new int[n];
        Integer[] byPriority = new Integer[n];
        for (int i = 0; i < n; i++) {
            Claim c = claims[i];
            demand[i] = Math.max(0, Math.min(processors, Math.min(c.demand(), c.max())));
            byPriority[i] = i;
        }
        Arrays.sort(byPriority, Comparator.comparingInt((Integer i) -> -claims[i].priority()).thenComparingInt(i -> i));
        int room = processors;
        for (int i : byPriority) {
            floor[i] = Math.min(Math.min(claims[i].min(), demand[i]), room);
            room -= floor[i];
        }

        int[] whole = floor.clone(); // portions of all but the marginal level's free spaces
        List<Integer> free = List.of(); // the marginal level's free spaces
        long num = 0;
        long den = 1;
        for (int k = 0; k < n && room > 0; ) {
            int level = claims[byPriority[k]].priority();
            List<Integer> members = new ArrayList<>();
            while (k < n && claims[byPriority[k]].priority() == level) {
                members.add(byPriority[k++]);
            }
            int budget = room;
            int wanted = 0;
            for (int i : members) {
                budget += floor[i];
                wanted += demand[i];
            }
            if (wanted <= budget) {
                for (int i : members) {
                    whole[i] = demand[i];
                }
                room = budget - wanted;
                continue;
            }
            // The marginal level: water-fill `budget` by share between floor and demand.
            long[] lambda = waterLevel(members, claims, floor, demand, budget);
            long p = lambda[0];
            long q = lambda[1];
            free = new ArrayList<>();
            num = budget;
            den = 0;
            for (int i : members) {
                long s = claims[i].share();
                if ((long) floor[i] * q > p * s) {
                    whole[i] = floor[i]; // below its floor at this level
                } else if ((long) demand[i] * q <= p * s) {
                    whole[i] = demand[i]; // satisfied below this level
                } else {
                    free.add(i);
                    den += s;
                    continue;
                }
                num -= whole[i];
            }
            if (den == 0) {
                throw new IllegalStateException("water level " + p + "/" + q + " leaves no space free at priority " + level
                        + ": " + Arrays.toString(claims));
            }
            room = 0;
        }

        int[] target = whole.clone();
        long[] entitled = new long[n];
        boolean[] sliced = new boolean[n];
        for (int i = 0; i < n; i++) {
            entitled[i] = whole[i] * den;
        }
        long extra = num;
        List<Integer> candidates = new ArrayList<>();
        for (int i : free) {
            long e = claims[i].share() * num;
            entitled[i] = e;
            target[i] = (int) (e / den);
            extra -= target[i];
            if (e % den != 0) {
                sliced[i] = true;
                candidates.add(i);
            }
        }
        candidates.sort(Comparator.comparingLong((Integer i) -> -(claims[i].lag() + (claims[i].held() > target[i] ? quantum : 0)))
                .thenComparingInt(i -> -claims[i].held())
                .thenComparingInt(i -> i));
        for (int j = 0; j < extra; j++) {
            target[candidates.get(j)]++;
        }
        return new Plan(target, entitled, den, sliced);
    }

    /**
     * The largest breakpoint {@code p/q} (a {@code floor/share} or {@code demand/share} of a
     * member) at which the level does not spend more than {@code budget}; returned as
     * {@code {p, q}}. Between it and the next breakpoint the set of free members is fixed.
     */
    private static long[] waterLevel(List<Integer> members, Claim[] claims, int[] floor, int[] demand, int budget) {
        List<long[]> points = new ArrayList<>();
        for (int i : members) {
            points.add(new long[] {floor[i], claims[i].share()});
            points.add(new long[] {demand[i], claims[i].share()});
        }
        points.sort((a, b) -> Long.compare(a[0] * b[1], b[0] * a[1]));
        long[] best = points.get(0); // spends the sum of the floors: never more than the budget
        for (long[] pt : points) {
            long p = pt[0];
            long q = pt[1];
            long spent = 0; // times q
            for (int i : members) {
                long s = claims[i].share();
                spent += Math.max((long) floor[i] * q, Math.min((long) demand[i] * q, p * s));
            }
            if (spent > (long) budget * q) {
                break;
            }
            best = pt;
        }
        return best;
    }
}
