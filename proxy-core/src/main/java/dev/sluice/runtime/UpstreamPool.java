package dev.sluice.runtime;

import dev.sluice.config.ServerConfig;
import dev.sluice.config.UpstreamConfig;
import dev.sluice.http.SocketAddresses;
import dev.sluice.observe.Metrics;
import dev.sluice.upstream.Server;
import dev.sluice.upstream.ServerBook;
import dev.sluice.upstream.CheckConnection;
import dev.sluice.upstream.HealthChecks;
import dev.sluice.upstream.ServerChoice;
import io.undertow.connector.ByteBufferPool;
import io.undertow.client.UndertowClient;
import io.undertow.server.handlers.proxy.ConnectionPoolManager;
import io.undertow.server.handlers.proxy.ProxyConnectionPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.XnioWorker;

import javax.net.ssl.X509ExtendedTrustManager;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The servers of one upstream, how one is chosen ({@link ServerChoice}), and a pool of
 * keep-alive connections to each: Undertow's {@link ProxyConnectionPool}, used as a pool only
 * (Sluice, not the pool, decides whether a server is fit for traffic).
 */
public final class UpstreamPool {
    /** Connections a request may wait for when every pooled connection is busy. */
    private static final int MAX_QUEUE = 1000;
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
    private final UpstreamConfig config;
    private final List<Server> servers;
    /** The server configurations of this snapshot, in the order of {@link #servers}; told to them at {@link #commit}. */
    private final List<ServerConfig> serverConfigs;
    private final ProxyConnectionPool[] pools;
    /** Each server's address as this snapshot resolved it. */
    private final InetSocketAddress[] addresses;
    private final OptionMap[] connectionOptions;
    private final ServerChoice choice;
    /** The active health checks, or null when the upstream has none. */
    private final HealthChecks<Server> checks;
    private boolean checking;
    private final long connectTimeoutMillis;
    private final long responseTimeoutMillis;

    /**
     * @param serverConfigs the configured servers, or for a built-in upstream its own address
     * @param worker        whose IO threads the pools (one per thread, as Undertow pools) and the checks use
     * @param trust         whom its https servers are trusted by (and their names checked), or null when it has none
     */
    public UpstreamPool(UpstreamConfig config, List<ServerConfig> serverConfigs, ServerBook book, XnioWorker worker,
                        ByteBufferPool buffers, Metrics metrics, X509ExtendedTrustManager trust) {
        int ioThreads = worker.getIoThreadCount();
        this.name = config.name();
        this.config = config;
        this.serverConfigs = List.copyOf(serverConfigs);
        this.connectTimeoutMillis = config.connectTimeout().toMillis();
        this.responseTimeoutMillis = config.responseTimeout().toMillis();
        int perThread = Math.max(1, (config.maxConnectionsPerServer() + ioThreads - 1) / ioThreads);
        PoolSettings settings = new PoolSettings(perThread, Math.max(1, Math.min(perThread, 20)));
        List<Server> list = new ArrayList<>();
        pools = new ProxyConnectionPool[serverConfigs.size()];
        addresses = new InetSocketAddress[serverConfigs.size()];
        connectionOptions = new OptionMap[serverConfigs.size()];
        CheckConnection[] checkConnections = new CheckConnection[serverConfigs.size()];
        UpstreamTls tls = trust == null ? null : new UpstreamTls(trust, worker.getXnio());
        for (int i = 0; i < serverConfigs.size(); i++) {
            ServerConfig serverConfig = serverConfigs.get(i);
            Server server = book.server(name, serverConfig);
            list.add(server);
            OptionMap tlsOptions = serverTls(serverConfig, tls);
            checkConnections[i] = tlsOptions.size() == 0 ? CheckConnection.PLAIN
                    : new CheckConnection(GuardedHttpClientProvider.SCHEME, OptionMap.builder().addAll(tlsOptions)
                    .set(GuardedHttpClientProvider.HEAD_GUARD, false).getMap());
            connectionOptions[i] = OptionMap.builder().addAll(CONNECTION_OPTIONS).addAll(tlsOptions)
                    .set(GuardedHttpClientProvider.STRAY_BYTES, (address, bytes) -> {
                        metrics.strayBytes(name);
                        log.info("SLU2010 upstream {} server {} sent {} bytes while no request was outstanding;"
                                + " the connection is closed, and no client gets them", name, SocketAddresses.text(address), bytes);
                    })
                    .set(GuardedHttpClientProvider.CONNECT_FAILED, reason -> server.failed(Server.Failure.CONNECT, reason))
                    .getMap();
            addresses[i] = server.resolve();
            // by address: the connection never looks the name up (see GuardedHttpClientProvider)
            String host = addresses[i].isUnresolved() ? addresses[i].getHostString() : addresses[i].getAddress().getHostAddress();
            pools[i] = new ProxyConnectionPool(settings, GuardedHttpClientProvider.uriOf(host, addresses[i].getPort()),
                    UndertowClient.getInstance(), connectionOptions[i]);
        }
        this.servers = List.copyOf(list);
        this.choice = new ServerChoice(servers, config.balance());
        this.checks = config.healthCheck() == null ? null : new HealthChecks<>(config.healthCheck(), servers, worker,
                buffers, (server, up, count, last) -> server.checked(up, count, last.reason()),
                server -> checkConnections[servers.indexOf(server)]);
    }

