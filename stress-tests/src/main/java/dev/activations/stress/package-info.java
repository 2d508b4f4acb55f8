/**
 * The jcstress suite of Activations: its launcher ({@link dev.activations.stress.Main}) and,
 * here, its table of contents. The tests live in the packages of the code they test
 * ({@code dev.activations.kernel}, {@code dev.activations.runtime}), so they can use
 * package-private state; each class checks one property and says in its header how.
 *
 * <h2>Running</h2>
 * <pre>
 *   java -jar stress-tests/target/jcstress.jar                 # everything, jcstress's default mode
 *   java -jar stress-tests/target/jcstress.jar -t Mutex_ -m quick
 *   mvn -pl stress-tests verify                                # the CI subset (jcstress.ci.args in the pom)
 * </pre>
 * Result files: jcstress writes {@code jcstress-results-*.bin.gz} into the working directory
 * and its HTML report into {@code -r DIR} (default {@code results/}); run from {@code /tmp} or
 * pass {@code -r} to keep them out of the repository.
 *
 * <h2>Kernel shim ({@code dev.activations.kernel})</h2>
 * <ul>
 *   <li>VP ownership: {@code Activation_ExitKernelVsHandOff} (exitKernel vs the monitor's
 *       hand-off), {@code Activation_EnterKernelVsHandOff} (a bracket vs the hand-off of an
 *       "undetected" block). Rig: {@code HandOffRig}.</li>
 *   <li>Allocation: {@code Kernel_AllocationPriority}, {@code Kernel_AllocationEqualPriority}
 *       (requests, idle reports, lingering, reallocation and preemption between two spaces;
 *       invariants in {@code KernelInvariants}). Rig: {@code AllocationRig}.</li>
 *   <li>{@code Activation_CurrentAfterMigration}: the public carrier lookup after a user thread
 *       moved to another carrier.</li>
 * </ul>
 *
 * <h2>Runtime ({@code dev.activations.runtime})</h2>
 * Shared kernel and schedulers: {@code StressRuntime}.
 * <ul>
 *   <li>Park/unpark: {@code UserThread_UnparkFromPlatform}, {@code UserThread_UnparkFromUserThread},
 *       {@code UserThread_UnparkFromOtherScheduler}, and in termination mode
 *       {@code UserThread_ParkLoopTermination}, {@code UserThread_ParkLoopTerminationFromUserThread}.</li>
 *   <li>Identity after migration: {@code UserThread_CurrentAfterMigration}.</li>
 *   <li>Timers: {@code UserThread_TimedParkVsUnpark}, {@code TimerService_TimedParksExpire}.</li>
 *   <li>Ready queues (rig: {@code QueueRig}): {@code WorkStealingQueues_PollVsBatchSteal},
 *       {@code Worker_TakeNextVsStealNext}, {@code WorkStealingQueues_HandOffVsLastChanceSteal},
 *       {@code WorkStealingQueues_OverflowVsSteal}, {@code WorkStealingQueues_GlobalBatch}.</li>
 *   <li>Critical sections: {@code UserThread_PreemptDeferredInCriticalSection},
 *       {@code UserThread_RevokedInCriticalSection}.</li>
 *   <li>Synchronization: {@code Mutex_MutualExclusion}, {@code Mutex_MutualExclusionWithPlatformThread},
 *       {@code Mutex_TimedTryLockPassesWakeUp}, {@code Condition_PingPong},
 *       {@code Condition_TimedAwaitSignalNotLost}, {@code Semaphore_PermitConservation},
 *       {@code Semaphore_TimedAcquireVsRelease}, {@code Latch_CountDownAwait},
 *       {@code Channel_TwoSendersFifo}, {@code Channel_TwoReceivers}, {@code Channel_CloseVsBlockedSend}.</li>
 *   <li>Executor: {@code Executor_SubmitVsShutdownNow}, {@code Executor_ExecuteVsShutdownNow},
 *       {@code Executor_ExecuteVsShutdown}.</li>
 * </ul>
 */
package dev.activations.stress;
