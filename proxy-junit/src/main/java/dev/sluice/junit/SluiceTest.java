package dev.sluice.junit;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a proxy from a YAML configuration for this test class ({@code @Nested} classes included),
 * or for each of its tests, and injects {@link dev.sluice.Sluice} and {@link SluiceUri @SluiceUri}
 * {@link java.net.URI} parameters into test and lifecycle methods and constructors.
 *
 * <pre>{@code
 * @SluiceTest(config = "sluice-test.yaml")   // upstream url: http://127.0.0.1:${BACKEND_PORT}
 * class ChatTest {
 *     @BeforeAll
 *     static void backend() { System.setProperty("BACKEND_PORT", ...); }
 *
 *     @Test
 *     void chat(@SluiceUri(scheme = "ws", path = "/chat") URI chat) { ... }
 * }
 * }</pre>
 *
 * <p>The proxy starts when first needed: before the first test's {@code @BeforeEach} methods, so
 * after the {@code @BeforeAll} methods, or when a parameter asks for it. It records exchanges and
 * message metadata; each test starts with an empty {@link dev.sluice.Sluice#recording() recording},
 * which a failed test leaves behind as a HAR file, and without the faults earlier tests added at run
 * time (the file's stay); tunnels earlier tests left open are reported, not closed (see the
 * {@link dev.sluice.junit package} description). It closes at once unless the file sets
 * {@code shutdown.drain-timeout}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(SluiceTestExtension.class)
public @interface SluiceTest {
    /**
     * The YAML configuration: a class path resource, else a file. {@code ${VAR}} takes system
     * properties first, then the environment. Listen on {@code 127.0.0.1:0}, and consider
     * {@code access-log: off}. The proxy closes at once (drain timeout 0) unless the file sets
     * {@code shutdown.drain-timeout} itself.
     */
    String config();

    /** One proxy for the class (the default), or one for each test. */
    Lifecycle lifecycle() default Lifecycle.PER_CLASS;

    enum Lifecycle {
        /** Started before the class's first test, closed after its last (and its {@code @Nested} classes'). */
        PER_CLASS,
        /** Started before each test, closed after it: each test sees only its own tunnels and traffic. */
        PER_METHOD
    }
}
