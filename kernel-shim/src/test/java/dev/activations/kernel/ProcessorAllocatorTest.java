package dev.activations.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ProcessorAllocator#targets}, the allocation policy of DESIGN.md §3, as a pure
 * function: processors are split evenly among the highest-priority spaces that want them,
 * leftovers of an uneven split go to the spaces that hold the most now (then the lower index),
 * nobody gets more than its demand, what a level does not need goes down to the next level,
 * and spaces that want nothing get nothing. A seeded random sweep checks the same rules as
 * properties over many inputs.
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
}
