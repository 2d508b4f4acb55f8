package dev.activations.examples;

import dev.activations.runtime.Channel;
import dev.activations.runtime.ChannelClosedException;
import dev.activations.runtime.Mutex;
import dev.activations.runtime.Scheduler;
import dev.activations.runtime.UserThread;
import java.util.ArrayList;
import java.util.List;

/** A producer and four consumers on raw user threads: a bounded channel and a mutex. */
public class SyncExample {
    public static void main(String[] args) throws Exception {
        try (Scheduler scheduler = Scheduler.builder().name("sync").build()) {
            Channel<Integer> jobs = Channel.bounded(16);
            Mutex mutex = new Mutex();
            long[] total = new long[1];
            List<UserThread> consumers = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                consumers.add(scheduler.start(() -> {
                    try {
                        while (true) {
                            int job = jobs.receive(); // parks while the channel is empty
                            mutex.lock(); // parks too: a waiter never holds a processor
                            try {
                                total[0] += job;
                            } finally {
                                mutex.unlock();
                            }
                        }
                    } catch (ChannelClosedException | InterruptedException e) {
                        // closed and drained, or interrupted: this consumer is done
                    }
                }));
            }
            UserThread producer = scheduler.start(() -> {
                try {
                    for (int i = 1; i <= 1_000; i++) {
                        jobs.send(i); // parks while the channel is full
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException("producer interrupted", e);
                } finally {
                    jobs.close();
                }
            });
            producer.join();
            for (UserThread c : consumers) {
                c.join();
            }
            System.out.println("consumers summed 1..1000 = " + total[0]);
        }
    }
}
