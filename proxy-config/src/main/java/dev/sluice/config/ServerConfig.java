package dev.sluice.config;

import java.net.URI;
import java.util.Objects;

/**
 * One upstream server ({@code upstreams.NAME.servers[]}).
 *
 * @param url      {@code http://host:port} or {@code https://host:port}; a path, query or fragment is not allowed
 * @param route    Tomcat {@code jvmRoute} of this server for sticky sessions, or null
 * @param weight   its share of round-robin and least-connections, 1 or more (default 1)
 * @param backup   used only when no other server of the upstream is up
 * @param disabled taken out at start or reload, as after a drain through the admin API
 */
public record ServerConfig(URI url, String route, int weight, boolean backup, boolean disabled) {
    public static final int MAX_WEIGHT = 1000;

    public ServerConfig {
        Objects.requireNonNull(url, "url");
        if (weight < 1 || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException("weight must be 1 to " + MAX_WEIGHT + ": " + weight);
        }
    }

    /** A server with weight 1, neither backup nor disabled. */
    public ServerConfig(URI url, String route) {
        this(url, route, 1, false, false);
    }

    /** Whether its URL names a host to look up rather than an IP address. */
    public boolean hostIsName() {
        return !Addresses.isIpLiteral(url.getHost());
    }

    /** Whether connections to it are TLS ({@code https://}). */
    public boolean https() {
        return "https".equals(url.getScheme());
    }

    /** How an operator names this server: its route when it has one, else its URL. */
    public String name() {
        return route != null ? route : url.getHost() + ":" + url.getPort();
    }
}
