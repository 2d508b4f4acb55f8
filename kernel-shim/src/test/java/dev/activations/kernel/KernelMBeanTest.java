package dev.activations.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The kernel MBean: registered on build, configuration and counters readable, per-space rows
 * (with each space's allocation and processor time), gone on close.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KernelMBeanTest {
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    /** Beans are registered in the background the first time (see Jmx): wait for it. */
    private void awaitRegistered(ObjectName name) throws InterruptedException {
        while (!server.isRegistered(name)) {
            Thread.sleep(1);
        }
    }

    /** An address space that gives its processor back at once. */
    private static final class IdleSpace implements Upcalls {
        volatile AddressSpace space;

        @Override
        public Object processorAdded(VirtualProcessor vp) {
            while (space.processorIdle(vp)) {
                Thread.onSpinWait();
            }
            return null;
        }

        @Override
        public void processorPreempted(VirtualProcessor vp, Object stopped) {
        }

        @Override
        public Object activationBlocked(VirtualProcessor vp, Activation blocked, Object thread) {
            return processorAdded(vp);
        }

        @Override
        public void activationUnblocked(Activation activation, Object thread) {
        }
    }

    @Test
    void registeredOnBuildReadableAndUnregisteredOnClose() throws Exception {
        ObjectName name = new ObjectName("dev.activations:type=Kernel,name=\"mbean-k\"");
        Kernel k = Kernel.builder().name("mbean-k").processors(3).maxActivations(50).build();
        try {
            awaitRegistered(name);
            assertEquals("mbean-k", server.getAttribute(name, "Name"));
            assertEquals(3, server.getAttribute(name, "Processors"));
            assertEquals(50, server.getAttribute(name, "MaxActivations"));
            assertEquals(true, server.getAttribute(name, "BlockingDetection"));
            assertEquals(false, server.getAttribute(name, "PinsCarriers"));
            assertEquals(5_000_000L, server.getAttribute(name, "ShareQuantumNanos"));
            assertEquals(false, server.getAttribute(name, "TimeSlicing"));

            IdleSpace upcalls = new IdleSpace();
            AddressSpace s = k.attach("space-a", Allocation.ofPriority(6).withMinProcessors(1).withMaxProcessors(2).withShare(7), upcalls);
            upcalls.space = s;
            s.requestProcessors(1);
            while (k.stats().processorAdded() == 0) {
                Thread.onSpinWait();
            }
            assertTrue((Long) server.getAttribute(name, "ProcessorAdded") >= 1);
            assertEquals(0L, server.getAttribute(name, "HandOffs"));
            assertEquals(0L, server.getAttribute(name, "RefusedHandOffs"));
            assertEquals(0L, server.getAttribute(name, "AffinityFailures"));
            CompositeData[] spaces = (CompositeData[]) server.getAttribute(name, "Spaces");
            assertEquals(1, spaces.length);
            assertEquals("space-a", spaces[0].get("name"));
            assertEquals(6, spaces[0].get("priority"));
            assertTrue((Long) spaces[0].get("processorAdded") >= 1);
            assertEquals(1L, spaces[0].get("requests"));
            assertEquals(1, spaces[0].get("minProcessors"));
            assertEquals(2, spaces[0].get("maxProcessors"));
            assertEquals(7, spaces[0].get("share"));
            assertTrue((Long) spaces[0].get("processorNanos") > 0, "it held a processor for a while");
        } finally {
            k.close();
        }
        assertFalse(server.isRegistered(name), "unregistered on close");
    }

    @Test
    void namesakeKernelsGetDistinctQuotedNames() throws Exception {
        try (Kernel a = Kernel.builder().name("twin:kernel").processors(1).build();
             Kernel b = Kernel.builder().name("twin:kernel").processors(1).build()) {
            awaitRegistered(new ObjectName("dev.activations:type=Kernel,name=\"twin:kernel\""));
            awaitRegistered(new ObjectName("dev.activations:type=Kernel,name=\"twin:kernel#2\""));
            assertTrue(a != b);
        }
        assertTrue(server.queryNames(new ObjectName("dev.activations:type=Kernel,name=\"twin:kernel*\""), null).isEmpty());
    }

    @Test
    void theSharedKernelIsRegistered() throws Exception {
        Kernel.shared();
        awaitRegistered(new ObjectName("dev.activations:type=Kernel,name=\"shared\""));
    }
}
