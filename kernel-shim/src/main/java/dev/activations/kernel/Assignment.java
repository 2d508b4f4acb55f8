package dev.activations.kernel;

/**
 * What the kernel asks one activation to do next: run an upcall with one VP
 * ({@code processorAdded}, or {@code activationBlocked} when {@code blocked} is non-null), or,
 * with {@code watch}, stand by for that VP's holder to block ({@link Spares}, "Standby";
 * {@code space} is then null). Immutable.
 */
record Assignment(VirtualProcessor vp, AddressSpace space, Activation blocked, Object blockedThread, boolean watch) {
    static Assignment added(VirtualProcessor vp, AddressSpace space) {
        return new Assignment(vp, space, null, null, false);
    }

    static Assignment blocked(VirtualProcessor vp, AddressSpace space, Activation blocked, Object thread) {
        return new Assignment(vp, space, blocked, thread, false);
    }

    static Assignment watch(VirtualProcessor vp) {
        return new Assignment(vp, null, null, null, true);
    }
}
