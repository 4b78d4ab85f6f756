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
 * @param resolveInterval         how often the host names of its server URLs are looked up again, each
 *                                address becoming a server of its own; null: each name is looked up once
 *                                when the configuration is loaded and is one server
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
        Duration resolveInterval,
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
        if (resolveInterval != null) {
            if (builtin != null || resolveInterval.isNegative() || resolveInterval.isZero()) {
                throw new IllegalArgumentException("upstream " + name + ": resolve-interval is a positive duration,"
                        + " for an upstream of servers");
            }
            for (ServerConfig server : servers) {
                if (server.route() != null && server.hostIsName()) {
                    throw new IllegalArgumentException("upstream " + name + ": " + server.url() + " " + ROUTE_WITH_NAME);
                }
            }
        }
        boolean https = servers.stream().anyMatch(ServerConfig::https);
        if (tls != null && !https) {
            throw new IllegalArgumentException("upstream " + name + " has tls but no https:// server");
        }
        if (https && tls == null) {
            tls = UpstreamTlsConfig.DEFAULT;
        }
    }

    /**
     * Why a route on a server whose name is resolved into several servers is refused: a jvmRoute
     * names one Tomcat, and the addresses of one name are as many Tomcats.
     */
    static final String ROUTE_WITH_NAME = "has a route, but with resolve-interval its host name becomes one server"
            + " per address, and one jvmRoute cannot name them all (remove route: each address is then balanced"
            + " without stickiness; for sticky sessions list each Tomcat with its own url and route)";

    /** Without resolve-interval, and no TLS settings of its own (https servers trust the JDK's trust store). */
    public UpstreamConfig(String name, List<ServerConfig> servers, Builtin builtin, String stickyCookie,
                          Duration connectTimeout, Duration responseTimeout, int maxConnectionsPerServer,
                          Balance balance, HealthCheckConfig healthCheck) {
        this(name, servers, builtin, stickyCookie, connectTimeout, responseTimeout, maxConnectionsPerServer, balance,
                healthCheck, null, null);
    }

    /** This upstream with its host names looked up again every {@code interval} (null: once per load). */
    public UpstreamConfig withResolveInterval(Duration interval) {
        return new UpstreamConfig(name, servers, builtin, stickyCookie, connectTimeout, responseTimeout,
                maxConnectionsPerServer, balance, healthCheck, interval, tls);
    }

    /** Round-robin without a health check. */
    public UpstreamConfig(String name, List<ServerConfig> servers, Builtin builtin, String stickyCookie,
                          Duration connectTimeout, Duration responseTimeout, int maxConnectionsPerServer) {
        this(name, servers, builtin, stickyCookie, connectTimeout, responseTimeout, maxConnectionsPerServer,
                Balance.ROUND_ROBIN, null);
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
