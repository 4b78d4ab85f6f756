package dev.sluice.config;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A whole, validated configuration. Built once (by {@link ConfigLoader} or by hand), never
 * changed; a reload builds a new one.
 *
 * @param source         where it came from (a file path, or a description such as "builder")
 * @param upstreams      by name, in file order
 * @param routes         in file order; matching picks the most specific, not the first
 * @param trustedProxies peers whose X-Forwarded-* headers are believed (default none)
 * @param drainTimeout   how long a stop waits for in-flight requests and tunnels (default 30s)
 */
public record SluiceConfig(
        String source,
        List<ListenerConfig> listeners,
        Map<String, UpstreamConfig> upstreams,
        List<RouteConfig> routes,
        LimitsConfig limits,
        List<Cidr> trustedProxies,
        AccessLogConfig accessLog,
        Duration drainTimeout) {

    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);

    public SluiceConfig {
        Objects.requireNonNull(source, "source");
        listeners = List.copyOf(listeners);
        upstreams = Collections.unmodifiableMap(new LinkedHashMap<>(upstreams));
        routes = List.copyOf(routes);
        Objects.requireNonNull(limits, "limits");
        trustedProxies = List.copyOf(trustedProxies);
        Objects.requireNonNull(accessLog, "accessLog");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        for (RouteConfig route : routes) {
            if (!upstreams.containsKey(route.upstream())) {
                throw new IllegalArgumentException("route " + route.path()
                        + " names unknown upstream " + route.upstream());
            }
        }
    }
}
