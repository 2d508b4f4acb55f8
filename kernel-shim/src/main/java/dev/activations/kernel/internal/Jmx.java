package dev.activations.kernel.internal;

import java.lang.management.ManagementFactory;
import java.util.concurrent.ConcurrentHashMap;
import javax.management.DynamicMBean;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Registers the project's MBeans in the platform MBean server under
 * {@code dev.activations:type=<type>[,kernel="<kernel>"][,name="<name>"]}, values quoted with
 * {@link ObjectName#quote}. Names given by users may repeat (two kernels named "k", the
 * default scheduler name on two kernels of the same name): the second gets
 * {@code name="<name>#2"}, and so on, so registration never fails on a duplicate.
 *
 * <p>Observability must never break the program: with
 * {@code -Ddev.activations.jmx=false}, or when the MBean server refuses (a security
 * manager, a server that is shutting down), nothing is registered and nothing is thrown.
 *
 * <p>Thread-safety: {@link #register} and {@link #unregister} may race for different owners;
 * for one owner they are called by its constructor and its {@code close()}, in that order.
 */
public final class Jmx {
    /** The ObjectName domain of every bean here. */
    public static final String DOMAIN = "dev.activations";
    /** System property; {@code false} turns registration off. */
    public static final String ENABLED_PROPERTY = "dev.activations.jmx";

    /** Owner (a kernel, a scheduler) → the name its bean got. */
    private static final ConcurrentHashMap<Object, ObjectName> REGISTERED = new ConcurrentHashMap<>();

    private Jmx() {
    }

    /**
     * Registers {@code bean} for {@code owner}. Returns the name it got, or null when
     * registration is off or was refused.
     *
     * @param kernel the {@code kernel} key (the kernel a scheduler is attached to), or null
     * @param name   the {@code name} key, or null for a singleton bean of its type
     */
    public static ObjectName register(Object owner, String type, String kernel, String name, DynamicMBean bean) {
        if ("false".equalsIgnoreCase(System.getProperty(ENABLED_PROPERTY))) {
            return null;
        }
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            String prefix = DOMAIN + ":type=" + type + (kernel == null ? "" : ",kernel=" + ObjectName.quote(kernel));
            for (int n = 1; ; n++) {
                if (name == null && n > 1) {
                    return null; // a singleton that is registered already
                }
                ObjectName on = new ObjectName(name == null ? prefix
                        : prefix + ",name=" + ObjectName.quote(n == 1 ? name : name + "#" + n));
                try {
                    server.registerMBean(bean, on);
                    REGISTERED.put(owner, on);
                    return on;
                } catch (InstanceAlreadyExistsException taken) {
                    // a namesake holds it: try the next suffix
                }
            }
        } catch (JMException | SecurityException e) {
            return null;
        }
    }

    /** Unregisters {@code owner}'s bean, if it has one. Idempotent. */
    public static void unregister(Object owner) {
        ObjectName on = REGISTERED.remove(owner);
        if (on == null) {
            return;
        }
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(on);
        } catch (JMException | SecurityException e) {
            // already gone (someone unregistered it by hand): nothing left to do
        }
    }

    /** The name of {@code owner}'s bean, or null if it has none. */
    public static ObjectName nameOf(Object owner) {
        return REGISTERED.get(owner);
    }
}
