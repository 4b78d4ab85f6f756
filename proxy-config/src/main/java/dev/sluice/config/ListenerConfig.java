package dev.sluice.config;

import java.util.Objects;

/**
 * One client-facing listener ({@code listeners[]}). Plain HTTP/1.1 for now.
 *
 * @param address       where it listens
 * @param proxyProtocol whether each connection starts with a PROXY protocol header (v1 or v2) from
 *                      a balancer in {@code trusted-proxies}; the address it carries is then the
 *                      client's. A connection without a valid header, or from any other peer, is
 *                      closed without an answer
 */
public record ListenerConfig(HostPort address, boolean proxyProtocol) {
    /** Used when the file has no {@code listeners} key. */
    public static final ListenerConfig DEFAULT = new ListenerConfig(new HostPort("127.0.0.1", 8080));

    public ListenerConfig {
        Objects.requireNonNull(address, "address");
    }

    /** A plain listener: no PROXY protocol. */
    public ListenerConfig(HostPort address) {
        this(address, false);
    }
}