    /** For an https server, TLS named as its URL names it (with TCP_NODELAY, for its checks); for a plain one, nothing. */
    private OptionMap serverTls(ServerConfig server, UpstreamTls tls) {
        if (!server.https()) {
            return OptionMap.EMPTY;
        }
        if (tls == null) {
            throw new IllegalArgumentException("upstream " + name + " has https servers and no TLS context");
        }
        return OptionMap.builder().addAll(CONNECTION_OPTIONS).set(GuardedHttpClientProvider.TLS,
                new ServerTls(tls, server.url().getHost(), server.url().getPort(), connectTimeoutMillis)).getMap();
    }

    public String name() {
        return name;
    }

    public UpstreamConfig config() {
        return config;
    }

    /** The servers in the order the file names them. */
    public List<Server> servers() {
        return servers;
    }

    ServerChoice choice() {
        return choice;
    }

    /** The pool of connections to this server of the upstream. */
    ProxyConnectionPool poolOf(Server server) {
        return pools[servers.indexOf(server)];
    }

    /** The options of every connection to this server, in the pool or not. */
    OptionMap connectionOptions(Server server) {
        return connectionOptions[servers.indexOf(server)];
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

    /**
     * This snapshot is now in force: its servers take the settings it gives them (weight, backup,
     * disabled), and its health checks start (or, without any, no server stays down by an old check).
     */
    public synchronized void commit() {
        for (int i = 0; i < servers.size(); i++) {
            servers.get(i).reconfigure(serverConfigs.get(i), addresses[i]);
            if (checks == null) {
                servers.get(i).checked(true, 0, null);
            }
        }
        if (checks != null && !checking) {
            checking = true;
            checks.start();
        }
    }

    /** No more checks from this pool (a reload replaced it); its connections stay a while for requests in flight. */
    public synchronized void stopChecks() {
        if (checks != null) {
            checks.stop();
        }
    }

    public void close() {
        stopChecks();
        for (ProxyConnectionPool pool : pools) {
            pool.close();
        }
    }

    /**
     * What the pool asks of its manager. The pool's own notion of a failed server (stop using it,
     * probe it every few seconds) is switched off: the server's {@link Server#state()} decides.
     */
    private record PoolSettings(int perThread, int softMaxPerThread) implements ConnectionPoolManager {
        @Override
        public boolean isAvailable() {
            return true;
        }

        @Override
        public boolean handleError() {
            return true;
        }

        @Override
        public boolean clearError() {
            return true;
        }

        @Override
        public int getProblemServerRetry() {
            return -1;
        }

        @Override
        public int getMaxConnections() {
            return perThread;
        }

        @Override
        public int getMaxCachedConnections() {
            return perThread;
        }

        @Override
        public int getSMaxConnections() {
            return softMaxPerThread;
        }

        @Override
        public long getTtl() {
            return IDLE_CONNECTION_TTL_MILLIS;
        }

        @Override
        public int getMaxQueueSize() {
            return MAX_QUEUE;
        }
    }
}
