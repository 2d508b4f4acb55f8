package dev.activations.bench.paper;

/**
 * Figures as the papers published them, printed beside ours. Constants typed in from the
 * papers, never computed and never drawn as if they were measured here: every table and chart
 * that shows one says "paper" and names the source. Different machines (a 1990 CVAX Firefly,
 * a 2003 Pentium 4), so compare ratios, not absolute times.
 */
final class Published {
    private Published() {
    }

    static final String ANDERSON = "Anderson et al., TOCS 10(1), 1992";
    static final String DANJEAN = "Danjean et al. (PM2, Linux 2.4 SA)";

    // ---- Anderson et al., Table I (FastThreads on Topaz threads, Topaz threads, Ultrix
    // ---- processes) and Table IV (adds FastThreads on scheduler activations); µs on a CVAX.
    // ---- shared/papers/001 has Table I; the scheduler-activations column is Table IV.
    static final double NULL_FORK_FASTTHREADS_ON_SA = 37;
    static final double NULL_FORK_FASTTHREADS_ON_TOPAZ = 34;
    static final double NULL_FORK_TOPAZ_THREADS = 948;
    static final double NULL_FORK_ULTRIX_PROCESSES = 11300;
    static final double SIGNAL_WAIT_FASTTHREADS_ON_SA = 42;
    static final double SIGNAL_WAIT_FASTTHREADS_ON_TOPAZ = 37;
    static final double SIGNAL_WAIT_TOPAZ_THREADS = 441;
    static final double SIGNAL_WAIT_ULTRIX_PROCESSES = 1840;
    /** On the Firefly: a procedure call, a kernel trap (µs). */
    static final double PROCEDURE_CALL = 7;
    static final double KERNEL_TRAP = 19;

    // ---- Anderson et al., Table V: speed-up of the N-body application, multiprogramming
    // ---- level 2, 6 processors, 100% of memory available (ideal: 6 / 2 = 3).
    static final int TABLE_V_PROCESSORS = 6;
    static final int TABLE_V_LEVEL = 2;
    static final double TABLE_V_TOPAZ_THREADS = 1.29;
    static final double TABLE_V_ORIGINAL_FASTTHREADS = 1.26;
    static final double TABLE_V_NEW_FASTTHREADS = 2.45;

    // ---- Danjean et al., Table 3 (Pentium 4 1.8 GHz): yield() in µs, sumtime(2000) in ms;
    // ---- Table 1: upcall overhead.
    static final double YIELD_LIBPTHREAD = 1.16;
    static final double YIELD_POSIX_ON_SA = 1.01;
    static final double YIELD_PM2_ON_SA = 0.40;
    static final double SUMTIME_2000_LIBPTHREAD = 7215;
    static final double SUMTIME_2000_POSIX_ON_SA = 12;
    static final double SUMTIME_2000_PM2_ON_SA = 12;
    static final double UPCALL_OVERHEAD = 1.0;
}
