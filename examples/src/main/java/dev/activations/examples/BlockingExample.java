package dev.activations.examples;

import dev.activations.kernel.Kernel;
import dev.activations.runtime.Activations;
import dev.activations.runtime.UserThread;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * One processor, and a task whose call blocks its carrier until another task of the same
 * executor answers. Without scheduler activations that is a deadlock; here the kernel hands the
 * processor to a fresh carrier, the second task runs, and the first call returns.
 */
public class BlockingExample {
    public static void main(String[] args) throws Exception {
        BlockingQueue<String> mailbox = new ArrayBlockingQueue<>(1);
        try (Kernel kernel = Kernel.builder().processors(1).name("one-cpu").build();
                ExecutorService executor = Activations.newExecutor(kernel, "app", 5)) {
            Future<String> reader = executor.submit(() ->
                    UserThread.blocking(mailbox::take)); // stands for JNI, a FIFO read, a legacy lock...
            Future<Boolean> writer = executor.submit(() -> mailbox.offer("the answer"));
            writer.get();
            System.out.println("reader got: " + reader.get());
        }
    }
}
