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
 * <p>Before each test a proxy's {@link dev.sluice.Sluice#recording() recording} is emptied (one
 * for the class was used by earlier tests), so it holds this test's traffic. When a test fails
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
