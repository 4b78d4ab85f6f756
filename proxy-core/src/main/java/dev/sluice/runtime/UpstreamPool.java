package dev.sluice.runtime;

import dev.sluice.config.Plural;
import dev.sluice.config.ServerConfig;
import dev.sluice.config.UpstreamConfig;
import dev.sluice.http.SocketAddresses;
import dev.sluice.observe.Metrics;
import dev.sluice.upstream.CheckConnection;
import dev.sluice.upstream.HealthChecks;
import dev.sluice.upstream.Server;
import dev.sluice.upstream.ServerBook;
import dev.sluice.upstream.ServerChoice;
import dev.sluice.upstream.ServerState;
import io.undertow.client.UndertowClient;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.handlers.proxy.ConnectionPoolManager;
import io.undertow.server.handlers.proxy.ProxyConnectionPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.XnioWorker;

import javax.net.ssl.X509ExtendedTrustManager;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The servers of one upstream, how one is chosen ({@link ServerChoice}), and a pool of
 * keep-alive connections to each: Undertow's {@link ProxyConnectionPool}, used as a pool only
 * (Sluice, not the pool, decides whether a server is fit for traffic). With
 * {@code resolve-interval} each address of a server's host name is a server of its own, and
 * they join and leave as the name's addresses change ({@link NameRefresh}).
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
    private final ServerBook book;
    private final Metrics metrics;
    private final PoolSettings settings;
    /** The TLS of its https servers, or null when it has none. */
    private final UpstreamTls tls;
    /** The servers now, each with its pool; replaced whole when they change, never changed in place. */
    private volatile List<Member> members;
    private final ServerChoice choice;
    /** The active health checks, or null when the upstream has none. */
    private final HealthChecks<Server> checks;
    /** Looks the names of its servers up again, or null without resolve-interval. */
    private final NameRefresh refresh;
    /** Told whenever servers join or are dropped between reloads, so that their meters follow. */
    private final Runnable serversChanged;
    private boolean started;
    private boolean stopped;
    private final long connectTimeoutMillis;
    private final long responseTimeoutMillis;

    /**
     * One server with what this snapshot holds for it: the settings the file gives it, its
     * address as resolved here, and the pool of connections to that address.
     */
    private record Member(Server server, ServerConfig config, InetSocketAddress address, ProxyConnectionPool pool,
                          OptionMap options, CheckConnection check) {
    }

    /**
     * Resolves each server's name here (a name of an upstream with resolve-interval to all its
     * addresses, one server each): call where blocking is fine, never on an IO thread.
     *
     * @param serverConfigs  the configured servers, or for a built-in upstream its own address
     * @param worker         whose IO threads the pools (one per thread, as Undertow pools) and the checks use
     * @param names          the resolver and its thread, for resolve-interval
     * @param serversChanged run (on the resolver thread) after servers joined or were dropped
     * @param trust          whom its https servers are trusted by (and their names checked), or null when it has none
     */
    public UpstreamPool(UpstreamConfig config, List<ServerConfig> serverConfigs, ServerBook book, XnioWorker worker,
                        ByteBufferPool buffers, Metrics metrics, NameResolution names, Runnable serversChanged,
                        X509ExtendedTrustManager trust) {
        int ioThreads = worker.getIoThreadCount();
        this.name = config.name();
        this.config = config;
        this.book = book;
        this.metrics = metrics;
        this.serversChanged = serversChanged;
        this.connectTimeoutMillis = config.connectTimeout().toMillis();
        this.responseTimeoutMillis = config.responseTimeout().toMillis();
        int perThread = Math.max(1, (config.maxConnectionsPerServer() + ioThreads - 1) / ioThreads);
        this.settings = new PoolSettings(perThread, Math.max(1, Math.min(perThread, 20)));
        this.tls = trust == null ? null : new UpstreamTls(trust, worker.getXnio());
        List<Member> list = new ArrayList<>();
        List<NameWatch> watches = new ArrayList<>();
        for (ServerConfig serverConfig : serverConfigs) {
            if (config.resolveInterval() != null && serverConfig.hostIsName()) {
                NameWatch watch = new NameWatch(name, serverConfig, names.resolver());
                watches.add(watch);
                List<InetAddress> addresses = watch.resolve(0);
                for (InetAddress address : addresses == null ? List.<InetAddress>of() : addresses) {
                    list.add(member(book.server(name, serverConfig, address), serverConfig));
                }
            } else {
                list.add(member(book.server(name, serverConfig), serverConfig));
            }
        }
        this.members = List.copyOf(list);
        List<Server> servers = servers();
        this.choice = new ServerChoice(servers, config.balance());
        this.checks = config.healthCheck() == null ? null : new HealthChecks<>(config.healthCheck(), servers, worker,
                buffers, (server, up, count, last) -> server.checked(up, count, last.reason()), this::checkConnection);
        this.refresh = watches.isEmpty() ? null
                : new NameRefresh(this, watches, config.resolveInterval().toNanos(), names);
    }

    /** The pool of connections to this server and its options: every server's are made here. */
    private Member member(Server server, ServerConfig serverConfig) {
        OptionMap tlsOptions = serverTls(serverConfig);
        CheckConnection check = tlsOptions.size() == 0 ? CheckConnection.PLAIN
                : new CheckConnection(GuardedHttpClientProvider.SCHEME, OptionMap.builder().addAll(tlsOptions)
                .set(GuardedHttpClientProvider.HEAD_GUARD, false).getMap());
        OptionMap options = OptionMap.builder().addAll(CONNECTION_OPTIONS).addAll(tlsOptions)
                .set(GuardedHttpClientProvider.STRAY_BYTES, (address, bytes) -> {
                    metrics.strayBytes(name);
                    log.info("SLU2010 upstream {} server {} sent {} while no request was outstanding;"
                            + " the connection is closed, and no client gets them", name, SocketAddresses.text(address),
                            Plural.of(bytes, "byte"));
                })
                .set(GuardedHttpClientProvider.CONNECT_FAILED, reason -> server.failed(Server.Failure.CONNECT, reason))
                .getMap();
        InetSocketAddress address = server.resolve();
        // by address: the connection never looks the name up (see GuardedHttpClientProvider)
        String host = address.isUnresolved() ? address.getHostString() : address.getAddress().getHostAddress();
        ProxyConnectionPool pool = new ProxyConnectionPool(settings, GuardedHttpClientProvider.uriOf(host, address.getPort()),
                UndertowClient.getInstance(), options);
        return new Member(server, serverConfig, address, pool, options, check);
    }

    /** How a health check reaches this server: as its requests do, TLS for an https server. */
    private CheckConnection checkConnection(Server server) {
        Member member = memberOf(server);
        return member == null ? CheckConnection.PLAIN : member.check();
    }

    /** For an https server, TLS named as its URL names it (with TCP_NODELAY, for its checks); for a plain one, nothing. */
    private OptionMap serverTls(ServerConfig server) {
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

    /** The servers now: in the order the file names them, the addresses of a name in the order they joined. */
    public List<Server> servers() {
        return members.stream().map(Member::server).toList();
    }

    ServerChoice choice() {
        return choice;
    }

    /** The pool of connections to this server of the upstream, or null when it was dropped since it was chosen. */
    ProxyConnectionPool poolOf(Server server) {
        Member member = memberOf(server);
        return member == null ? null : member.pool();
    }

    /** The options of every connection to this server, in the pool or not; null when it was dropped. */
    OptionMap connectionOptions(Server server) {
        Member member = memberOf(server);
        return member == null ? null : member.options();
    }

    private Member memberOf(Server server) {
        for (Member member : members) {
            if (member.server() == server) {
                return member;
            }
        }
        return null;
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
        return members.size();
    }

    /**
     * This snapshot is now in force: its servers take the settings it gives them (weight, backup,
     * disabled), its health checks start (or, without any, no server stays down by an old check),
     * and so does the looking up again of its names.
     */
    public synchronized void commit() {
        for (Member member : members) {
            member.server().reconfigure(member.config(), member.address());
            if (checks == null) {
                member.server().checked(true, 0, null);
            }
        }
        if (!started) {
            started = true;
            if (checks != null) {
                checks.start();
            }
            if (refresh != null) {
                refresh.start();
            }
        }
    }

    // -- resolve-interval: on the resolver thread ---------------------------------------------

    /** How many servers the name of this entry has now. */
    int serversOf(ServerConfig entry) {
        return (int) members.stream().filter(m -> m.config() == entry).count();
    }

    /**
     * The name of {@code entry} resolves to these addresses now: a new one joins, one no longer
     * among them is removed (as in a drain), one removed and back again is taken back.
     *
     * @return the servers removed by this call
     */
    synchronized List<Server> resolved(ServerConfig entry, List<InetAddress> addresses) {
        if (stopped) {
            return List.of();
        }
        List<InetAddress> joining = new ArrayList<>(addresses);
        List<Server> removed = new ArrayList<>();
        List<Member> next = new ArrayList<>(members);
        for (Member member : members) {
            if (member.config() == entry) {
                if (joining.remove(member.server().member())) {
                    member.server().resolvedAgain();
                } else if (member.server().removedFromName()) {
                    removed.add(member.server());
                }
            }
        }
        List<Server> joined = new ArrayList<>();
        for (InetAddress address : joining) {
            Server server = book.server(name, entry, address);
            Member member = member(server, entry);
            server.reconfigure(entry, member.address());
            if (checks == null) {
                server.checked(true, 0, null);
            }
            next.add(member);
            joined.add(server);
            log.info("SLU6011 {} joins: {} resolves to it now", server, entry.url().getHost());
        }
        if (!joined.isEmpty()) {
            replace(next);
            if (checks != null) {
                joined.forEach(checks::add);
            }
        }
        return removed;
    }

    /** Drops the servers whose address left their name and that no request or tunnel uses any more, but these. */
    synchronized void dropRemoved(List<Server> notYet) {
        if (stopped) {
            return;
        }
        List<Member> next = new ArrayList<>();
        List<Member> dropped = new ArrayList<>();
        for (Member member : members) {
            Server server = member.server();
            boolean drop = server.state() == ServerState.REMOVED && server.idle() && !notYet.contains(server);
            (drop ? dropped : next).add(member);
        }
        if (dropped.isEmpty()) {
            return;
        }
        replace(next);
        for (Member member : dropped) {
            if (checks != null) {
                checks.remove(member.server());
            }
            member.pool().close();
            book.forget(member.server());
            log.info("SLU6013 {} is dropped: its address left {} and no request or tunnel uses it any more",
                    member.server(), member.config().url().getHost());
        }
    }

    private void replace(List<Member> next) {
        members = List.copyOf(next);
        choice.replace(servers());
        serversChanged.run();
    }

    /** No more checks or lookups from this pool (a reload replaced it); its connections stay a while for requests in flight. */
    public synchronized void stopChecks() {
        stopped = true;
        if (checks != null) {
            checks.stop();
        }
        if (refresh != null) {
            refresh.stop();
        }
    }

    public void close() {
        stopChecks();
        for (Member member : members) {
            member.pool().close();
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
