package dev.activations.kernel.internal;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * <h2>Never on the caller's critical path</h2>
 * Creating the platform MBean server loads and registers the JDK's own platform beans: about
 * 0.1 s on a fast machine, a second on a small loaded one. Building the first kernel must not
 * pay that, so the first {@link #register} starts one daemon thread,
 * {@code activations-jmx}, that creates the server and registers everything requested so
 * far, in request order; it then exits, and later registrations happen at once on the
 * caller (a few reflective calls). An owner closed before its turn is simply dropped.
 *
 * <p><b>Nothing left running.</b> {@link #unregister} (an owner closing) waits for
 * {@code activations-jmx} to end if it still runs, so that a program that closes everything it
 * built has no thread of ours left, even one that closes within the server's start-up. Only the
 * first close in a JVM may wait (for that start-up); none waits on the building path.
 *
 * <p>Observability must never break the program: with
 * {@code -Ddev.activations.jmx=false}, or when the MBean server cannot be had (a security
 * manager, a JVM without the management module), nothing is registered and nothing is
 * thrown.
 *
 * <p>All state is guarded by {@link #LOCK}. Registration calls into the MBean server under
 * it, which calls back only into {@link DynamicMBean#getMBeanInfo}, never into this class.
 */
public final class Jmx {
    /** The ObjectName domain of every bean here. */
    private static final String DOMAIN = "dev.activations";
    /** System property; {@code false} turns registration off. */
    private static final String ENABLED_PROPERTY = "dev.activations.jmx";

    private record Request(String type, String kernel, String name, DynamicMBean bean) {
    }

    private static final Object LOCK = new Object();
    /** LOCK: the platform server once {@code activations-jmx} has it, else null. */
    private static MBeanServer server;
    /** LOCK: the server could not be had; register nothing, ever. */
    private static boolean unavailable;
    /** LOCK: {@code activations-jmx} once started (it may have ended since), else null. */
    private static Thread connector;
    /** LOCK: requests made before the server was ready, in request order. */
    private static final Map<Object, Request> PENDING = new LinkedHashMap<>();
    /** LOCK: owner (a kernel, a scheduler) → the name its bean got. */
    private static final Map<Object, ObjectName> REGISTERED = new HashMap<>();

    private Jmx() {
    }

    /**
     * Registers {@code bean} for {@code owner}, now or (the first time) shortly, from
     * {@code activations-jmx}.
     *
     * @param kernel the {@code kernel} key (the kernel a scheduler is attached to), or null
     * @param name   the {@code name} key, or null for a singleton bean of its type
     */
    public static void register(Object owner, String type, String kernel, String name, DynamicMBean bean) {
        if ("false".equalsIgnoreCase(System.getProperty(ENABLED_PROPERTY))) {
            return;
        }
        Request r = new Request(type, kernel, name, bean);
        synchronized (LOCK) {
            if (unavailable) {
                return;
            }
            if (server != null) {
                registerLocked(owner, r);
                return;
            }
            PENDING.put(owner, r);
            if (connector == null) {
                connector = new Thread(Jmx::connect, "activations-jmx");
                connector.setDaemon(true);
                connector.start();
            }
        }
    }

    /**
     * Unregisters {@code owner}'s bean, or drops its pending request; then waits for
     * {@code activations-jmx} to end if it still runs (see the class comment). Idempotent.
     */
    public static void unregister(Object owner) {
        Thread c;
        synchronized (LOCK) {
            c = connector;
            PENDING.remove(owner);
            ObjectName on = REGISTERED.remove(owner);
            if (on != null) {
                try {
                    server.unregisterMBean(on);
                } catch (JMException | SecurityException e) {
                    // already gone (someone unregistered it by hand): nothing left to do
                }
            }
        }
        if (c != null && c != Thread.currentThread()) {
            awaitEnd(c); // outside LOCK, which it takes to finish
        }
    }

    /** Waits for {@code t} to end; an interrupt meanwhile is kept for the caller. */
    private static void awaitEnd(Thread t) {
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Body of {@code activations-jmx}: get the server, then register what is pending. */
    private static void connect() {
        MBeanServer s;
        try {
            s = ManagementFactory.getPlatformMBeanServer();
        } catch (RuntimeException | Error e) {
            s = null;
        }
        synchronized (LOCK) {
            if (s == null) {
                unavailable = true;
                PENDING.clear();
                return;
            }
            server = s;
            for (Map.Entry<Object, Request> p : PENDING.entrySet()) {
                registerLocked(p.getKey(), p.getValue());
            }
            PENDING.clear();
        }
    }

    /** Caller holds LOCK and {@code server} is set. */
    private static void registerLocked(Object owner, Request r) {
        assert Thread.holdsLock(LOCK) && server != null;
        try {
            String prefix = DOMAIN + ":type=" + r.type() + (r.kernel() == null ? "" : ",kernel=" + ObjectName.quote(r.kernel()));
            for (int n = 1; ; n++) {
                if (r.name() == null && n > 1) {
                    return; // a singleton that is registered already
                }
                ObjectName on = new ObjectName(r.name() == null ? prefix
                        : prefix + ",name=" + ObjectName.quote(n == 1 ? r.name() : r.name() + "#" + n));
                try {
                    server.registerMBean(r.bean(), on);
                    REGISTERED.put(owner, on);
                    return;
                } catch (InstanceAlreadyExistsException taken) {
                    // a namesake holds it: try the next suffix
                }
            }
        } catch (JMException | SecurityException e) {
            // refused: this owner goes without a bean
        }
    }
}
