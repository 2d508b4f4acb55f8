package dev.activations.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.activations.kernel.Kernel;
import java.lang.management.ManagementFactory;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The scheduler MBean: registered on build with a unique quoted name, readable, gone on close. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SchedulerMBeanTest {
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    /** Beans are registered in the background the first time (see Jmx): wait for it. */
    private void awaitRegistered(ObjectName name) throws InterruptedException {
        while (!server.isRegistered(name)) {
            Thread.sleep(1);
        }
    }

    @Test
    void registeredOnBuildReadableAndUnregisteredOnClose() throws Exception {
        ObjectName name = new ObjectName("dev.activations:type=Scheduler,kernel=\"mbean-kernel\",name=\"mbean, \\\"quoted\\\"\"");
        try (Kernel k = Kernel.builder().name("mbean-kernel").processors(2).build()) {
            Scheduler s = Scheduler.builder().kernel(k).name("mbean, \"quoted\"").priority(4).build();
            awaitRegistered(name);

            Set<String> attributes = new HashSet<>();
            for (MBeanAttributeInfo a : server.getMBeanInfo(name).getAttributes()) {
                attributes.add(a.getName());
            }
            for (String a : new String[] {"Name", "Kernel", "Policy", "Priority", "LiveThreads", "ReadyThreads", "Workers",
                    "ProcessorsHeld", "Parks", "Steals", "Yields", "Preemptions", "KernelBlocks", "ProcessorsWanted",
                    "ProcessorAdded", "ProcessorPreempted", "ActivationBlocked", "ActivationUnblocked", "Requests"}) {
                assertTrue(attributes.contains(a), "attribute " + a + " in " + attributes);
            }

            for (int i = 0; i < 4; i++) {
                AtomicBoolean released = new AtomicBoolean();
                UserThread t = s.start(() -> {
                    UserThread.yield();
                    while (!released.get()) {
                        UserThread.park();
                    }
                });
                while (t.state() != UserThread.State.PARKED) {
                    Thread.onSpinWait();
                }
                released.set(true);
                t.unpark();
                t.join();
            }
            assertEquals("mbean, \"quoted\"", server.getAttribute(name, "Name"));
            assertEquals("mbean-kernel", server.getAttribute(name, "Kernel"));
            assertEquals("WORK_STEALING", server.getAttribute(name, "Policy"));
            assertEquals(4, server.getAttribute(name, "Priority"));
            assertEquals(4L, server.getAttribute(name, "Started"));
            assertEquals(4L, server.getAttribute(name, "Terminated"));
            assertEquals(0, server.getAttribute(name, "LiveThreads"));
            assertTrue((Long) server.getAttribute(name, "ProcessorAdded") >= 1);
            assertTrue((Long) server.getAttribute(name, "Parks") >= 4, "parks " + server.getAttribute(name, "Parks"));
            assertTrue((Long) server.getAttribute(name, "Yields") >= 4);
            assertEquals(4, server.getAttributes(name, new String[] {"Started", "Parks", "Name", "NoSuchThing"}).size() + 1);

            s.close();
            assertFalse(server.isRegistered(name), "unregistered on close");
        }
    }

    @Test
    void namesakesGetDistinctNamesAndAKernelCloseUnregistersItsSchedulers() throws Exception {
        ObjectName first = new ObjectName("dev.activations:type=Scheduler,kernel=\"twins\",name=\"same\"");
        ObjectName second = new ObjectName("dev.activations:type=Scheduler,kernel=\"twins\",name=\"same#2\"");
        Kernel k = Kernel.builder().name("twins").processors(1).build();
        Scheduler a = Scheduler.builder().kernel(k).name("same").build();
        Scheduler b = Scheduler.builder().kernel(k).name("same").build();
        awaitRegistered(first);
        awaitRegistered(second);
        assertTrue(a != b);
        k.close();
        assertFalse(server.isRegistered(first), "kernelClosed shuts the schedulers down");
        assertFalse(server.isRegistered(second));
        awaitRegistered(new ObjectName("dev.activations:type=Runtime")); // and it stays
    }
}
