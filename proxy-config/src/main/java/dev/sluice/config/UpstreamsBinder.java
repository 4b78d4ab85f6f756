package dev.sluice.config;

import dev.sluice.config.YamlMapping.Keys;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/** {@code upstreams}: named pools of servers, or a built-in upstream. */
final class UpstreamsBinder {
    private static final Keys UPSTREAM = Keys.of("servers", "builtin", "balance", "sticky-cookie",
            "connect-timeout", "response-timeout", "max-connections-per-server", "health-check", "resolve-interval",
            "tls");
    private static final Keys TLS = Keys.of("ca", "insecure-skip-verify");
    private static final String TLS_EXAMPLE = "tls: { ca: conf/tls/upstream-ca.pem }";
    private static final Keys SERVER = Keys.of("url", "route", "weight", "backup", "disabled");
    private static final Keys HEALTH_CHECK = Keys.of("path", "websocket", "interval", "timeout", "healthy", "unhealthy");
    private static final String NAME = "[A-Za-z0-9][A-Za-z0-9._-]*";
    private static final String ROUTE = "[A-Za-z0-9_-]+";
    // RFC 6265 cookie-name: an RFC 9110 token
    private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
    private static final int MAX_CONNECTIONS = 1_000_000;

    /**
     * What was bound.
     *
     * @param byName the upstreams that are valid, by name in file order
     * @param names  every name written, valid or not, so routes naming a broken upstream do not
     *               report a second problem; null when {@code upstreams} itself was unreadable
     */
    record Bound(Map<String, UpstreamConfig> byName, Set<String> names) {
    }

    private final Values values;
    private final FilePaths files;
    private final ConfigRules.Inputs ruleInputs;

    /** @param ruleInputs where each server's URL and jvmRoute go for {@link ConfigRules} */
    UpstreamsBinder(Values values, FilePaths files, ConfigRules.Inputs ruleInputs) {
        this.values = values;
        this.files = files;
        this.ruleInputs = ruleInputs;
    }

    Bound bind(Node node) {
        Map<String, UpstreamConfig> byName = new LinkedHashMap<>();
        Set<String> names = new LinkedHashSet<>();
        if (node == null) {
            return new Bound(byName, names);
        }
        YamlMapping upstreams = YamlMapping.read(node, "upstreams", values, Keys.ANY,
                "upstreams: { app: { servers: [ { url: http://127.0.0.1:8081 } ] } }");
        if (upstreams == null) {
            return new Bound(byName, null);
        }
        for (String name : upstreams.keys()) {
            names.add(name);
            String path = upstreams.path(name);
            if (!name.matches(NAME)) {
                values.problems().at(upstreams.keyNode(name), path,
                        "'" + name + "' is not a good upstream name (use letters, digits, '.', '_' and '-')");
            }
            Node value = upstreams.value(name);
            if (value == null) {
                values.problems().at(upstreams.keyNode(name), path, "empty upstream (give it servers or builtin, "
                        + "e.g. servers: [ { url: http://127.0.0.1:8081 } ])");
                continue;
            }
            UpstreamConfig upstream = upstream(name, value, path);
            if (upstream != null) {
                byName.put(name, upstream);
            }
        }
        return new Bound(byName, names);
    }

