/**
 * The user-level half of scheduler activations: threads on continuations, scheduled by the
 * application on the processors the kernel shim gives it.
 *
 * <h2>Contents</h2>
 * <ul>
 *   <li>{@link dev.activations.runtime.UserThread}: the thread; its state machine, park/unpark,
 *       safepoints, the kernel bracket ({@code blocking}) and critical sections.</li>
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
 *   <li>{@link dev.activations.runtime.Activations}: {@code ExecutorService}s whose tasks run
 *       on runner user threads ({@code ActivationsExecutor}, {@code TaskFuture}).</li>
 *   <li>{@link dev.activations.runtime.UserThreadLocal}: per-user-thread variables.</li>
 *   <li>Observability: {@link dev.activations.runtime.ThreadDumps} (user-thread dumps in the
 *       {@code jcmd Thread.dump_to_file} format); {@code SchedulerManagement} (the open
 *       schedulers and their JMX beans); {@code RuntimeEvents} (JFR events for pinned parks
 *       and long critical sections).</li>
 * </ul>
 * Every class here needs {@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED} at run
 * time on the class path ({@code =dev.activations.runtime} on the module path); without it the
 * first use fails with a message naming the flag.
 */
package dev.activations.runtime;
