package dev.sluice.testing;

import dev.sluice.Sluice;
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

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The config builder for tests: builds the config records by hand (no YAML) and starts a Sluice
 * on 127.0.0.1 port 0, no access log, drain timeout 0, unless told otherwise. Each route gets
 * its own upstream, {@code upstream-1}, {@code upstream-2} ..., with one server. It covers what
 * tests vary: host routes, strip-prefix, WebSocket settings, limits, trusted proxies, the
 * upstreams' response timeout, access log and drain timeout.
 *
 * <pre>{@code
 * try (Sluice proxy = TestProxy.builder().route("/", backend.uri()).start()) { ... }
 * }</pre>
 */
public final class TestProxy {
    private record Route(String host, String path, boolean stripPrefix, WebSocketConfig websocket, URI server) {
    }

    private final List<Route> routes = new ArrayList<>();
    private final List<Cidr> trustedProxies = new ArrayList<>();
    private LimitsConfig limits = LimitsConfig.DEFAULTS;
    private Duration responseTimeout = UpstreamConfig.DEFAULT_RESPONSE_TIMEOUT;
    private Duration drainTimeout = Duration.ZERO;
    private AccessLogConfig accessLog = AccessLogConfig.OFF;

    private TestProxy() {
    }

    public static TestProxy builder() {
        return new TestProxy();
    }

    /** Sends requests under {@code path} on any host to {@code server}, WebSocket defaults. */
    public TestProxy route(String path, URI server) {
        return route(path, WebSocketConfig.DEFAULTS, server);
    }

    /** The same with these WebSocket settings. */
    public TestProxy route(String path, WebSocketConfig websocket, URI server) {
        routes.add(new Route(null, path, false, websocket, server));
        return this;
    }

    /** A route matching {@code host} (null: any) and {@code path}, optionally stripping the prefix. */
    public TestProxy route(String host, String path, boolean stripPrefix, URI server) {
        routes.add(new Route(host, path, stripPrefix, WebSocketConfig.DEFAULTS, server));
        return this;
    }

    /** Believes X-Forwarded-* from peers in this block, e.g. {@code 127.0.0.1/32}. */
    public TestProxy trust(String cidr) throws UnknownHostException {
        int slash = cidr.indexOf('/');
        trustedProxies.add(new Cidr(InetAddress.getByName(cidr.substring(0, slash)),
                Integer.parseInt(cidr.substring(slash + 1))));
        return this;
    }

    public TestProxy limits(LimitsConfig limits) {
        this.limits = limits;
        return this;
    }

    /** {@code upstreams.*.response-timeout} for every upstream. */
    public TestProxy responseTimeout(Duration responseTimeout) {
        this.responseTimeout = responseTimeout;
        return this;
    }

    public TestProxy drainTimeout(Duration drainTimeout) {
        this.drainTimeout = drainTimeout;
        return this;
    }

    public TestProxy accessLog(AccessLogConfig accessLog) {
        this.accessLog = accessLog;
        return this;
    }

    public Sluice start() {
        Map<String, UpstreamConfig> upstreams = new LinkedHashMap<>();
        List<RouteConfig> routeConfigs = new ArrayList<>();
        for (Route route : routes) {
            String name = "upstream-" + (upstreams.size() + 1);
            upstreams.put(name, new UpstreamConfig(name, List.of(new ServerConfig(route.server(), null)), null,
                    UpstreamConfig.DEFAULT_STICKY_COOKIE, UpstreamConfig.DEFAULT_CONNECT_TIMEOUT, responseTimeout,
                    UpstreamConfig.DEFAULT_MAX_CONNECTIONS_PER_SERVER));
            routeConfigs.add(new RouteConfig(route.path(), route.host(), name, route.stripPrefix(), route.websocket()));
        }
        return Sluice.start(new SluiceConfig("test", List.of(new ListenerConfig(new HostPort("127.0.0.1", 0))), null,
                upstreams, routeConfigs, limits, trustedProxies, accessLog, drainTimeout));
    }

    /** WebSocket defaults with only the idle timeout changed. */
    public static WebSocketConfig idleTimeout(Duration idle) {
        WebSocketConfig d = WebSocketConfig.DEFAULTS;
        return new WebSocketConfig(d.enabled(), idle, d.halfCloseTimeout(), d.allowedOrigins(), d.maxTunnels());
    }
}
