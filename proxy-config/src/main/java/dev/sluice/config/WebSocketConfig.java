package dev.sluice.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * WebSocket settings of one route ({@code routes[].websocket}).
 *
 * @param enabled          whether upgrades are tunnelled on this route (default true; false answers 403)
 * @param idleTimeout      no byte either way for this long closes the tunnel (default 1h)
 * @param halfCloseTimeout after one side sent FIN, how long the other may go on (default 30s)
 * @param allowedOrigins   exact {@code Origin} values allowed to open a tunnel; empty means any
 * @param maxTunnels       open tunnels allowed on this route (default 10000)
 */
public record WebSocketConfig(
        boolean enabled,
        Duration idleTimeout,
        Duration halfCloseTimeout,
        List<String> allowedOrigins,
        int maxTunnels) {

    public static final WebSocketConfig DEFAULTS =
            new WebSocketConfig(true, Duration.ofHours(1), Duration.ofSeconds(30), List.of(), 10_000);

    public WebSocketConfig {
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(halfCloseTimeout, "halfCloseTimeout");
        allowedOrigins = List.copyOf(allowedOrigins);
    }
}
