package dev.activations.kernel;

/**
 * What an address space asks of the kernel's processor allocator: its priority, a guaranteed
 * minimum, a cap and a proportional share. Immutable; every {@code with…} method validates its
 * value at the call and returns a new instance. Pass it to
 * {@link Kernel#attach(String, Allocation, Upcalls)}.
 *
 * <h2>How the kernel divides its {@code P} processors (see {@link ProcessorAllocator})</h2>
 * A space's <em>demand</em> is what it holds plus what it has requested, never more than its
 * {@linkplain #maxProcessors() cap}.
 * <ol>
 *   <li><b>Minimums first.</b> Every space gets {@code min(minProcessors, demand)} before any space
 *       of any priority gets more than its own minimum. The minimums of the spaces attached to
 *       one kernel add up to at most {@code P} (an attach that would break this is refused), so
 *       they can all be met at once.</li>
 *   <li><b>Then strict priority.</b> What is left goes to the highest priority level that still
 *       wants processors, then the next lower one, and so on.</li>
 *   <li><b>Shares within a level.</b> Inside one level the processors are split in proportion to
 *       {@link #share()} (a weight), counting each space's minimum as part of its portion, never
 *       giving a space more than its demand; what one does not need goes to the others of the
 *       level. When the proportional portions are not whole numbers of processors (shares 3:1 on
 *       2 processors: 1.5 and 0.5) the kernel rotates processors between the spaces of that level
 *       over time, so that each gets its portion of processor <em>time</em>.</li>
 *   <li><b>The cap is absolute.</b> A space never holds more than {@link #maxProcessors()}
 *       VPs, even while others sit idle.</li>
 * </ol>
 * With the defaults (minimum 0, no cap, share 1) this is the plain policy of DESIGN.md §3:
 * even split within the highest level that wants processors, leftovers down.
 */
public final class Allocation {
    /** Lowest priority. */
    public static final int MIN_PRIORITY = 1;
    /** Highest priority. */
    public static final int MAX_PRIORITY = 10;
    /** Priority of {@link #DEFAULT}. */
    public static final int DEFAULT_PRIORITY = 5;
    /** Largest share (weight). */
    public static final int MAX_SHARE = 1000;
    /** {@link #maxProcessors()} of an uncapped space: as many as the kernel has. */
    public static final int UNLIMITED = Integer.MAX_VALUE;
    /** Largest minimum: no kernel has more processors ({@link Kernel.Builder#processors}). */
    static final int MAX_MIN_PROCESSORS = Kernel.Builder.MAX;

    /** Priority 5, no minimum, no cap, share 1. */
    public static final Allocation DEFAULT = new Allocation(DEFAULT_PRIORITY, 0, UNLIMITED, 1);

    private final int priority;
    private final int minProcessors;
    private final int maxProcessors;
    private final int share;

    private Allocation(int priority, int minProcessors, int maxProcessors, int share) {
        this.priority = priority;
        this.minProcessors = minProcessors;
        this.maxProcessors = maxProcessors;
        this.share = share;
    }

    /**
     * {@link #DEFAULT} with priority {@code priority}.
     *
     * @throws IllegalArgumentException if priority is not between 1 and 10
     */
    public static Allocation ofPriority(int priority) {
        return DEFAULT.withPriority(priority);
    }

    /**
     * This allocation with priority {@code priority}: 1 (lowest) to 10 (highest).
     *
     * @throws IllegalArgumentException if priority is not between 1 and 10
     */
    public Allocation withPriority(int priority) {
        if (priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
            throw new IllegalArgumentException("priority must be between " + MIN_PRIORITY + " and " + MAX_PRIORITY
                    + ", was " + priority);
        }
        return new Allocation(priority, minProcessors, maxProcessors, share);
    }

    /**
     * This allocation with a guaranteed minimum of {@code n} processors (0 = none, the
     * default): whenever the space wants at least {@code n} processors it holds at least
     * {@code n}, whatever the priorities of the others. At most {@link #maxProcessors()};
     * {@link Kernel#attach(String, Allocation, Upcalls)} also refuses a minimum larger than the
     * processors the kernel has not yet guaranteed to other spaces.
     *
     * @throws IllegalArgumentException if n is negative, above maxProcessors or above 32767
     */
    public Allocation withMinProcessors(int n) {
        int upper = Math.min(maxProcessors, MAX_MIN_PROCESSORS);
        if (n < 0 || n > upper) {
            throw new IllegalArgumentException("minProcessors must be between 0 and " + upper
                    + (maxProcessors <= MAX_MIN_PROCESSORS ? " (maxProcessors)" : "") + ", was " + n);
        }
        return new Allocation(priority, n, maxProcessors, share);
    }

    /**
     * This allocation with a cap of {@code n} processors: the space never holds more, even when
     * every other space is idle. At least 1 and at least {@link #minProcessors()};
     * {@link #UNLIMITED} (the default) or any value from the kernel's processor count up means no
     * cap.
     *
     * @throws IllegalArgumentException if n is below 1 or below minProcessors
     */
    public Allocation withMaxProcessors(int n) {
        int lower = Math.max(1, minProcessors);
        if (n < lower) {
            throw new IllegalArgumentException("maxProcessors must be between " + lower
                    + (minProcessors > 1 ? " (minProcessors)" : "") + " and " + UNLIMITED + " (unlimited), was " + n);
        }
        return new Allocation(priority, minProcessors, n, share);
    }

    /**
     * This allocation with share (weight) {@code weight}, 1 to 1000 (default 1). Spaces of one
     * priority level that all want more processors than there are get processor time in
     * proportion to their shares.
     *
     * @throws IllegalArgumentException if weight is not between 1 and 1000
     */
    public Allocation withShare(int weight) {
        if (weight < 1 || weight > MAX_SHARE) {
            throw new IllegalArgumentException("share must be between 1 and " + MAX_SHARE + ", was " + weight);
        }
        return new Allocation(priority, minProcessors, maxProcessors, weight);
    }

    /** 1 (lowest) to 10 (highest). */
    public int priority() {
        return priority;
    }

    /** Processors guaranteed while the space wants them; 0 for none. */
    public int minProcessors() {
        return minProcessors;
    }

    /** Most processors the space may hold; {@link #UNLIMITED} for no cap. */
    public int maxProcessors() {
        return maxProcessors;
    }

    /** Weight among the spaces of the same priority, 1 to 1000. */
    public int share() {
        return share;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Allocation a && a.priority == priority && a.minProcessors == minProcessors
                && a.maxProcessors == maxProcessors && a.share == share;
    }

    @Override
    public int hashCode() {
        return ((priority * 31 + minProcessors) * 31 + maxProcessors) * 31 + share;
    }

    @Override
    public String toString() {
        return "Allocation[priority " + priority + ", min " + minProcessors + ", max "
                + (maxProcessors == UNLIMITED ? "unlimited" : maxProcessors) + ", share " + share + "]";
    }
}
