package dev.activations.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.activations.kernel.ProcessorAllocator.Claim;
import dev.activations.kernel.ProcessorAllocator.Plan;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ProcessorAllocator}, the allocation policy, as a pure function.
 *
 * <p>The plain policy ({@link ProcessorAllocator#targets}, DESIGN.md §3): processors are split
 * evenly among the highest-priority spaces that want them, leftovers of an uneven split go to
 * the spaces that hold the most now (then the lower index), nobody gets more than its demand,
 * what a level does not need goes down to the next level, and spaces that want nothing get
 * nothing.
 *
 * <p>With {@link Allocation}s ({@link ProcessorAllocator#plan}): a minimum is honoured across
 * priorities (up to the space's demand) and counts as part of its share, never on top; a cap
 * holds even when every other space is idle; shares split a level in proportion, exactly;
 * portions that are not whole are flagged sliced, and the rounded-up VP goes to the space
 * furthest behind, with a quantum of hysteresis for its current holder.
 *
 * <p>Seeded random sweeps check the same rules as properties over many inputs.
 */
class ProcessorAllocatorTest {

    private static int[] targets(int processors, int[] priority, int[] demand, int[] held) {
        return ProcessorAllocator.targets(processors, priority, demand, held);
    }

    private static int[] a(int... v) {
        return v;
    }

    @Test
    void evenSplitWithinOneLevel() {
        assertArrayEquals(a(2, 2), targets(4, a(5, 5), a(4, 4), a(0, 0)));
        assertArrayEquals(a(2, 2), targets(4, a(5, 5), a(4, 4), a(4, 0)));
        assertArrayEquals(a(2, 2, 2), targets(6, a(3, 3, 3), a(6, 6, 6), a(1, 2, 3)));
        assertArrayEquals(a(1, 1, 1, 1), targets(4, a(7, 7, 7, 7), a(4, 4, 4, 4), a(0, 0, 0, 0)));
    }

    @Test
    void leftoverOfAnUnevenSplitGoesToTheSpaceHoldingMostThenTheLowerIndex() {
        assertArrayEquals(a(3, 2), targets(5, a(5, 5), a(5, 5), a(0, 0)), "tie on held: lower index");
        assertArrayEquals(a(2, 3), targets(5, a(5, 5), a(5, 5), a(1, 4)), "the space holding more keeps the extra");
        assertArrayEquals(a(3, 2), targets(5, a(5, 5), a(5, 5), a(3, 2)), "stable: no flip between reallocations");
        assertArrayEquals(a(1, 2, 2), targets(5, a(5, 5, 5), a(5, 5, 5), a(0, 2, 2)));
    }

    @Test
    void demandCapsTheShareAndTheRestGoesToOthersOfTheLevel() {
        assertArrayEquals(a(1, 3), targets(4, a(5, 5), a(1, 4), a(0, 0)));
        assertArrayEquals(a(3, 1), targets(4, a(5, 5), a(4, 1), a(0, 4)));
        assertArrayEquals(a(2, 3), targets(8, a(5, 5), a(2, 3), a(0, 0)), "demand below supply: processors stay free");
        assertArrayEquals(a(0, 4), targets(4, a(5, 5), a(0, 4), a(3, 0)), "no demand, no processors, whatever it holds");
        assertArrayEquals(a(1, 1, 2), targets(4, a(5, 5, 5), a(1, 1, 9), a(0, 0, 0)));
    }

    @Test
    void higherPriorityIsServedFirstAndLowerLevelsGetWhatIsLeft() {
        assertArrayEquals(a(4, 0), targets(4, a(9, 1), a(4, 4), a(0, 4)), "high takes everything it wants");
        assertArrayEquals(a(1, 3), targets(4, a(9, 1), a(1, 4), a(0, 4)), "low gets what high does not need");
        assertArrayEquals(a(0, 4), targets(4, a(1, 9), a(4, 4), a(4, 0)));
        assertArrayEquals(a(1, 2, 1, 0), targets(4, a(9, 5, 5, 1), a(1, 2, 2, 4), a(0, 0, 0, 0)));
        assertArrayEquals(a(1, 1, 2, 0), targets(4, a(9, 5, 5, 1), a(1, 2, 2, 4), a(0, 0, 2, 0)),
                "within the middle level the holder of more keeps the extra");
        assertArrayEquals(a(1, 2, 2, 3), targets(8, a(9, 5, 5, 1), a(1, 2, 2, 4), a(0, 0, 0, 0)));
        assertArrayEquals(a(2, 0, 2), targets(4, a(9, 9, 1), a(2, 0, 8), a(0, 4, 0)), "zero demand at the top level");
    }

    @Test
    void degenerateInputs() {
        assertArrayEquals(a(), targets(4, a(), a(), a()));
        assertArrayEquals(a(0, 0), targets(4, a(5, 5), a(0, 0), a(0, 0)));
        assertArrayEquals(a(1), targets(1, a(5), a(3), a(0)));
    }

    /** The rules above, checked as properties over random inputs (fixed seed: reproducible). */
    @Test
    void randomInputsObeyTheRules() {
        Random rnd = new Random(42);
        for (int round = 0; round < 20_000; round++) {
            int p = 1 + rnd.nextInt(16);
            int n = rnd.nextInt(6);
            int[] prio = new int[n];
            int[] demand = new int[n];
            int[] held = new int[n];
            for (int i = 0; i < n; i++) {
                prio[i] = 1 + rnd.nextInt(3);
                demand[i] = rnd.nextInt(p + 1);
                held[i] = rnd.nextInt(p + 1);
            }
            int[] t = targets(p, prio, demand, held);
            String input = "p=" + p + " prio=" + Arrays.toString(prio) + " demand=" + Arrays.toString(demand)
                    + " held=" + Arrays.toString(held) + " -> " + Arrays.toString(t);
            int sum = 0;
            int wanted = 0;
            for (int i = 0; i < n; i++) {
                assertTrue(t[i] >= 0 && t[i] <= demand[i], "0 <= target <= demand: " + input);
                sum += t[i];
                wanted += demand[i];
            }
            assertEquals(Math.min(p, wanted), sum, "every wanted processor is given: " + input);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (prio[i] > prio[j] && t[j] > 0) {
                        assertEquals(demand[i], t[i], "a lower level gets processors only when higher ones are satisfied: " + input);
                    }
                    if (prio[i] == prio[j] && t[i] < demand[i]) {
                        assertTrue(t[j] <= t[i] + 1, "even split within a level: " + input);
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ with allocations

    private static final long Q = 5_000_000L;

    /** A claim: priority, demand, held, min, max, share, lag. */
    private static Claim c(int priority, int demand, int held, int min, int max, int share, long lag) {
        return new Claim(priority, demand, held, min, max, share, lag);
    }

    private static Plan plan(int processors, Claim... claims) {
        return ProcessorAllocator.plan(processors, claims, Q);
    }

    private static final int NO_CAP = Allocation.UNLIMITED;

    @Test
    void minimumIsHonouredAcrossPriorities() {
        assertArrayEquals(a(3, 1), plan(4, c(9, 4, 4, 0, NO_CAP, 1, 0), c(1, 4, 0, 1, NO_CAP, 1, 0)).targets(),
                "the low space gets its minimum while the high one saturates");
        assertArrayEquals(a(0, 1, 1), plan(2, c(9, 4, 2, 0, NO_CAP, 1, 0), c(1, 4, 0, 1, NO_CAP, 1, 0),
                c(2, 4, 0, 1, NO_CAP, 1, 0)).targets(), "two minimums take every processor from the higher priority");
        assertArrayEquals(a(3, 1), plan(4, c(9, 4, 0, 0, NO_CAP, 1, 0), c(1, 1, 0, 2, NO_CAP, 1, 0)).targets(),
                "a minimum above the demand gives only the demand");
        assertArrayEquals(a(4, 0), plan(4, c(9, 4, 0, 0, NO_CAP, 1, 0), c(1, 0, 2, 2, NO_CAP, 1, 0)).targets(),
                "a space that wants nothing gets nothing, minimum or not");
        assertArrayEquals(a(2, 2), plan(4, c(9, 4, 4, 2, NO_CAP, 1, 0), c(1, 4, 0, 2, NO_CAP, 1, 0)).targets(),
                "the high space gets its minimum too; then priority");
        assertArrayEquals(a(2, 1), plan(3, c(9, 4, 0, 0, NO_CAP, 1, 0), c(1, 4, 0, 1, NO_CAP, 1, 0)).targets());
    }

    @Test
    void minimumCountsAsPartOfTheShareNotOnTopOfIt() {
        assertArrayEquals(a(2, 2), plan(4, c(5, 4, 0, 2, NO_CAP, 1, 0), c(5, 4, 0, 0, NO_CAP, 1, 0)).targets());
        assertArrayEquals(a(3, 1), plan(4, c(5, 4, 0, 3, NO_CAP, 1, 0), c(5, 4, 0, 0, NO_CAP, 1, 0)).targets(),
                "a minimum above the share lifts the space to it");
        assertArrayEquals(a(3, 1), plan(4, c(5, 4, 0, 1, NO_CAP, 3, 0), c(5, 4, 0, 1, NO_CAP, 1, 0)).targets());
    }

    @Test
    void capIsHonouredEvenWhenOthersAreIdle() {
        assertArrayEquals(a(2), plan(4, c(5, 4, 0, 0, 2, 1, 0)).targets(), "alone, and still capped");
        assertArrayEquals(a(2, 0), plan(4, c(5, 4, 4, 0, 2, 1, 0), c(5, 0, 0, 0, NO_CAP, 1, 0)).targets());
        assertArrayEquals(a(1, 3), plan(4, c(9, 4, 0, 0, 1, 1, 0), c(1, 4, 0, 0, NO_CAP, 1, 0)).targets(),
                "what the capped high space may not take goes down");
        assertArrayEquals(a(1, 3), plan(4, c(5, 4, 0, 0, 1, 9, 0), c(5, 4, 0, 0, NO_CAP, 1, 0)).targets(),
                "a cap beats a large share");
        assertArrayEquals(a(2, 2), plan(4, c(5, 4, 0, 2, 2, 1, 0), c(5, 4, 0, 0, NO_CAP, 1, 0)).targets(),
                "minimum = cap");
        assertFalse(plan(4, c(5, 4, 0, 0, 1, 1, 0), c(5, 4, 0, 0, NO_CAP, 1, 0)).slicing());
    }

    @Test
    void sharesSplitALevelInProportion() {
        Plan p = plan(4, c(5, 4, 0, 0, NO_CAP, 3, 0), c(5, 4, 0, 0, NO_CAP, 1, 0));
        assertArrayEquals(a(3, 1), p.targets());
        assertFalse(p.slicing(), "3:1 of 4 is whole: no time slicing");
        assertArrayEquals(a(6, 2), plan(8, c(5, 8, 0, 0, NO_CAP, 3, 0), c(5, 8, 0, 0, NO_CAP, 1, 0)).targets());
        assertArrayEquals(a(1, 3), plan(4, c(5, 1, 0, 0, NO_CAP, 3, 0), c(5, 4, 0, 0, NO_CAP, 1, 0)).targets(),
                "what a big share does not want goes to the others");
        assertArrayEquals(a(2, 4, 0), plan(6, c(5, 6, 0, 0, NO_CAP, 1, 0), c(5, 6, 0, 0, NO_CAP, 2, 0),
                c(1, 6, 0, 0, NO_CAP, 1000, 0)).targets(), "shares count only within a level");
        assertFalse(plan(2, c(5, 2, 0, 0, NO_CAP, 1, 0), c(5, 2, 0, 0, NO_CAP, 1, 0)).slicing(), "equal shares, even split");
        assertFalse(plan(2, c(5, 2, 0, 0, NO_CAP, 7, 0)).slicing(), "one space");
    }

    @Test
    void fractionalPortionsAreSlicedAndTheExtraVpGoesToTheSpaceFurthestBehind() {
        Plan p = plan(2, c(5, 2, 2, 0, NO_CAP, 3, 0), c(5, 2, 0, 0, NO_CAP, 1, 0));
        assertEquals(1.5, p.portion(0), 1e-12);
        assertEquals(0.5, p.portion(1), 1e-12);
        assertTrue(p.slicing());
        assertTrue(p.sliced()[0] && p.sliced()[1]);
        assertArrayEquals(a(2, 0), p.targets(), "no lag: the holder keeps the extra VP");
        assertArrayEquals(a(1, 1), plan(2, c(5, 2, 1, 0, NO_CAP, 3, 0), c(5, 2, 1, 0, NO_CAP, 1, 0)).targets(),
                "no lag: the holder keeps the extra VP, whoever it is");
        assertArrayEquals(a(2, 0), plan(2, c(5, 2, 2, 0, NO_CAP, 3, 0), c(5, 2, 0, 0, NO_CAP, 1, Q - 1)).targets(),
                "behind by less than a quantum: no move");
        assertArrayEquals(a(1, 1), plan(2, c(5, 2, 2, 0, NO_CAP, 3, 0), c(5, 2, 0, 0, NO_CAP, 1, Q + 1)).targets(),
                "behind by more than a quantum: the VP moves");
        assertArrayEquals(a(2, 0), plan(2, c(5, 2, 1, 0, NO_CAP, 3, Q + 1), c(5, 2, 1, 0, NO_CAP, 1, 0)).targets(),
                "and back");
        assertArrayEquals(a(1, 1), plan(2, c(5, 2, 2, 0, NO_CAP, 3, -Q), c(5, 2, 0, 0, NO_CAP, 1, 1)).targets(),
                "lags compare relative to each other");

        Plan three = plan(2, c(5, 2, 1, 0, NO_CAP, 1, 0), c(5, 2, 1, 0, NO_CAP, 1, 0), c(5, 2, 0, 0, NO_CAP, 1, 3 * Q));
        for (int i = 0; i < 3; i++) {
            assertEquals(2.0 / 3, three.portion(i), 1e-12, "2/3 each");
        }
        assertArrayEquals(a(1, 0, 1), three.targets(), "the VP moves from the later of two equally placed holders");

        Plan floors = plan(3, c(5, 3, 0, 1, NO_CAP, 1, 0), c(5, 3, 0, 0, NO_CAP, 3, 0));
        assertEquals(1.0, floors.portion(0), 1e-12, "at its minimum, whole");
        assertEquals(2.0, floors.portion(1), 1e-12);
        assertFalse(floors.slicing());
        Plan lifted = plan(4, c(5, 4, 0, 0, NO_CAP, 1, 0), c(5, 1, 0, 0, NO_CAP, 1, 0), c(5, 4, 0, 0, NO_CAP, 2, 0));
        assertEquals(1.0, lifted.portion(0), 1e-12);
        assertEquals(1.0, lifted.portion(1), 1e-12);
        assertEquals(2.0, lifted.portion(2), 1e-12);
        Plan sevenThirds = plan(8, c(5, 8, 0, 0, NO_CAP, 1, 0), c(5, 1, 0, 0, NO_CAP, 1, 0), c(5, 8, 0, 0, NO_CAP, 2, 0));
        assertEquals(7.0 / 3, sevenThirds.portion(0), 1e-12);
        assertEquals(1.0, sevenThirds.portion(1), 1e-12);
        assertEquals(14.0 / 3, sevenThirds.portion(2), 1e-12);
        assertArrayEquals(a(3, 1, 4), sevenThirds.targets());
        assertFalse(sevenThirds.sliced()[1], "a space at its demand is not sliced");
    }

    /** The rules with minimums, caps, shares and lags, as properties over random inputs (fixed seed). */
    @Test
    void randomAllocationsObeyTheRules() {
        Random rnd = new Random(17);
        for (int round = 0; round < 20_000; round++) {
            int p = 1 + rnd.nextInt(12);
            int n = rnd.nextInt(6);
            Claim[] cl = new Claim[n];
            int room = p;
            for (int i = 0; i < n; i++) {
                int min = rnd.nextInt(4) == 0 ? rnd.nextInt(room + 1) : 0;
                room -= min;
                int max = rnd.nextInt(3) == 0 ? Math.max(1, min) + rnd.nextInt(p) : NO_CAP;
                int share = rnd.nextBoolean() ? 1 : 1 + rnd.nextInt(rnd.nextBoolean() ? 5 : 1000);
                long lag = rnd.nextInt(3) == 0 ? 0 : rnd.nextLong(-8 * Q, 8 * Q);
                cl[i] = c(1 + rnd.nextInt(3), rnd.nextInt(p + 1), rnd.nextInt(p + 1), min, max, share, lag);
            }
            Plan pl = plan(p, cl);
            int[] t = pl.targets();
            String input = "p=" + p + " " + Arrays.toString(cl) + " -> " + Arrays.toString(t) + " entitled "
                    + Arrays.toString(pl.entitled()) + "/" + pl.parts();
            int[] d = new int[n];
            int[] g = new int[n];
            int sum = 0;
            int wanted = 0;
            long entitledSum = 0;
            for (int i = 0; i < n; i++) {
                d[i] = Math.min(cl[i].demand(), cl[i].max());
                g[i] = Math.min(cl[i].min(), d[i]);
                assertTrue(t[i] >= g[i], "at least min(minimum, demand): " + input);
                assertTrue(t[i] <= d[i], "at most min(demand, cap): " + input);
                long e = pl.entitled()[i];
                assertTrue(t[i] * pl.parts() > e - pl.parts() && t[i] * pl.parts() < e + pl.parts(),
                        "target is the portion rounded down or up: " + input);
                assertEquals(e % pl.parts() != 0, pl.sliced()[i], "sliced exactly when the portion is fractional: " + input);
                sum += t[i];
                wanted += d[i];
                entitledSum += e;
            }
            assertEquals(Math.min(p, wanted), sum, "every wanted processor is given: " + input);
            assertEquals(sum * pl.parts(), entitledSum, "the portions add up to the processors given: " + input);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    long ei = pl.entitled()[i];
                    long ej = pl.entitled()[j];
                    if (cl[i].priority() > cl[j].priority() && ej > g[j] * pl.parts()) {
                        assertEquals(d[i] * pl.parts(), ei, "a lower level gets more than its minimum only when higher ones are satisfied: " + input);
                    }
                    if (cl[i].priority() == cl[j].priority() && ei < d[i] * pl.parts() && ej > g[j] * pl.parts()) {
                        assertTrue(ej * cl[i].share() <= ei * cl[j].share(),
                                "within a level, portions above the minimum follow the shares: " + input);
                    }
                }
            }
        }
    }
}
