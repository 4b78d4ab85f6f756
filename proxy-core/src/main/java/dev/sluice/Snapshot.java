package dev.sluice;

import dev.sluice.builtin.EchoUpstream;
import dev.sluice.config.RouteConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.config.ServerConfig;
import dev.sluice.config.UpstreamConfig;
import dev.sluice.fault.Faults;
import dev.sluice.handler.HandlerChain;
import dev.sluice.http.ForwardedHeaders;
import dev.sluice.observe.AccessLog;
import dev.sluice.observe.Metrics;
import dev.sluice.record.Recording;
import dev.sluice.runtime.NameResolution;
import dev.sluice.runtime.Route;
import dev.sluice.runtime.RouteTable;
import dev.sluice.runtime.UpstreamClient;
import dev.sluice.runtime.UpstreamPool;
import dev.sluice.upstream.Server;
import dev.sluice.upstream.ServerBook;
import dev.sluice.tls.TlsException;
import dev.sluice.tls.UpstreamTrust;
import dev.sluice.tunnel.TunnelRegistry;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.HttpHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.XnioWorker;

import javax.net.ssl.X509ExtendedTrustManager;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.Set;

/**
 * A configuration compiled for serving: its routes, its upstream pools and the handler chain
 * built on them, all fixed. A request takes the snapshot current when it arrives and keeps it
 * to its end (the handlers hold their config), so a reload never changes a request or a tunnel
 * already under way. An upstream whose configuration did not change keeps its pool, and with it
 * its pooled connections, from one snapshot to the next.
 */
final class Snapshot {
    private static final Logger log = LoggerFactory.getLogger(Sluice.class);
    /** What every snapshot of one proxy shares. */
    record Shared(XnioWorker worker, TunnelRegistry tunnels, ByteBufferPool buffers, AccessLog accessLog,
                  Metrics metrics, Recording recording, Faults faults, ServerBook servers, NameResolution names,
                  Runnable serversChanged) {
    }

    /** One upstream: its pool and, for a built-in upstream, the server that is its only member. */
    record Upstream(UpstreamConfig config, UpstreamClient client, EchoUpstream builtin) {
        void close() {
            client.pool().close();
            if (builtin != null) {
                builtin.close();
            }
        }
    }

    private final SluiceConfig config;
    private final Map<String, Upstream> upstreams;
    private final HttpHandler handler;
    private final Set<String> routeKeys;

    private Snapshot(SluiceConfig config, Map<String, Upstream> upstreams, HttpHandler handler, Set<String> routeKeys) {
        this.config = config;
        this.upstreams = upstreams;
        this.handler = handler;
        this.routeKeys = routeKeys;
    }

    /**
     * Compiles {@code config}, taking over from {@code previous} (null at start) every upstream
     * whose configuration is unchanged. On failure whatever this call started is stopped again.
     */
    static Snapshot compile(SluiceConfig config, Snapshot previous, Shared shared) {
        Map<String, Upstream> upstreams = new LinkedHashMap<>();
        try {
            for (UpstreamConfig upstream : config.upstreams().values()) {
                Upstream kept = previous == null ? null : previous.upstreams.get(upstream.name());
                upstreams.put(upstream.name(), kept != null && kept.config.equals(upstream) ? kept : start(upstream, shared));
            }
        } catch (RuntimeException e) {
            upstreams.values().stream().filter(u -> previous == null || !previous.upstreams.containsValue(u))
                    .forEach(Upstream::close);
            throw e;
        }
        Map<String, UpstreamClient> clients = new LinkedHashMap<>();
        upstreams.forEach((name, upstream) -> clients.put(name, upstream.client()));
        List<Route> routes = new ArrayList<>();
        for (RouteConfig route : config.routes()) {
            routes.add(new Route(route, clients.get(route.upstream()).pool()));
        }
        RouteTable table = new RouteTable(routes);
        HttpHandler handler = HandlerChain.build(table, clients, shared.tunnels(),
                new ForwardedHeaders(config.trustedProxies()), config.limits(), shared.buffers(), shared.accessLog(),
                shared.metrics(), shared.recording(), shared.faults(),
                config.listeners().stream().anyMatch(l -> l.redirectToHttps() != null));
        return new Snapshot(config, upstreams, handler, routes.stream().map(Route::key).collect(Collectors.toUnmodifiableSet()));
    }

    private static Upstream start(UpstreamConfig upstream, Shared shared) {
        X509ExtendedTrustManager trust = trustOf(upstream); // before anything is started that would need stopping
        EchoUpstream builtin = upstream.builtin() == null ? null : EchoUpstream.start(shared.worker());
        List<ServerConfig> servers = builtin == null ? upstream.servers() : List.of(new ServerConfig(builtin.uri(), null));
        return new Upstream(upstream, new UpstreamClient(new UpstreamPool(upstream, servers, shared.servers(),
                shared.worker(), shared.buffers(), shared.metrics(), shared.names(), shared.serversChanged(), trust),
                shared.metrics()), builtin);
    }

    /**
     * Whom the upstream's https servers are trusted by, its CA file read now (never on an IO thread).
     *
     * @throws SluiceException naming the upstream and the file
     */
    private static X509ExtendedTrustManager trustOf(UpstreamConfig upstream) {
        if (upstream.tls() == null) {
            return null;
        }
        try {
            return UpstreamTrust.manager(upstream.tls());
        } catch (TlsException e) {
            throw new SluiceException("upstreams." + upstream.name() + ".tls: " + e.getMessage());
        }
    }

    SluiceConfig config() {
        return config;
    }

    HttpHandler handler() {
        return handler;
    }

    /** The {@link Route#key()} of every route this snapshot serves, as the per-route metrics name them. */
    Set<String> routeKeys() {
        return routeKeys;
    }

    /**
     * This snapshot is now in force: its servers take the settings it gives them, and servers no
     * upstream of it names are forgotten.
     *
     * @param serversChanged puts the per-server meters on the servers now in force
     */
    void commit(ServerBook book, Runnable serversChanged) {
        upstreams.values().forEach(u -> u.client().pool().commit());
        // said at every start and reload while it is on, whether the upstream was rebuilt or kept
        upstreams.values().stream().filter(u -> u.config().tls() != null && u.config().tls().insecureSkipVerify())
                .forEach(u -> log.warn("SLU6010 upstream {}: insecure-skip-verify is on: its https servers' certificates"
                        + " are not checked, so anyone on the path can pose as them (for a test bench only)", u.config().name()));
        List<Server> servers = upstreams.values().stream().flatMap(u -> u.client().pool().servers().stream()).toList();
        book.keepOnly(servers);
        serversChanged.run();
    }

    /** The servers of each upstream, in file order. */
    Map<String, List<Server>> servers() {
        Map<String, List<Server>> servers = new LinkedHashMap<>();
        upstreams.forEach((name, u) -> servers.put(name, u.client().pool().servers()));
        return servers;
    }

    /** The upstreams of this snapshot that {@code next} does not keep: to be closed once it is current. */
    List<Upstream> droppedBy(Snapshot next) {
        return upstreams.values().stream().filter(u -> !next.upstreams.containsValue(u)).toList();
    }

    /** Closes every upstream pool and built-in server. */
    void close() {
        upstreams.values().forEach(Upstream::close);
    }
}
