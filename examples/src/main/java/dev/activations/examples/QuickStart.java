package dev.activations.examples;

import dev.activations.runtime.Activations;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

/** An executor like {@code Executors.newVirtualThreadPerTaskExecutor()}, on Activations. */
public class QuickStart {
    public static void main(String[] args) throws Exception {
        try (ExecutorService executor = Activations.newExecutor()) {
            List<Future<Integer>> squares = IntStream.rangeClosed(1, 1_000)
                    .mapToObj(n -> executor.submit(() -> {
                        Thread.sleep(10); // the task waits; its processor runs other tasks
                        return n * n;
                    }))
                    .toList();
            long sum = 0;
            for (Future<Integer> f : squares) {
                sum += f.get();
            }
            System.out.println("sum of the squares of 1..1000 = " + sum);
        }
    }
}
