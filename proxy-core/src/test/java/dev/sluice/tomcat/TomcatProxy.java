package dev.sluice.tomcat;

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

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Starts Sluice on 127.0.0.1:0 in front of Tomcat nodes, from the config records as the
 * README's "Fronting Tomcat" file would give them: one upstream {@code tomcat}, every path
 * routed to it, default timeouts and sticky cookie (JSESSIONID).
 */
final class TomcatProxy {
    private TomcatProxy() {
    }

    /** Each node a server of the upstream, its name as the route (its jvmRoute when it has one). */
    static Sluice inFrontOf(List<TomcatNode> nodes, List<Cidr> trustedProxies) {
        List<ServerConfig> servers = nodes.stream().map(n -> new ServerConfig(n.httpUri(), n.name())).toList();
        UpstreamConfig tomcat = UpstreamConfig.of("tomcat", servers);
        return Sluice.start(new SluiceConfig("tomcat-it",
                List.of(new ListenerConfig(new HostPort("127.0.0.1", 0))),
                null,
                Map.of("tomcat", tomcat),
                List.of(RouteConfig.of("/", "tomcat")),
                LimitsConfig.DEFAULTS,
                trustedProxies,
                AccessLogConfig.OFF,
                Duration.ZERO));
    }

    static Sluice inFrontOf(TomcatNode... nodes) {
        return inFrontOf(List.of(nodes), List.of());
    }

    static Cidr cidr(String address, int prefixLength) {
        try {
            return new Cidr(InetAddress.getByName(address), prefixLength);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(address, e);
        }
    }
}
