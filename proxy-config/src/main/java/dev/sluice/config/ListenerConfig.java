package dev.sluice.config;

import java.util.Objects;

/**
 * One client-facing listener ({@code listeners[]}): HTTP/1.1, over TLS when {@code tls} is set.
 *
 * @param tls its certificates, protocols and ciphers; null for plain HTTP
 */
public record ListenerConfig(HostPort address, TlsConfig tls) {
    /** Used when the file has no {@code listeners} key. */
    public static final ListenerConfig DEFAULT = new ListenerConfig(new HostPort("127.0.0.1", 8080));

    public ListenerConfig {
        Objects.requireNonNull(address, "address");
    }

    /** A plain HTTP listener. */
    public ListenerConfig(HostPort address) {
        this(address, null);
    }

    /** Whether it speaks TLS. */
    public boolean isTls() {
        return tls != null;
    }

    /** What only a restart can change: the address, and whether it speaks TLS (not its certificates). */
    public String restartKey() {
        return address + (tls == null ? "" : " (tls)");
    }
}
