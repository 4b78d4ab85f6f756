package dev.sluice.config;

import java.util.Objects;

/**
 * One client-facing listener ({@code listeners[]}): HTTP/1.1, over TLS when {@code tls} is set,
 * and HTTP/2 too when {@code http2} is.
 *
 * @param address       where it listens
 * @param tls           its certificates, protocols and ciphers; null for plain HTTP
 * @param http2         HTTP/2 on it (h2 by ALPN over TLS, h2c on a plain one), or null for HTTP/1.1 only
 * @param proxyProtocol whether each connection starts with a PROXY protocol header (v1 or v2) from
 *                      a balancer in {@code trusted-proxies}; the address it carries is then the
 *                      client's. A connection without a valid header, or from any other peer, is
 *                      closed without an answer. Not yet with {@code tls} or {@code http2}
 */
public record ListenerConfig(HostPort address, TlsConfig tls, Http2Config http2, boolean proxyProtocol) {
    /** Used when the file has no {@code listeners} key. */
    public static final ListenerConfig DEFAULT = new ListenerConfig(new HostPort("127.0.0.1", 8080));

    public ListenerConfig {
        Objects.requireNonNull(address, "address");
    }

    /** A plain HTTP/1.1 listener. */
    public ListenerConfig(HostPort address) {
        this(address, null, null, false);
    }

    /** Whether it speaks TLS. */
    public boolean isTls() {
        return tls != null;
    }

    /** What only a restart can change: the address, whether it speaks TLS (not its certificates), HTTP/2, PROXY. */
    public String restartKey() {
        return address + (tls == null ? "" : " (tls)") + (http2 == null ? "" : " (http2 " + http2.maxConcurrentStreams() + ")")
                + (proxyProtocol ? " (proxy-protocol)" : "");
    }
}
