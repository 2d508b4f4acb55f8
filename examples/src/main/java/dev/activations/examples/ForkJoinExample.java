package dev.activations.examples;

import dev.activations.kernel.Kernel;
import dev.activations.runtime.Scheduler;
import dev.activations.runtime.UserThread;

/** A fork/join sum on raw user threads: forks are cheap, and most joins run their child inline. */
public class ForkJoinExample {
    static final int THRESHOLD = 10_000;

    /** The sum of {@code from} to {@code to - 1}. */
    static long sum(long from, long to) {
        if (to - from <= THRESHOLD) {
            long s = 0;
            for (long i = from; i < to; i++) {
                s += i;
            }
            return s;
        }
        long mid = (from + to) >>> 1;
        long[] left = new long[1];
        UserThread child = UserThread.start(() -> left[0] = sum(from, mid)); // fork: same scheduler
        long right = sum(mid, to);
        join(child); // runs the child right here if no other processor has taken it
        return left[0] + right;
    }

    static void join(UserThread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new IllegalStateException("fork/join interrupted", e);
        }
    }

    public static void main(String[] args) throws Exception {
        try (Kernel kernel = Kernel.builder().name("fj").build();
                Scheduler scheduler = Scheduler.builder().kernel(kernel).name("sum").build()) {
            long[] total = new long[1];
            UserThread root = scheduler.start(() -> total[0] = sum(0, 10_000_000));
            root.join();
            System.out.println("sum of 0..9999999 = " + total[0]);
            System.out.println("joins run inline: " + scheduler.stats().inlineJoins());
        }
    }
}
