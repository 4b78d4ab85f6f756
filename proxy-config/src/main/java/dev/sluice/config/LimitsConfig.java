package dev.sluice.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Global limits ({@code limits}). Build a variation in code from {@link #DEFAULTS} with the
 * {@code with...} methods, e.g. {@code LimitsConfig.DEFAULTS.withMaxTunnelsPerClient(2)}.
 *
 * @param maxRequestHeaderSize  bytes of request head a client may send (default 16KiB; more gets 431)
 * @param maxRequestBodySize    bytes of request body (default 10MiB; more gets 413)
 * @param maxTunnels            open tunnels in the whole process (default 50000)
 * @param maxTunnelsPerClient   open tunnels per client IP address; 0 = no limit (the default: behind
 *                              NAT or an L7 balancer one address carries a whole site), see
 *                              {@link #tunnelsPerClientLimited()}
 * @param requestHeaderTimeout  time a client has to send a complete request head (default 10s)
 * @param requestBodyBuffer     bytes of request body read whole before an upstream connection is
 *                              taken, so a slow upload does not hold one (default 64KiB); 0 = never
 *                              buffer. It may exceed {@code maxRequestBodySize}: then every allowed
 *                              body is buffered
 * @param requestBodyTimeout    longest gap between two reads of a request body (default 60s; as
 *                              nginx's {@code client_body_timeout}). Never zero: like nginx, there
 *                              is no "off", only a long value
 * @param sendTimeout           longest a write to the client may stall (default 60s; as nginx's
 *                              {@code send_timeout}). Never zero, likewise
 */
public record LimitsConfig(long maxRequestHeaderSize, long maxRequestBodySize, int maxTunnels,
                           int maxTunnelsPerClient, Duration requestHeaderTimeout, long requestBodyBuffer,
                           Duration requestBodyTimeout, Duration sendTimeout) {
    public static final LimitsConfig DEFAULTS = new LimitsConfig(16 * 1024, 10 * 1024 * 1024, 50_000, 0,
            Duration.ofSeconds(10), 64 * 1024, Duration.ofSeconds(60), Duration.ofSeconds(60));

    public LimitsConfig {
        Objects.requireNonNull(requestHeaderTimeout, "requestHeaderTimeout");
        Objects.requireNonNull(requestBodyTimeout, "requestBodyTimeout");
        Objects.requireNonNull(sendTimeout, "sendTimeout");
        if (maxTunnelsPerClient < 0 || requestBodyBuffer < 0) {
            throw new IllegalArgumentException("maxTunnelsPerClient and requestBodyBuffer are 0 or more");
        }
        if (!positive(requestHeaderTimeout) || !positive(requestBodyTimeout) || !positive(sendTimeout)) {
            throw new IllegalArgumentException("timeouts are longer than 0 (there is no \"off\")");
        }
    }

    private static boolean positive(Duration d) {
        return !d.isNegative() && !d.isZero(); // Duration.isPositive() is Java 18
    }

    /** Whether {@link #maxTunnelsPerClient()} applies at all (it is 0, "off", by default). */
    public boolean tunnelsPerClientLimited() {
        return maxTunnelsPerClient > 0;
    }

    public LimitsConfig withMaxRequestHeaderSize(long bytes) {
        return new LimitsConfig(bytes, maxRequestBodySize, maxTunnels, maxTunnelsPerClient, requestHeaderTimeout,
                requestBodyBuffer, requestBodyTimeout, sendTimeout);
    }

    public LimitsConfig withMaxRequestBodySize(long bytes) {
        return new LimitsConfig(maxRequestHeaderSize, bytes, maxTunnels, maxTunnelsPerClient, requestHeaderTimeout,
                requestBodyBuffer, requestBodyTimeout, sendTimeout);
    }

    public LimitsConfig withMaxTunnels(int tunnels) {
        return new LimitsConfig(maxRequestHeaderSize, maxRequestBodySize, tunnels, maxTunnelsPerClient,
                requestHeaderTimeout, requestBodyBuffer, requestBodyTimeout, sendTimeout);
    }

    /** @param tunnels open tunnels per client address, 0 for no limit */
    public LimitsConfig withMaxTunnelsPerClient(int tunnels) {
        return new LimitsConfig(maxRequestHeaderSize, maxRequestBodySize, maxTunnels, tunnels, requestHeaderTimeout,
                requestBodyBuffer, requestBodyTimeout, sendTimeout);
    }

    public LimitsConfig withRequestHeaderTimeout(Duration timeout) {
        return new LimitsConfig(maxRequestHeaderSize, maxRequestBodySize, maxTunnels, maxTunnelsPerClient, timeout,
                requestBodyBuffer, requestBodyTimeout, sendTimeout);
    }

    /** @param bytes bodies up to this size are read whole first, 0 for never */
    public LimitsConfig withRequestBodyBuffer(long bytes) {
        return new LimitsConfig(maxRequestHeaderSize, maxRequestBodySize, maxTunnels, maxTunnelsPerClient,
                requestHeaderTimeout, bytes, requestBodyTimeout, sendTimeout);
    }

    public LimitsConfig withRequestBodyTimeout(Duration timeout) {
        return new LimitsConfig(maxRequestHeaderSize, maxRequestBodySize, maxTunnels, maxTunnelsPerClient,
                requestHeaderTimeout, requestBodyBuffer, timeout, sendTimeout);
    }

    public LimitsConfig withSendTimeout(Duration timeout) {
        return new LimitsConfig(maxRequestHeaderSize, maxRequestBodySize, maxTunnels, maxTunnelsPerClient,
                requestHeaderTimeout, requestBodyBuffer, requestBodyTimeout, timeout);
    }
}