    private UpstreamConfig upstream(String name, Node node, String path) {
        Problems problems = values.problems();
        int before = problems.count();
        YamlMapping m = YamlMapping.read(node, path, values, UPSTREAM, "servers: [ { url: http://127.0.0.1:8081 } ]");
        if (m == null) {
            return null;
        }
        List<ServerConfig> servers = List.of();
        Builtin builtin = null;
        if (m.value("servers") != null && m.value("builtin") != null) {
            problems.at(m.keyNode("builtin"), m.path("builtin"),
                    "servers and builtin exclude each other (keep one)");
        } else if (m.value("servers") != null) {
            servers = servers(m.value("servers"), m.path("servers"), m.value("resolve-interval") != null);
        } else if (m.value("builtin") != null) {
            builtin = values.parse(m.value("builtin"), m.path("builtin"), UpstreamsBinder::builtin);
        } else {
            problems.at(m.node(), path, "needs servers or builtin (e.g. servers: [ { url: http://127.0.0.1:8081 } ]"
                    + " or builtin: echo)");
        }
        Balance balance = m.value("balance") == null ? Balance.ROUND_ROBIN
                : values.parse(m.value("balance"), m.path("balance"), UpstreamsBinder::balance);
        HealthCheckConfig healthCheck = m.value("health-check") == null ? null
                : healthCheck(m.value("health-check"), m.path("health-check"));
        UpstreamTlsConfig tls = m.value("tls") == null ? null : tls(m.value("tls"), m.path("tls"));
        String stickyCookie = m.text("sticky-cookie", UpstreamConfig.DEFAULT_STICKY_COOKIE);
        if (stickyCookie != null && !stickyCookie.matches(TOKEN)) {
            problems.at(m.value("sticky-cookie"), m.path("sticky-cookie"),
                    "'" + stickyCookie + "' is not a cookie name (e.g. JSESSIONID)");
        }
        Duration connectTimeout = m.duration("connect-timeout", UpstreamConfig.DEFAULT_CONNECT_TIMEOUT,
                Duration.ofMillis(1), Duration.ofHours(1));
        Duration responseTimeout = m.duration("response-timeout", UpstreamConfig.DEFAULT_RESPONSE_TIMEOUT,
                Duration.ofMillis(1), Duration.ofDays(7));
        Duration resolveInterval = m.duration("resolve-interval", null, Duration.ofSeconds(1), Duration.ofHours(1));
        if (builtin != null && resolveInterval != null) {
            problems.at(m.keyNode("resolve-interval"), m.path("resolve-interval"),
                    "a built-in upstream has no host name to resolve (remove resolve-interval)");
        }
        Integer maxConnections = m.integer("max-connections-per-server",
                UpstreamConfig.DEFAULT_MAX_CONNECTIONS_PER_SERVER, 1, MAX_CONNECTIONS);
        if (problems.addedSince(before) || servers == null) {
            return null;
        }
        if (builtin != null && healthCheck != null) {
            problems.at(m.keyNode("health-check"), m.path("health-check"),
                    "a built-in upstream is always up (remove health-check)");
            return null;
        }
        if (tls != null && servers.stream().noneMatch(ServerConfig::https)) {
            problems.at(m.keyNode("tls"), m.path("tls"), "tls is for https:// servers, and this upstream has none"
                    + " (write its servers as https://host:port, or remove tls)");
            return null;
        }
        return new UpstreamConfig(name, servers, builtin, stickyCookie, connectTimeout, responseTimeout,
                maxConnections, balance, healthCheck, resolveInterval, tls);
    }

    /** {@code tls: { ca: conf/tls/upstream-ca.pem, insecure-skip-verify: false }}, both optional. */
    private UpstreamTlsConfig tls(Node node, String path) {
        Problems problems = values.problems();
        int before = problems.count();
        YamlMapping m = YamlMapping.read(node, path, values, TLS, TLS_EXAMPLE);
        if (m == null) {
            return null;
        }
        Path ca = m.value("ca") == null ? null : files.required(m, "ca", "ca: conf/tls/upstream-ca.pem");
        Boolean insecure = m.bool("insecure-skip-verify", false);
        if (problems.addedSince(before)) {
            return null;
        }
        return new UpstreamTlsConfig(ca, insecure);
    }

