package dev.sluice.tomcat;

import dev.sluice.Sluice;
import dev.sluice.config.Cidr;
import dev.sluice.config.RouteConfig;
import dev.sluice.config.ServerConfig;
import dev.sluice.config.UpstreamConfig;

import java.util.List;

/**
 * Starts Sluice on 127.0.0.1:0 in front of Tomcat nodes, with the records the README's
 * "Fronting Tomcat" file would give: one upstream {@code tomcat}, every path
 * routed to it, default timeouts and sticky cookie (JSESSIONID).
 */
final class TomcatProxy {
    private TomcatProxy() {
    }

    /** Each node a server of the upstream, its name as the route (its jvmRoute when it has one). */
    static Sluice inFrontOf(List<TomcatNode> nodes, List<Cidr> trustedProxies) {
        List<ServerConfig> servers = nodes.stream().map(n -> new ServerConfig(n.httpUri(), n.name())).toList();
        return Sluice.builder()
                .upstream(UpstreamConfig.of("tomcat", servers))
                .route(RouteConfig.of("/", "tomcat"))
                .trustedProxies(trustedProxies.toArray(Cidr[]::new))
                .start();
    }

    static Sluice inFrontOf(TomcatNode... nodes) {
        return inFrontOf(List.of(nodes), List.of());
    }
}
