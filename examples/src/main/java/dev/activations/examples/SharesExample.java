package dev.activations.examples;

import dev.activations.kernel.Kernel;
import dev.activations.runtime.Scheduler;
import dev.activations.runtime.UserThread;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Two spaces of equal priority sharing two processors 3 : 1 by weight, with Java threads of
 * their own ({@code scheduler.ofVirtual()}), and the kernel's account of the processor time
 * each got.
 */
public class SharesExample {
    public static void main(String[] args) throws Exception {
        try (Kernel kernel = Kernel.builder().processors(2).name("k").build();
                Scheduler big = Scheduler.builder().kernel(kernel).name("big").share(3).build();
                Scheduler small = Scheduler.builder().kernel(kernel).name("small").share(1).maxProcessors(1).build()) {
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong work = new AtomicLong();
            Runnable spin = () -> {
                while (running.get()) {
                    work.incrementAndGet(); // plain work: the kernel rotates processors at task ends and checkpoints
                    UserThread.checkpoint();
                }
            };
            Thread[] threads = {big.ofVirtual().start(spin), big.ofVirtual().start(spin),
                    small.ofVirtual().start(spin), small.ofVirtual().start(spin)};
            Thread.sleep(1_000);
            running.set(false);
            for (Thread t : threads) {
                t.join();
            }
            double ratio = (double) big.space().processorNanos() / small.space().processorNanos();
            System.out.println("processor time big : small = " + (ratio > 2 && ratio < 4.5 ? "about 3 : 1" : ratio + " : 1"));
        }
    }
}
