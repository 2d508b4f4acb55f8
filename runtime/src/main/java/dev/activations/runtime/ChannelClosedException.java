package dev.activations.runtime;

/** Thrown by a send on a closed {@link Channel}, or a receive on one that is closed and empty. */
public final class ChannelClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public ChannelClosedException(String message) {
        super(message);
    }
}
