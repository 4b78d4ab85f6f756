package dev.sluice.runtime;

import dev.sluice.config.UpstreamConfig;
import dev.sluice.http.SocketAddresses;
import dev.sluice.observe.Metrics;
import io.undertow.server.handlers.proxy.LoadBalancingProxyClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.OptionMap;
import org.xnio.Options;

import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The servers of one upstream and the pooled keep-alive connections to them, on Undertow's
 * {@link LoadBalancingProxyClient}: round-robin, sticky by the cookie's {@code .route}
 * suffix (Tomcat jvmRoute, mod_jk style), a server that refused a connection is tried last
 * until a probe connect succeeds again.
 */
public final class UpstreamPool {
    /** Connections a request may wait for when every pooled connection is busy. */
    private static final int MAX_QUEUE = 1000;
    /** Seconds between connect probes of a server that failed. */
    private static final int PROBLEM_SERVER_RETRY_SECONDS = 5;
    /** Idle pooled connections above the soft maximum are closed after this long. */
    private static final int IDLE_CONNECTION_TTL_MILLIS = 60_000;

    /**
     * Options of every upstream connection. Without TCP_NODELAY a message written in two
     * segments waits for the peer's delayed ACK (40 ms on Linux): a 16 KiB WebSocket round trip
     * took 44 ms instead of under 1 ms.
     */
    private static final OptionMap CONNECTION_OPTIONS = OptionMap.create(Options.TCP_NODELAY, true);
    private static final Logger log = LoggerFactory.getLogger(UpstreamPool.class);

    private final String name;
    private final List<URI> servers;
    /** The servers as the pool knows them: guarded ({@link GuardedHttpClientProvider}), in the order of {@link #servers}. */
    private final List<URI> guarded;
    private final OptionMap connectionOptions;
    private final LoadBalancingProxyClient client;
    private final long connectTimeoutMillis;
    private final long responseTimeoutMillis;

    /**
     * @param servers   the servers' URIs: the configured ones, or a built-in upstream's own address
     * @param ioThreads the proxy's IO thread count; Undertow pools per IO thread
     */
    public UpstreamPool(UpstreamConfig config, List<URI> servers, int ioThreads, Metrics metrics) {
        this.name = config.name();
        this.servers = List.copyOf(servers);
        this.guarded = this.servers.stream().map(uri -> GuardedHttpClientProvider.uriOf(uri.getHost(), uri.getPort())).toList();
        this.connectionOptions = OptionMap.builder().addAll(CONNECTION_OPTIONS)
                .set(GuardedHttpClientProvider.STRAY_BYTES, (server, bytes) -> {
                    metrics.strayBytes(name);
                    log.info("SLU2010 upstream {} server {} sent {} bytes while no request was outstanding;"
                            + " the connection is closed, and no client gets them", name, SocketAddresses.text(server), bytes);
                }).getMap();
        this.connectTimeoutMillis = config.connectTimeout().toMillis();
        this.responseTimeoutMillis = config.responseTimeout().toMillis();
        int perThread = Math.max(1, (config.maxConnectionsPerServer() + ioThreads - 1) / ioThreads);
        client = new LoadBalancingProxyClient()
                .setConnectionsPerThread(perThread)
                .setSoftMaxConnectionsPerThread(Math.max(1, Math.min(perThread, 20)))
                .setMaxQueueSize(MAX_QUEUE)
                .setTtl(IDLE_CONNECTION_TTL_MILLIS)
                .setProblemServerRetry(PROBLEM_SERVER_RETRY_SECONDS);
        if (!config.stickyCookie().equals(UpstreamConfig.DEFAULT_STICKY_COOKIE)) {
            client.removeSessionCookieName(UpstreamConfig.DEFAULT_STICKY_COOKIE);
            client.addSessionCookieName(config.stickyCookie());
        }
        for (int i = 0; i < guarded.size(); i++) {
            String route = config.builtin() != null ? null : config.servers().get(i).route();
            client.addHost(guarded.get(i), route, null, connectionOptions);
        }
    }

    public String name() {
        return name;
    }

    public List<URI> servers() {
        return servers;
    }

    public LoadBalancingProxyClient client() {
        return client;
    }

    /** The options of every connection to this upstream's servers, in the pool or not. */
    OptionMap connectionOptions() {
        return connectionOptions;
    }

    /** How long to wait for a pooled connection, in the unit of {@link #timeoutUnit()}. */
    public long connectTimeout() {
        return connectTimeoutMillis;
    }

    /** How long the response head may take once the request is sent, in the unit of {@link #timeoutUnit()}. */
    public long responseTimeout() {
        return responseTimeoutMillis;
    }

    public TimeUnit timeoutUnit() {
        return TimeUnit.MILLISECONDS;
    }

    /** A connect failure is tried again on another server, until each was tried once. */
    public int maxConnectAttempts() {
        return servers.size();
    }

    public void close() {
        guarded.forEach(client::removeHost);
    }
}
