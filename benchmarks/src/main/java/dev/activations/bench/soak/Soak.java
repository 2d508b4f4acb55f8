package dev.activations.bench.soak;

import dev.activations.kernel.Kernel;
import dev.activations.kernel.KernelStats;
import dev.activations.runtime.Activations;
import dev.activations.runtime.Channel;
import dev.activations.runtime.Scheduler;
import dev.activations.runtime.UserThread;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Soak run (issue 6; not part of CI): mixed workloads on one kernel with two address spaces,
 * round after round, for a given duration. Every round checks its own results; the run fails
 * (exit code 1) if any task is lost, any task or thread runs twice, heap after GC keeps
 * growing, or carrier threads leak.
 *
 * <pre>
 * java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *      dev.activations.bench.soak.Soak --minutes 30
 * </pre>
 *
 * A round: recursive fork/join (sum 1..n), ping-pong pairs, channel producers/consumers
 * (no loss, no duplicate, FIFO per sender), kernel blocking (bracketed and unbracketed) beside
 * compute threads, and executor churn (a fresh executor per round, every task must run once).
 */
public final class Soak {
    private static final AtomicLong submitted = new AtomicLong();
    private static final AtomicLong completed = new AtomicLong();
    private static final List<String> failures = new ArrayList<>();

    private Soak() {
    }

