package dev.sluice.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@link java.net.URI} parameter that the Sluice extension fills with
 * {@code proxy.uri(scheme, path)}: {@code scheme://127.0.0.1:PORT/path} on the proxy's first listener.
 *
 * <pre>{@code
 * @Test
 * void chat(@SluiceUri(scheme = "ws", path = "/chat") URI chat) { ... }
 * }</pre>
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface SluiceUri {
    /** {@code http}, {@code ws}, or any scheme a client wants to see. */
    String scheme() default "http";

    /** Path (and query) on the proxy, starting with {@code /}. */
    String path() default "/";
}
