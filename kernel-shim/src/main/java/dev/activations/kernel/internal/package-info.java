/**
 * Not API. Support shared by the kernel shim and the runtime: the JMX beans that publish
 * their {@code stats()} snapshots. The module exports this package only to
 * {@code dev.activations.runtime}; on the class path it is visible but may change without
 * notice.
 *
 * <h2>Contents</h2>
 * <ul>
 *   <li>{@link dev.activations.kernel.internal.SnapshotMBean}: a read-only MBean whose
 *       attributes are the components of record snapshots, plus string-valued
 *       operations.</li>
 *   <li>{@link dev.activations.kernel.internal.Jmx}: registration under unique, quoted
 *       {@code dev.activations:type=...} names, and the switch that turns it off.</li>
 * </ul>
 */
package dev.activations.kernel.internal;
