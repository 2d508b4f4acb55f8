package dev.activations.kernel;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waiting helpers for kernel tests. Tests assert behaviour, never elapsed time: {@link #until}
 * polls a condition for a generous {@link #TIMEOUT} and fails with the condition's name and a
 * state dump, so a slow or loaded machine only makes a test slower, never red.
 * {@link #holds} is the one way to check that something does <em>not</em> happen: the
 * condition must stay true for a window far longer than the kernel's own delays.
 */
final class Await {
    /** Upper bound for anything the kernel is expected to do; reached only when a test fails. */
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private Await() {
    }

    /** Polls {@code condition} until it holds; fails naming {@code what} and dumping {@code state}. */
    static void until(String what, BooleanSupplier condition, Supplier<String> state) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + TIMEOUT.toSeconds() + " s waiting for: " + what + "\nstate: " + state.get());
            }
            pause();
        }
    }

    /** Checks that {@code condition} stays true for the whole {@code window}; fails at the first sample where it does not. */
    static void holds(String what, BooleanSupplier condition, Duration window, Supplier<String> state) {
        long end = System.nanoTime() + window.toNanos();
        do {
            if (!condition.getAsBoolean()) {
                fail("expected to stay true: " + what + "\nstate: " + state.get());
            }
            pause();
        } while (System.nanoTime() - end < 0);
    }

    /** Names of the live threads that belong to kernel {@code kernelName}: its carriers and its monitor. */
    static List<String> kernelThreads(String kernelName) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith(kernelName + "-activation-") || n.equals(kernelName + "-monitor"))
                .sorted()
                .toList();
    }

    /** Names of the live carrier threads (activations) of kernel {@code kernelName}. */
    static List<String> carriers(String kernelName) {
        return kernelThreads(kernelName).stream().filter(n -> n.startsWith(kernelName + "-activation-")).toList();
    }

    private static void pause() {
        try {
            Thread.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted while waiting");
        }
    }
}