    private static Balance balance(String text) {
        for (Balance b : Balance.values()) {
            if (b.yamlName().equals(text)) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown balance '" + text + "' (use round-robin or least-connections)");
    }

    /** {@code health-check: { path: /health }} or {@code { websocket: /ws/health }}, with timings. */
    private HealthCheckConfig healthCheck(Node node, String path) {
        Problems problems = values.problems();
        int before = problems.count();
        YamlMapping m = YamlMapping.read(node, path, values, HEALTH_CHECK, "health-check: { path: /health }");
        if (m == null) {
            return null;
        }
        String httpPath = checkPath(m, "path");
        String wsPath = checkPath(m, "websocket");
        if (m.value("path") != null && m.value("websocket") != null) {
            problems.at(m.keyNode("websocket"), m.path("websocket"), "path and websocket exclude each other (keep one:"
                    + " path checks with a GET, websocket with a handshake)");
        } else if (m.value("path") == null && m.value("websocket") == null) {
            problems.at(m.node(), path, "needs path or websocket (e.g. health-check: { path: /health })");
        }
        Duration interval = m.duration("interval", HealthCheckConfig.DEFAULT_INTERVAL, Duration.ofMillis(10), Duration.ofHours(1));
        Duration timeout = m.duration("timeout", HealthCheckConfig.DEFAULT_TIMEOUT, Duration.ofMillis(1), Duration.ofMinutes(10));
        Integer healthy = m.integer("healthy", HealthCheckConfig.DEFAULT_HEALTHY, 1, 100);
        Integer unhealthy = m.integer("unhealthy", HealthCheckConfig.DEFAULT_UNHEALTHY, 1, 100);
        if (problems.addedSince(before)) {
            return null;
        }
        return new HealthCheckConfig(httpPath, wsPath, interval, timeout, healthy, unhealthy);
    }

    private String checkPath(YamlMapping m, String key) {
        String text = m.text(key, null);
        if (text != null && (!text.startsWith("/") || !text.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
            values.problems().at(m.value(key), m.path(key), "'" + text + "' is not a path (it starts with '/' and"
                    + " holds visible ASCII only, e.g. /health)");
            return null;
        }
        return text;
    }

    private static Builtin builtin(String text) {
        for (Builtin b : Builtin.values()) {
            if (b.yamlName().equals(text)) {
                return b;
            }
        }
        List<String> known = Arrays.stream(Builtin.values()).map(Builtin::yamlName).toList();
        throw new IllegalArgumentException("unknown builtin '" + text + "' ("
                + Suggestions.didYouMean(text, known) + "known: " + String.join(", ", known) + ")");
    }

    /** @param resolved whether the upstream has resolve-interval: a server named by host then takes no route */
    private List<ServerConfig> servers(Node node, String path, boolean resolved) {
        List<Node> items = values.list(node, path, "servers: [ { url: http://127.0.0.1:8081, route: node1 } ]");
        if (items == null) {
            return null;
        }
        if (items.isEmpty()) {
            values.problems().at(node, path, "empty (add at least one server, e.g. - url: http://127.0.0.1:8081)");
            return null;
        }
        Problems problems = values.problems();
        int before = problems.count();
        List<ServerConfig> servers = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String itemPath = Paths.index(path, i);
            YamlMapping m = YamlMapping.read(items.get(i), itemPath, values, SERVER,
                    "- url: http://127.0.0.1:8081");
            if (m == null) {
                continue;
            }
            URI url = null;
            if (m.value("url") == null) {
                m.missing("url", "url: http://127.0.0.1:8081");
            } else {
                url = values.parse(m.value("url"), m.path("url"), Addresses::upstreamUrl);
            }
            if (url != null) {
                ruleInputs.serverUrl(path, i, url, m.value("url"));
            }
            String route = m.text("route", null);
            if (route != null && !route.matches(ROUTE)) {
                problems.at(m.value("route"), m.path("route"), "'" + route
                        + "' is not a route name (Tomcat's jvmRoute: letters, digits, '_' and '-')");
                route = null;
            }
            if (route != null && resolved && url != null && !Addresses.isIpLiteral(url.getHost())) {
                problems.at(m.value("route"), m.path("route"), "'" + url.getHost() + "' "
                        + UpstreamConfig.ROUTE_WITH_NAME);
                route = null;
            }
            if (route != null) {
                ruleInputs.serverRoute(path, i, route, m.value("route"));
            }
            Integer weight = m.integer("weight", 1, 1, ServerConfig.MAX_WEIGHT);
            Boolean backup = m.bool("backup", false);
            Boolean disabled = m.bool("disabled", false);
            if (url != null && weight != null && backup != null && disabled != null) {
                servers.add(new ServerConfig(url, route, weight, backup, disabled));
            }
        }
        return problems.addedSince(before) ? null : servers;
    }
}
