package dev.activations.kernel;

/**
 * The allocation policy (DESIGN.md §3), a pure function so it can be tested alone.
 *
 * <p>Processors go to the highest priority level first and are divided evenly among the
 * spaces of that level that want them, one at a time in round-robin order, so no space gets
 * more than it asked for and what one does not need goes to the others of the level; what the
 * level leaves goes to the next lower level. Within a level the round-robin starts with the
 * space that holds the most processors now, so an uneven split (5 processors, 2 spaces) does
 * not flip between reallocations.
 */
final class ProcessorAllocator {
    private ProcessorAllocator() {
    }

    /**
     * @param processors number of VPs to divide
     * @param priority   priority of each space (higher wins)
     * @param demand     processors each space wants (held plus requested)
     * @param held       processors each space holds now (tie-break only)
     * @return the target number of processors for each space
     */
    static int[] targets(int processors, int[] priority, int[] demand, int[] held) {
        int n = priority.length;
        int[] target = new int[n];
        boolean[] done = new boolean[n];
        int remaining = processors;
        while (remaining > 0) {
            int level = Integer.MIN_VALUE;
            for (int i = 0; i < n; i++) {
                if (!done[i] && demand[i] > 0 && priority[i] > level) {
                    level = priority[i];
                }
            }
            if (level == Integer.MIN_VALUE) {
                break;
            }
            Integer[] order = spacesAt(level, priority, demand, held, done);
            boolean gave = true;
            while (remaining > 0 && gave) {
                gave = false;
                for (int i : order) {
                    if (remaining > 0 && target[i] < demand[i]) {
                        target[i]++;
                        remaining--;
                        gave = true;
                    }
                }
            }
            for (int i : order) {
                done[i] = true;
            }
        }
        return target;
    }

    private static Integer[] spacesAt(int level, int[] priority, int[] demand, int[] held, boolean[] done) {
        int count = 0;
        for (int i = 0; i < priority.length; i++) {
            if (!done[i] && demand[i] > 0 && priority[i] == level) {
                count++;
            }
        }
        Integer[] order = new Integer[count];
        int k = 0;
        for (int i = 0; i < priority.length; i++) {
            if (!done[i] && demand[i] > 0 && priority[i] == level) {
                order[k++] = i;
            }
        }
        java.util.Arrays.sort(order, (a, b) -> held[b] != held[a] ? held[b] - held[a] : a - b);
        return order;
    }
}
