/**
 * The kernel shim: the JVM's stand-in for the scheduler-activations kernel.
 *
 * <h2>Contents</h2>
 * <ul>
 *   <li>{@link dev.activations.kernel.Kernel}: owns the virtual processors, allocates them
 *       among address spaces, starts and pools activations, hands off blocked ones. Read its
 *       overview first.</li>
 *   <li>{@link dev.activations.kernel.VirtualProcessor}: a processor slot.</li>
 *   <li>{@link dev.activations.kernel.Activation}: a carrier thread; its state machine, the
 *       signal word (safepoint poll) and the blocking bracket.</li>
 *   <li>{@link dev.activations.kernel.AddressSpace}: one application; its methods are the
 *       downcalls. {@link dev.activations.kernel.Allocation}: what it asks of the allocator
 *       (priority, guaranteed minimum, cap, share), given at attach.</li>
 *   <li>{@link dev.activations.kernel.Upcalls}: what the kernel tells an address space.</li>
 *   <li>{@code ProcessorAllocator}: the allocation policy, a pure function: targets and
 *       (fractional) portions from the spaces' allocations, demands and lags. The kernel
 *       accounts the lags and rotates processors (Kernel's overview, "Time slicing").</li>
 *   <li>{@code Monitor}: the sampling thread that finds blocked activations;
 *       {@code ProcStat}: Linux {@code /proc} thread state.</li>
 *   <li>{@link dev.activations.kernel.KernelStats}, {@link dev.activations.kernel.SpaceStats}:
 *       counter snapshots. {@code KernelManagement}: the kernel's JMX bean over them;
 *       {@code KernelEvents}: its JFR events ({@code dev.activations.*}).</li>
 *   <li>{@code HandOffClock}: times each hand-off (blocking to the processor running another
 *       thread, and the blocked thread's return) into {@code LatencyRecorder}s (HdrHistogram
 *       recorders that any carrier records into), read as {@link dev.activations.kernel.HandOffStats}
 *       of {@link dev.activations.kernel.LatencySnapshot}s;
 *       {@link dev.activations.kernel.ProcessorActivity}: what a processor is doing, for samplers.</li>
 * </ul>
 * Nothing here knows about continuations: user-level threads are opaque handles.
 */
package dev.activations.kernel;
