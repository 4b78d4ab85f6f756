package dev.sluice.http;

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
 * Builds the config records for a proxy on 127.0.0.1 port 0 with one upstream server per route,
 * then starts it. Uses the records directly (not a YAML file) so host routes, strip-prefix and
 * trusted proxies can be set per test.
 */
final class TestProxy {
    private final Map<String, UpstreamConfig> upstreams = new LinkedHashMap<>();
    private final List<RouteConfig> routes = new ArrayList<>();
    private final List<Cidr> trustedProxies = new ArrayList<>();

    static TestProxy builder() {
        return new TestProxy();
    }

    /** Sends requests under {@code path} on any host to {@code server}. */
    TestProxy route(String path, URI server) {
        return route(null, path, false, server);
    }

    /** A route matching {@code host} (null = any) and {@code path}, optionally stripping the prefix. */
    TestProxy route(String host, String path, boolean stripPrefix, URI server) {
        String upstream = "u" + upstreams.size();
        upstreams.put(upstream, UpstreamConfig.of(upstream, List.of(new ServerConfig(server, null))));
        routes.add(new RouteConfig(path, host, upstream, stripPrefix, WebSocketConfig.DEFAULTS));
        return this;
    }

    /** Believes X-Forwarded-* from peers in this block, e.g. {@code 127.0.0.1/32}. */
    TestProxy trust(String cidr) throws UnknownHostException {
        int slash = cidr.indexOf('/');
        trustedProxies.add(new Cidr(InetAddress.getByName(cidr.substring(0, slash)),
                Integer.parseInt(cidr.substring(slash + 1))));
        return this;
    }

    SluiceConfig config() {
        return new SluiceConfig("http-it",
                List.of(new ListenerConfig(new HostPort("127.0.0.1", 0))),
                null,
                upstreams,
                routes,
                LimitsConfig.DEFAULTS,
                trustedProxies,
                AccessLogConfig.OFF,
                Duration.ofSeconds(1));
    }

    Sluice start() {
        return Sluice.start(config());
    }
}
