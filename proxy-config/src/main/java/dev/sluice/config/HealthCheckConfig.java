package dev.sluice.config;

import java.time.Duration;

/**
 * An upstream's active health check ({@code upstreams.NAME.health-check}), HAProxy's rise and
 * fall: a server is marked down after {@code unhealthy} failed checks in a row and up again after
 * {@code healthy} good ones. Exactly one of {@code path} and {@code websocket} is set.
 *
 * @param path      an HTTP GET of this path; a 2xx or 3xx answer is healthy
 * @param websocket a WebSocket handshake to this path; a valid 101 (right Sec-WebSocket-Accept) is healthy
 * @param interval  time between two checks of one server
 * @param timeout   how long one check may take, connect included
 */
public record HealthCheckConfig(String path, String websocket, Duration interval, Duration timeout,
                                int healthy, int unhealthy) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    public static final int DEFAULT_HEALTHY = 2;
    public static final int DEFAULT_UNHEALTHY = 3;

    public HealthCheckConfig {
        if ((path == null) == (websocket == null)) {
            throw new IllegalArgumentException("a health check needs either path or websocket");
        }
        if (healthy < 1 || unhealthy < 1) {
            throw new IllegalArgumentException("healthy and unhealthy must be 1 or more");
        }
    }

    /** An HTTP check of {@code path} with every other setting at its default. */
    public static HealthCheckConfig http(String path) {
        return new HealthCheckConfig(path, null, DEFAULT_INTERVAL, DEFAULT_TIMEOUT, DEFAULT_HEALTHY, DEFAULT_UNHEALTHY);
    }

    /** The path a check asks for, whichever kind it is. */
    public String target() {
        return path != null ? path : websocket;
    }
}
