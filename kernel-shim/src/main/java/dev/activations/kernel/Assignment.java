package dev.activations.kernel;

/**
 * An upcall the kernel asks one activation to run with one VP: {@code processorAdded}, or
 * {@code activationBlocked} when {@code blocked} is non-null. Immutable.
 */
record Assignment(VirtualProcessor vp, AddressSpace space, Activation blocked, Object blockedThread) {
    static Assignment added(VirtualProcessor vp, AddressSpace space) {
        return new Assignment(vp, space, null, null);
    }
}
