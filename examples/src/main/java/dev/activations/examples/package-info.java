/**
 * The README's examples, each a class with a {@code main}: the README's Java code blocks are
 * lines of these files, and {@code ExamplesTest} runs every one of them in {@code mvn verify}.
 *
 * <ul>
 *   <li>{@link dev.activations.examples.QuickStart}: an executor, a thousand sleeping tasks.</li>
 *   <li>{@link dev.activations.examples.HttpServerExample}: the JDK's HTTP server on an
 *       Activations executor.</li>
 *   <li>{@link dev.activations.examples.JettyExample}, {@link dev.activations.examples.TomcatExample}:
 *       Jetty 12 and Tomcat 11 embedded, each request on a Java thread of an Activations executor,
 *       running a JDBC transaction ({@code Orders}: HikariCP over an in-memory H2) for the JDK's
 *       HttpClient ({@code OrderRequests}).</li>
 *   <li>{@link dev.activations.examples.TwoSpaces}: two schedulers of different priority
 *       sharing one kernel's processors.</li>
 *   <li>{@link dev.activations.examples.BlockingExample}: a call that blocks its carrier does not
 *       take the processor with it.</li>
 *   <li>{@link dev.activations.examples.ForkJoinExample}: a fork/join sum on raw user threads.</li>
 *   <li>{@link dev.activations.examples.SyncExample}: a channel and a mutex between raw user
 *       threads.</li>
 * </ul>
 *
 * Run one: {@code mvn -q -pl examples -am -DskipTests verify -Dexample=QuickStart}.
 */
package dev.activations.examples;
