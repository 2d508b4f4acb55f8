package dev.activations.kernel;

import dev.activations.kernel.internal.Jmx;
import dev.activations.kernel.internal.SnapshotMBean;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A kernel's MBean, {@code dev.activations:type=Kernel,name="<kernel name>"}: its
 * configuration as constant attributes and every component of {@link Kernel#stats()} as an
 * attribute ({@code Spaces} is a {@code CompositeData[]} of {@link SpaceStats}). Registered
 * when the kernel is built, unregistered when it is closed; see {@link Jmx} for unique names
 * and how to turn it off.
 */
final class KernelManagement {
    private KernelManagement() {
    }

    /** Called at the end of the kernel's constructor. */
    static void register(Kernel k) {
        Map<String, Object> constants = new LinkedHashMap<>();
        constants.put("Name", k.name());
        constants.put("MaxActivations", k.maxActivations());
        constants.put("BlockingDetection", k.blockingDetection());
        constants.put("PinsCarriers", k.pinsCarriers());
        constants.put("OsPriorities", k.osPriorities());
        constants.put("ShareQuantumNanos", k.quantumNanos());
        Jmx.register(k, "Kernel", null, k.name(), new SnapshotMBean(Kernel.class.getName(),
                "Activations kernel shim: virtual processors, activations, upcalls and hand-offs", constants,
                List.of(new SnapshotMBean.Source<>(KernelStats.class, k::stats)), List.of()));
    }

    /** Called when the kernel is closed. */
    static void unregister(Kernel k) {
        Jmx.unregister(k);
    }
}
