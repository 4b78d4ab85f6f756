package dev.sluice.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Global limits ({@code limits}).
 *
 * @param maxRequestHeaderSize  bytes of request head a client may send (default 16KiB; more gets 431)
 * @param maxRequestBodySize    bytes of request body (default 10MiB; more gets 413)
 * @param maxTunnels            open tunnels in the whole process (default 50000)
 * @param maxTunnelsPerClient   open tunnels per client IP address (default 256)
 * @param requestHeaderTimeout  time a client has to send a complete request head (default 10s)
 */
public record LimitsConfig(long maxRequestHeaderSize, long maxRequestBodySize, int maxTunnels,
                           int maxTunnelsPerClient, Duration requestHeaderTimeout) {
    public static final LimitsConfig DEFAULTS =
            new LimitsConfig(16 * 1024, 10 * 1024 * 1024, 50_000, 256, Duration.ofSeconds(10));

    public LimitsConfig {
        Objects.requireNonNull(requestHeaderTimeout, "requestHeaderTimeout");
    }
}
