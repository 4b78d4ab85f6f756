/**
 * JUnit 5 support: a Sluice proxy per test class or per test, injected into tests, with a HAR
 * file of its traffic left behind when a test fails.
 * <ul>
 * <li>{@link dev.sluice.junit.SluiceExtension}: {@code @RegisterExtension}, configured in code
 *     ({@code Sluice.builder()}) or from YAML; a static field is per class, an instance field per test.</li>
 * <li>{@link dev.sluice.junit.SluiceTest}: the annotation, configured from YAML.</li>
 * <li>{@link dev.sluice.junit.SluiceUri}: marks a {@link java.net.URI} parameter to fill with the proxy's URI.</li>
 * </ul>
 * This module is the only one that depends on JUnit; proxy-core has no JUnit at run time.
 */
package dev.sluice.junit;
