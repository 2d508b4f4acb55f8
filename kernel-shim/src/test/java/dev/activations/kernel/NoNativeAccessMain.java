package dev.activations.kernel;

import dev.activations.kernel.TestScheduler.Spin;

/**
 * Run by {@link OsPrioritiesTest} in a child JVM started without {@code --enable-native-access}:
 * builds a kernel, prints how it enforces priorities, runs one item on two spaces of different
 * priority, prints "ran".
 */
public final class NoNativeAccessMain {
    private NoNativeAccessMain() {
    }

    public static void main(String[] args) {
        try (Kernel k = Kernel.builder().name("no-native").processors(1).build()) {
            System.out.println(k.osPriorities());
            TestScheduler low = new TestScheduler("low");
            TestScheduler high = new TestScheduler("high");
            Spin l = Spin.quick("l");
            Spin h = Spin.quick("h");
            low.submit(l);
            high.submit(h);
            low.attach(k, 2).requestProcessors(1);
            high.attach(k, 8).requestProcessors(1);
            Await.until("both ran", () -> low.finished.contains(l) && high.finished.contains(h), () -> low.describe() + high.describe());
            System.out.println("ran");
        }
    }
}
