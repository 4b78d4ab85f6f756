/**
 * JUnit 5 support: a Sluice proxy per test class or per test, injected into tests, with a HAR
 * file of its traffic left behind when a test fails.
 * <ul>
 * <li>{@link dev.sluice.junit.SluiceExtension}: {@code @RegisterExtension}, configured in code
 *     ({@code Sluice.builder()}) or from YAML; a static field is per class, an instance field per test.</li>
 * <li>{@link dev.sluice.junit.SluiceTest}: the annotation, configured from YAML.</li>
 * <li>{@link dev.sluice.junit.SluiceUri}: marks a {@link java.net.URI} parameter to fill with the proxy's URI.</li>
 * </ul>
 *
 * <p>Before each test a proxy for the class (one that earlier tests used) is readied for it: its
 * {@link dev.sluice.Sluice#recording() recording} is emptied, so it holds this test's traffic; the
 * faults added at run time (Java API, {@code POST /faults}) are switched off, so that a fault a
 * failed test left on cannot fail the next (the configuration's faults stay), and their names are
 * published as the report entry {@code sluice.faults-removed}; the tunnels still open are listed
 * (id, route, client, upstream, age) as the report entry {@code sluice.open-tunnels} and on
 * standard error. Those tunnels are left open, not closed: a class may share a connection between
 * its tests on purpose; close them in an {@code @AfterEach} method (or call
 * {@code proxy.faults().resetTunnels()}) for a clean slate. When a test fails
 * (an aborted one does not count), that recording is written as a HAR file to
 * {@code target/sluice/<test class>/<test method>.har}, {@code class.har} for a failed
 * {@code @BeforeAll} or {@code @AfterAll}; the file's path is published as the report entry
 * {@code sluice.har} and printed in one line on standard error. The directory is the JUnit
 * configuration parameter or system property {@code sluice.har.dir}. A browser's developer tools
 * open the file (Network tab, import HAR). An exchange is recorded when it completes, just after
 * the client has the answer: a test that fails at once may leave its very last exchange out.
 *
 * <p>This module is the only one that depends on JUnit; proxy-core has no JUnit at run time.
 */
package dev.sluice.junit;
