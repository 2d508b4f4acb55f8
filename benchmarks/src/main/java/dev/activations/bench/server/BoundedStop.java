package dev.activations.bench.server;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a server's stop on a thread of its own and waits for it at most
 * {@link WebServer#STOP_SECONDS}: a server's stop may join its threads without a bound.
 */
final class BoundedStop {
    /** A stop action. */
    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    private BoundedStop() {
    }

    /**
     * @param what names the server in the exception
     * @throws IllegalStateException if {@code stop} throws or does not end in time
     */
    static void run(String what, Action stop) {
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread stopper = Thread.ofPlatform().name(what + "-stop").daemon().start(() -> {
            try {
                stop.run();
            } catch (Exception e) {
                failure.set(e);
            }
        });
        try {
            stopper.join(TimeUnit.SECONDS.toMillis(WebServer.STOP_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping " + what, e);
        }
        if (stopper.isAlive()) {
            throw new IllegalStateException(what + " did not stop within " + WebServer.STOP_SECONDS + " s");
        }
        if (failure.get() != null) {
            throw new IllegalStateException(what + " failed to stop: " + failure.get(), failure.get());
        }
    }
}
