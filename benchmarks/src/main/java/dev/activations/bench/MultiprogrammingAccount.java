package dev.activations.bench;

import dev.activations.kernel.KernelStats;
import dev.activations.kernel.SpaceStats;
import dev.activations.runtime.Scheduler;
import dev.activations.runtime.SchedulerStats;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Where the time of the paper's Table V goes on Activations: runs the two-application N-body of
 * {@link Multiprogramming} (each app in its own address space on one kernel) again and again
 * and prints, per run, its time and what the kernel and the two schedulers did meanwhile
 * (reallocations, lending, preemptions, displacements, hand-offs, spins, parks, steals). With
 * {@code --background} it first starts {@link CpuHog} in a process of its own, one thread per
 * core, as the busy-machine variant does; {@code --pin} builds the kernel with
 * {@code pinCarriers(true)}, {@code --monitor-us=N} with that {@code monitorInterval}. Not a
 * benchmark (JMH measures the times): an account.
 *
 * <pre>
 * java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED \
 *      --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *      dev.activations.bench.MultiprogrammingAccount [activations|userthread] [runs] [--background] [--pin] [--monitor-us=N]
 * </pre>
 */
public final class MultiprogrammingAccount {
    private MultiprogrammingAccount() {
    }

    public static void main(String[] args) throws Exception {
        String impl = args.length > 0 ? args[0] : Kind.ACTIVATIONS;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        List<String> options = Arrays.asList(args);
        boolean background = options.contains("--background");
        boolean pin = options.contains("--pin");
        long monitorUs = options.stream().filter(o -> o.startsWith("--monitor-us=")).mapToLong(o -> Long.parseLong(o.substring(13)))
                .findFirst().orElse(0);
        if (!impl.equals(Kind.ACTIVATIONS) && !impl.equals(Kind.USERTHREAD)) {
            throw new IllegalArgumentException("impl must be " + Kind.ACTIVATIONS + " or " + Kind.USERTHREAD + ", was " + impl);
        }
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be at least 1, was " + runs);
        }
        try (CpuHog.Process hog = background ? CpuHog.start(Runtime.getRuntime().availableProcessors()) : null) {
            ActivationsKind kind = (ActivationsKind) Kind.create(impl, 0, b -> {
                b.pinCarriers(pin);
                return monitorUs > 0 ? b.monitorInterval(Duration.ofNanos(monitorUs * 1_000)) : b;
            });
            try {
                List<Scheduler> spaces = new ArrayList<>();
                List<NBody> bodies = new ArrayList<>();
                for (int a = 0; a < 2; a++) {
                    spaces.add(kind.newSpace("app-" + (a + 1), 5));
                    bodies.add(new NBody(Multiprogramming.BODIES, kind.newLock()));
                }
                System.out.printf(Locale.ROOT, "%s, %s, %s%n", impl, kind.kernel(), background ? "background hog on every core" : "idle machine");
                System.out.println("run   ms  added preempt displ handoff lentOrFree | per app: added preempt requests spins parks steals kblocks");
                for (int run = 1; run <= runs; run++) {
                    KernelStats k0 = kind.kernel().stats();
                    List<SchedulerStats> s0 = spaces.stream().map(Scheduler::stats).toList();
                    long t0 = System.nanoTime();
                    List<Strand> running = new ArrayList<>();
                    for (int a = 0; a < 2; a++) {
                        NBody body = bodies.get(a);
                        running.add(kind.start(spaces.get(a), () -> {
                            body.reset();
                            body.simulate(kind, Multiprogramming.STEPS, Multiprogramming.CHUNKS);
                        }));
                    }
                    for (Strand s : running) {
                        s.join();
                    }
                    double ms = (System.nanoTime() - t0) / 1e6;
                    KernelStats k1 = kind.kernel().stats();
                    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%3d %5.1f %6d %7d %5d %7d %10d |", run, ms,
                            k1.processorAdded() - k0.processorAdded(), k1.processorPreempted() - k0.processorPreempted(),
                            k1.displacements() - k0.displacements(), k1.handOffs() - k0.handOffs(),
                            lentOrFreed(k0, k1)));
                    for (int a = 0; a < 2; a++) {
                        SchedulerStats b = s0.get(a);
                        SchedulerStats e = spaces.get(a).stats();
                        SpaceStats sp = space(k1, "app-" + (a + 1));
                        SpaceStats sp0 = space(k0, "app-" + (a + 1));
                        line.append(String.format(Locale.ROOT, " %d %d %d %d %d %d %d |", sp.processorAdded() - sp0.processorAdded(),
                                sp.processorPreempted() - sp0.processorPreempted(), sp.requests() - sp0.requests(),
                                e.spins() - b.spins(), e.parks() - b.parks(), e.steals() - b.steals(),
                                e.kernelBlocks() - b.kernelBlocks()));
                    }
                    System.out.println(line);
                }
            } finally {
                kind.close();
            }
        }
    }

    /** processorAdded upcalls not explained by preemption: VPs lent, or taken from the free list. */
    private static long lentOrFreed(KernelStats k0, KernelStats k1) {
        return (k1.processorAdded() - k0.processorAdded()) - (k1.processorPreempted() - k0.processorPreempted());
    }

    private static SpaceStats space(KernelStats k, String name) {
        return k.spaces().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no space " + name + " in " + k));
    }
}