    public static void main(String[] args) throws Exception {
        double minutes = 1;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--minutes") && i + 1 < args.length) {
                minutes = Double.parseDouble(args[++i]);
            } else {
                System.err.println("usage: Soak [--minutes M]   (default 1)");
                System.exit(2);
            }
        }
        if (!(minutes > 0)) {
            throw new IllegalArgumentException("--minutes must be > 0, was " + minutes);
        }
        int cpus = Runtime.getRuntime().availableProcessors();
        Kernel kernel = Kernel.builder().processors(cpus).maxActivations(cpus + 128)
                .keepAlive(Duration.ofSeconds(1)).name("soak").build();
        Scheduler a = Scheduler.builder().kernel(kernel).name("soak-a").build();
        Scheduler b = Scheduler.builder().kernel(kernel).name("soak-b").build();
        long end = System.nanoTime() + (long) (minutes * 60e9);
        List<Long> heapAfterGc = new ArrayList<>();
        long started = System.nanoTime();
        int round = 0;
        while (System.nanoTime() < end && failures.isEmpty()) {
            round++;
            forkJoin(a, 20_000);
            pingPong(b, 4, 5_000);
            channels(a, 4, 2, 5_000);
            blocking(b, 24, 12);
            churn(kernel, round, 5_000);
            check(a.stats().liveThreads() == 0, "round " + round + ": space a has live threads after the round: " + a.stats());
            check(b.stats().liveThreads() == 0, "round " + round + ": space b has live threads after the round: " + b.stats());
            KernelStats ks = kernel.stats();
            check(ks.activationsAlive() <= kernel.maxActivations(), "round " + round + ": more carriers than maxActivations: " + ks);
            System.gc();
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            heapAfterGc.add(heap);
            System.out.printf("round %4d  t=%6.1fs  tasks %d/%d  heap-after-gc %6.1f MB  carriers %d  hand-offs %d  refused %d%n",
                    round, (System.nanoTime() - started) / 1e9, completed.get(), submitted.get(), heap / 1e6,
                    ks.activationsAlive(), ks.handOffs(), ks.refusedHandOffs());
        }
        checkHeap(heapAfterGc);
        KernelStats last = kernel.stats();
        a.close();
        b.close();
        kernel.close();
        long leaked = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("soak-")).count();
        check(leaked == 0, leaked + " carrier/monitor threads alive after Kernel.close()");
        check(submitted.get() == completed.get(), "tasks lost: submitted " + submitted.get() + ", completed " + completed.get());
        System.out.printf("%nsoak: %d rounds in %.1f min; tasks submitted %d, completed %d; upcalls: %d added, %d blocked, "
                        + "%d unblocked, %d preempted; hand-offs %d, refused %d; carriers peak %d; heap after GC first/last %.1f/%.1f MB%n",
                round, (System.nanoTime() - started) / 60e9, submitted.get(), completed.get(), last.processorAdded(),
                last.activationBlocked(), last.activationUnblocked(), last.processorPreempted(), last.handOffs(),
                last.refusedHandOffs(), last.activationsPeak(), heapAfterGc.get(0) / 1e6, heapAfterGc.get(heapAfterGc.size() - 1) / 1e6);
        if (!failures.isEmpty()) {
            failures.forEach(f -> System.out.println("FAIL: " + f));
            System.exit(1);
        }
        System.out.println("soak: PASS");
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            synchronized (failures) {
                failures.add(what);
            }
        }
    }

    /** Heap after GC must not keep growing: the last quarter's peak may exceed the first quarter's by 25% + 16 MB at most. */
    private static void checkHeap(List<Long> heap) {
        int n = heap.size();
        if (n < 8) {
            return;
        }
        long first = heap.subList(0, n / 4).stream().mapToLong(Long::longValue).max().orElse(0);
        long last = heap.subList(n - n / 4, n).stream().mapToLong(Long::longValue).max().orElse(0);
        check(last <= first * 1.25 + 16e6, String.format("heap after GC keeps growing: first quarter peak %.1f MB, last quarter peak %.1f MB", first / 1e6, last / 1e6));
    }

    private static void forkJoin(Scheduler s, int n) throws InterruptedException {
        long[] result = new long[1];
        UserThread root = s.start(() -> result[0] = sum(1, n));
        join(root);
        check(result[0] == (long) n * (n + 1) / 2, "fork/join sum 1.." + n + " = " + result[0]);
    }

    private static long sum(int lo, int hi) {
        if (hi - lo < 16) {
            long s = 0;
            for (int i = lo; i <= hi; i++) {
                s += i;
            }
            return s;
        }
        int mid = (lo + hi) >>> 1;
        long[] left = new long[1];
        submitted.incrementAndGet();
        UserThread t = UserThread.start(() -> {
            left[0] = sum(lo, mid);
            completed.incrementAndGet();
        });
        long right = sum(mid + 1, hi);
        try {
            join(t);
        } catch (InterruptedException e) {
            throw new IllegalStateException("fork/join interrupted", e);
        }
        return left[0] + right;
    }

    private static void pingPong(Scheduler s, int pairs, int hops) throws InterruptedException {
        List<UserThread> all = new ArrayList<>();
        for (int p = 0; p < pairs; p++) {
            Channel<Integer> ab = Channel.bounded(1);
            Channel<Integer> ba = Channel.bounded(1);
            submitted.addAndGet(2);
            all.add(s.start(() -> {
                try {
                    for (int i = 0; i < hops; i++) {
                        ab.send(i);
                        int back = ba.receive();
                        check(back == i, "ping-pong: sent " + i + ", got back " + back);
                    }
                    completed.incrementAndGet();
                } catch (InterruptedException e) {
                    check(false, "ping interrupted");
                }
            }));
            all.add(s.start(() -> {
                try {
                    for (int i = 0; i < hops; i++) {
                        ba.send(ab.receive());
                    }
                    completed.incrementAndGet();
                } catch (InterruptedException e) {
                    check(false, "pong interrupted");
                }
            }));
        }
        for (UserThread t : all) {
            join(t);
        }
    }

    private static void channels(Scheduler s, int producers, int consumers, int perProducer) throws InterruptedException {
        Channel<long[]> ch = Channel.bounded(8);
        AtomicIntegerArray seen = new AtomicIntegerArray(producers * perProducer);
        List<UserThread> prod = new ArrayList<>();
        List<UserThread> cons = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            submitted.incrementAndGet();
            cons.add(s.start(() -> {
                int[] lastSeq = new int[producers];
                java.util.Arrays.fill(lastSeq, -1);
                try {
                    while (true) {
                        long[] m = ch.receive();
                        int p = (int) m[0];
                        int seq = (int) m[1];
                        check(seq > lastSeq[p], "channel: producer " + p + " item " + seq + " after " + lastSeq[p] + " (FIFO per sender broken)");
                        lastSeq[p] = seq;
                        check(seen.incrementAndGet(p * perProducer + seq) == 1, "channel: item delivered twice");
                    }
                } catch (dev.activations.runtime.ChannelClosedException done) {
                    completed.incrementAndGet();
                } catch (InterruptedException e) {
                    check(false, "consumer interrupted");
                }
            }));
        }
        for (int p = 0; p < producers; p++) {
            int id = p;
            submitted.incrementAndGet();
            prod.add(s.start(() -> {
                try {
                    for (int i = 0; i < perProducer; i++) {
                        ch.send(new long[] {id, i});
                    }
                    completed.incrementAndGet();
                } catch (InterruptedException e) {
                    check(false, "producer interrupted");
                }
            }));
        }
        for (UserThread t : prod) {
            join(t);
        }
        ch.close();
        for (UserThread t : cons) {
            join(t);
        }
        for (int i = 0; i < seen.length(); i++) {
            if (seen.get(i) != 1) {
                check(false, "channel: item " + i + " delivered " + seen.get(i) + " times");
                break;
            }
        }
    }

    private static void blocking(Scheduler s, int bracketed, int unbracketed) throws InterruptedException {
        List<UserThread> all = new ArrayList<>();
        AtomicLong computeDone = new AtomicLong();
        for (int i = 0; i < bracketed; i++) {
            submitted.incrementAndGet();
            all.add(s.start(() -> {
                try {
                    UserThread.blocking(() -> {
                        Thread.sleep(2);
                        return null;
                    });
                    completed.incrementAndGet();
                } catch (Exception e) {
                    check(false, "bracketed blocking call failed: " + e);
                }
            }));
        }
        for (int i = 0; i < unbracketed; i++) {
            submitted.incrementAndGet();
            all.add(s.start(() -> {
                try {
                    Thread.sleep(3); // not bracketed: the monitor must find it
                    completed.incrementAndGet();
                } catch (InterruptedException e) {
                    check(false, "unbracketed sleep interrupted");
                }
            }));
        }
        for (int i = 0; i < 8; i++) {
            submitted.incrementAndGet();
            all.add(s.start(() -> {
                long x = 0;
                for (int k = 0; k < 200_000; k++) {
                    x += k ^ (x >>> 3);
                    if ((k & 1023) == 0) {
                        UserThread.checkpoint();
                    }
                }
                computeDone.addAndGet(x == 42 ? 0 : 1);
                completed.incrementAndGet();
            }));
        }
        for (UserThread t : all) {
            join(t);
        }
        check(computeDone.get() == 8, "compute threads finished: " + computeDone.get() + " of 8");
    }

    private static void churn(Kernel kernel, int round, int tasks) throws Exception {
        AtomicIntegerArray runs = new AtomicIntegerArray(tasks);
        List<Future<?>> fs = new ArrayList<>(tasks);
        try (ExecutorService ex = Activations.newExecutor(kernel, "churn-" + round, 5)) {
            for (int i = 0; i < tasks; i++) {
                int id = i;
                submitted.incrementAndGet();
                fs.add(ex.submit(() -> {
                    runs.incrementAndGet(id);
                    completed.incrementAndGet();
                    if ((id & 255) == 0) {
                        UserThread.sleep(Duration.ofMillis(1));
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        }
        for (int i = 0; i < tasks; i++) {
            if (runs.get(i) != 1) {
                check(false, "executor churn: task " + i + " ran " + runs.get(i) + " times");
                break;
            }
        }
    }

    private static void join(UserThread t) throws InterruptedException {
        if (!t.join(Duration.ofMinutes(2))) {
            check(false, "thread " + t + " did not finish within 2 minutes (hang)");
            throw new IllegalStateException("soak: hang in " + t);
        }
    }
}
