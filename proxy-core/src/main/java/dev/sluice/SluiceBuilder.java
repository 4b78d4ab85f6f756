package dev.sluice;

import dev.sluice.config.AccessLogConfig;
import dev.sluice.config.Cidr;
import dev.sluice.config.HostPort;
import dev.sluice.config.LimitsConfig;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.RouteConfig;
import dev.sluice.config.ServerConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.config.UpstreamConfig;
import dev.sluice.config.WebSocketConfig;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a proxy for a test: listens on 127.0.0.1 port 0, no access log, and closes at once
 * (drain timeout 0) unless told otherwise. Each {@code route} gets its own upstream.
 */
public final class SluiceBuilder {
    private final Map<String, UpstreamConfig> upstreams = new LinkedHashMap<>();
    private final List<RouteConfig> routes = new ArrayList<>();
    private HostPort listen = new HostPort("127.0.0.1", 0);
    private List<Cidr> trustedProxies = List.of();
    private LimitsConfig limits = LimitsConfig.DEFAULTS;
    private Duration drainTimeout = Duration.ZERO;
    private AccessLogConfig accessLog = AccessLogConfig.OFF;

    SluiceBuilder() {
    }

    /** Routes requests under this path prefix to these servers, WebSocket defaults. */
    public SluiceBuilder route(String pathPrefix, URI... servers) {
        return route(pathPrefix, WebSocketConfig.DEFAULTS, servers);
    }

    /** Routes requests under this path prefix to these servers, with these WebSocket settings. */
    public SluiceBuilder route(String pathPrefix, WebSocketConfig websocket, URI... servers) {
        String name = "upstream-" + (upstreams.size() + 1);
        upstreams.put(name, UpstreamConfig.of(name,
                Arrays.stream(servers).map(uri -> new ServerConfig(uri, null)).toList()));
        routes.add(new RouteConfig(pathPrefix, null, name, false, websocket));
        return this;
    }

    public SluiceBuilder listen(String host, int port) {
        this.listen = new HostPort(host, port);
        return this;
    }

    public SluiceBuilder trustedProxies(Cidr... blocks) {
        this.trustedProxies = List.of(blocks);
        return this;
    }

    public SluiceBuilder limits(LimitsConfig limits) {
        this.limits = limits;
        return this;
    }

    public SluiceBuilder drainTimeout(Duration drainTimeout) {
        this.drainTimeout = drainTimeout;
        return this;
    }

    public SluiceBuilder accessLog(AccessLogConfig accessLog) {
        this.accessLog = accessLog;
        return this;
    }

    /** The configuration this builder describes. */
    public SluiceConfig config() {
        return new SluiceConfig("builder", List.of(new ListenerConfig(listen)), null, upstreams, routes,
                limits, trustedProxies, accessLog, drainTimeout);
    }

    public Sluice start() {
        return Sluice.start(config());
    }
}
