package dev.sluice.config;

import java.util.Objects;

/**
 * One client-facing listener ({@code listeners[]}): HTTP/1.1, and HTTP/2 when asked.
 *
 * @param address where it listens
 * @param http2   HTTP/2 on it (h2c), or null for HTTP/1.1 only
 */
public record ListenerConfig(HostPort address, Http2Config http2) {
    /** Used when the file has no {@code listeners} key. */
    public static final ListenerConfig DEFAULT = new ListenerConfig(new HostPort("127.0.0.1", 8080));

    public ListenerConfig {
        Objects.requireNonNull(address, "address");
    }

    /** An HTTP/1.1 listener. */
    public ListenerConfig(HostPort address) {
        this(address, null);
    }
}
