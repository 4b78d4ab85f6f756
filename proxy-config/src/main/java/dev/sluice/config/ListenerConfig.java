package dev.sluice.config;

import java.time.Duration;
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
 * @param hsts          on a TLS listener, the {@code max-age} of the {@code Strict-Transport-Security}
 *                      header every response on it gets (replacing an upstream's); null: none
 * @param redirectToHttps on a plain listener, the HTTPS port every request on it is redirected to
 *                      (308, same host, path and query; nothing is proxied); null: it proxies
 */
public record ListenerConfig(HostPort address, TlsConfig tls, Http2Config http2, boolean proxyProtocol,
                             Duration hsts, Integer redirectToHttps) {
    /** The longest {@code hsts} (ten years; browsers cap it lower anyway). */
    public static final Duration MAX_HSTS = Duration.ofDays(3650);

    /** Used when the file has no {@code listeners} key. */
    public static final ListenerConfig DEFAULT = new ListenerConfig(new HostPort("127.0.0.1", 8080));

    public ListenerConfig {
        Objects.requireNonNull(address, "address");
        if (hsts != null) {
            if (tls == null) {
                throw new IllegalArgumentException("hsts is for a TLS listener (a browser ignores"
                        + " Strict-Transport-Security over plain HTTP)");
            }
            if (hsts.isNegative() || hsts.compareTo(MAX_HSTS) > 0) {
                throw new IllegalArgumentException("hsts " + hsts + " is out of range (0s..3650d)");
            }
        }
        if (redirectToHttps != null) {
            if (tls != null) {
                throw new IllegalArgumentException("redirect-to-https is for a plain listener (this one has tls)");
            }
            if (redirectToHttps < 1 || redirectToHttps > 65535) {
                throw new IllegalArgumentException("redirect-to-https " + redirectToHttps + " is not a port (1..65535)");
            }
        }
    }

    /** Without {@code hsts} or {@code redirect-to-https}. */
    public ListenerConfig(HostPort address, TlsConfig tls, Http2Config http2, boolean proxyProtocol) {
        this(address, tls, http2, proxyProtocol, null, null);
    }

    /** A plain HTTP/1.1 listener. */
    public ListenerConfig(HostPort address) {
        this(address, null, null, false);
    }

    /** This listener with {@code hsts: maxAge} (a TLS listener). */
    public ListenerConfig withHsts(Duration maxAge) {
        return new ListenerConfig(address, tls, http2, proxyProtocol, maxAge, redirectToHttps);
    }

    /** This listener answering every request with a redirect to HTTPS on {@code port} (a plain listener). */
    public ListenerConfig withRedirectToHttps(int port) {
        return new ListenerConfig(address, tls, http2, proxyProtocol, hsts, port);
    }

    /** Whether it speaks TLS. */
    public boolean isTls() {
        return tls != null;
    }
}
