/**
 * The user-level half of scheduler activations: threads on continuations, scheduled by the
 * application on the processors the kernel shim gives it.
 *
 * <h2>Contents</h2>
 * <ul>
 *   <li>Two thread kinds on one scheduler (DESIGN.md §3a), both queued as a {@code Strand}:
 *       Java threads (real virtual threads whose scheduler is ours: {@code JavaThreads}, one
 *       {@code JavaTask} per submission, {@code VirtualThreads} the only door to the JDK's
 *       internals) and {@link dev.activations.runtime.UserThread}, the raw kind: its state
 *       machine, park/unpark, safepoints, the kernel bracket ({@code blocking}), critical
 *       sections and inline joins.</li>
 *   <li>{@link dev.activations.runtime.Scheduler}: one address space; implements the upcalls
 *       and decides when to ask the kernel for processors. {@code Worker}: the run loop of one
 *       upcall. {@code Fiber}: the only door to {@code jdk.internal.vm.Continuation}.</li>
 *   <li>{@link dev.activations.runtime.Policy} and {@code ReadyQueues} with its subclasses
 *       ({@code WorkStealingQueues}, {@code PriorityQueues}, {@code GlobalFifoQueues},
 *       {@code RandomizedQueues}): the pluggable scheduling policies.</li>
 *   <li>{@code TimerService}: sleep and timed park on an Agrona timer wheel.</li>
 *   <li>Synchronization that parks user threads, not carriers:
 *       {@link dev.activations.runtime.Mutex} (with conditions),
 *       {@link dev.activations.runtime.Semaphore}, {@link dev.activations.runtime.Latch},
 *       {@link dev.activations.runtime.Channel}; built on {@code SpinGuard} (a critical-section
 *       spin lock), {@code Gate} (a one-shot wait) and {@code Waiting} (user or platform).</li>
 *   <li>{@link dev.activations.runtime.Activations}: {@code ExecutorService}s that run each
 *       task in its own Java thread ({@code ActivationsExecutor}).</li>
 *   <li>{@link dev.activations.runtime.UserThreadLocal}: per-user-thread variables.</li>
 *   <li>Observability: {@link dev.activations.runtime.ThreadDumps} (user-thread dumps in the
 *       {@code jcmd Thread.dump_to_file} format); {@code SchedulerManagement} (the open
 *       schedulers and their JMX beans); {@code RuntimeEvents} (JFR events for pinned parks
 *       and long critical sections).</li>
 * </ul>
 * Every class here needs {@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED
 * --add-opens java.base/java.lang=ALL-UNNAMED} at run time on the class path
 * ({@code =dev.activations.runtime} on the module path); without them the first use fails with
 * a message naming every flag ({@code JvmFlags}).
 */
package dev.activations.runtime;
