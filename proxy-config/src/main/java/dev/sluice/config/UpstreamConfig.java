package dev.sluice.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A named pool of upstream servers ({@code upstreams.NAME}): either {@code servers} or
 * {@code builtin}, never both.
 *
 * @param stickyCookie            cookie whose {@code .route} suffix picks the server (default JSESSIONID)
 * @param connectTimeout          how long a TCP connect to one server may take (default 5s)
 * @param responseTimeout         how long, once the request is sent, the response head may take (default 60s)
 * @param maxConnectionsPerServer pooled HTTP connections per server (default 1000); tunnels do not count
 * @param balance                 how a server is picked when no sticky route decides
 * @param healthCheck             the active health check, or null for none
 * @param tls                     how its {@code https://} servers are trusted, or null when it has none
 *                                ({@link UpstreamTlsConfig#DEFAULT} when https servers come without a tls block)
 */
public record UpstreamConfig(
        String name,
        List<ServerConfig> servers,
        Builtin builtin,
        String stickyCookie,
        Duration connectTimeout,
        Duration responseTimeout,
        int maxConnectionsPerServer,
        Balance balance,
        HealthCheckConfig healthCheck,
        UpstreamTlsConfig tls) {

    public static final String DEFAULT_STICKY_COOKIE = "JSESSIONID";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_MAX_CONNECTIONS_PER_SERVER = 1000;

    public UpstreamConfig {
        Objects.requireNonNull(name, "name");
        servers = List.copyOf(servers);
        Objects.requireNonNull(stickyCookie, "stickyCookie");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(responseTimeout, "responseTimeout");
        Objects.requireNonNull(balance, "balance");
        if ((builtin == null) == servers.isEmpty()) {
            throw new IllegalArgumentException("upstream " + name + " needs either servers or builtin");
        }
        boolean https = servers.stream().anyMatch(ServerConfig::https);
        if (tls != null && !https) {
            throw new IllegalArgumentException("upstream " + name + " has tls but no https:// server");
        }
        if (https && tls == null) {
            tls = UpstreamTlsConfig.DEFAULT;
        }
    }

    /** No TLS settings of its own: https servers are trusted by the JDK's trust store. */
    public UpstreamConfig(String name, List<ServerConfig> servers, Builtin builtin, String stickyCookie,
                          Duration connectTimeout, Duration responseTimeout, int maxConnectionsPerServer,
                          Balance balance, HealthCheckConfig healthCheck) {
        this(name, servers, builtin, stickyCookie, connectTimeout, responseTimeout, maxConnectionsPerServer,
                balance, healthCheck, null);
    }

    /** Round-robin without a health check. */
    public UpstreamConfig(String name, List<ServerConfig> servers, Builtin builtin, String stickyCookie,
                          Duration connectTimeout, Duration responseTimeout, int maxConnectionsPerServer) {
        this(name, servers, builtin, stickyCookie, connectTimeout, responseTimeout, maxConnectionsPerServer,
                Balance.ROUND_ROBIN, null, null);
    }

    /** An upstream of plain servers with every other setting at its default. */
    public static UpstreamConfig of(String name, List<ServerConfig> servers) {
        return new UpstreamConfig(name, servers, null, DEFAULT_STICKY_COOKIE,
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_RESPONSE_TIMEOUT, DEFAULT_MAX_CONNECTIONS_PER_SERVER);
    }

    /** A built-in upstream with every other setting at its default. */
    public static UpstreamConfig builtin(String name, Builtin builtin) {
        return new UpstreamConfig(name, List.of(), builtin, DEFAULT_STICKY_COOKIE,
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_RESPONSE_TIMEOUT, DEFAULT_MAX_CONNECTIONS_PER_SERVER);
    }
}
