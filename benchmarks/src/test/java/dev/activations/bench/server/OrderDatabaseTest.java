package dev.activations.bench.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Concurrent transactions each take a number of their own, and the counts add up. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class OrderDatabaseTest {
    @Test
    void concurrentOrdersAreNumberedOnceAndCounted() throws Exception {
        int orders = 400;
        try (OrderDatabase db = new OrderDatabase("order-database-test");
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Long>> placed = IntStream.range(0, orders).mapToObj(i -> threads.submit(db::place)).toList();
            Set<Long> numbers = new HashSet<>();
            for (Future<Long> f : placed) {
                numbers.add(f.get());
            }
            assertEquals(orders, numbers.size(), "distinct order numbers");
            assertEquals(new OrderDatabase.Counts(orders, orders), db.counts());
        }
    }
}
