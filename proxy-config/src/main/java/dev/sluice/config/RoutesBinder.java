package dev.sluice.config;

import dev.sluice.config.YamlMapping.Keys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** {@code routes}: which requests go to which upstream, and their WebSocket settings. */
final class RoutesBinder {
    private static final Keys ROUTE = Keys.of("match", "upstream", "strip-prefix", "websocket");
    private static final Keys MATCH = Keys.of("path", "host", "subprotocol");
    private static final Keys WEBSOCKET = Keys.of("enabled", "idle-timeout", "half-close-timeout",
            "allowed-origins", "max-tunnels");
    private static final Duration MAX_TIMEOUT = Duration.ofDays(7);

    private final Values values;
    private final Set<String> upstreamNames;

    /** @param upstreamNames every upstream name written, or null when upstreams could not be read */
    RoutesBinder(Values values, Set<String> upstreamNames) {
        this.values = values;
        this.upstreamNames = upstreamNames;
    }

    /** The routes, or null when any had a problem. */
    List<RouteConfig> bind(Node node) {
        List<Node> items = values.list(node, "routes", "routes: [ { match: { path: / }, upstream: app } ]");
        if (items == null) {
            return null;
        }
        if (items.isEmpty()) {
            values.problems().at(node, "routes", noRoutes(upstreamNames));
            return null;
        }
        int before = values.problems().count();
        List<RouteConfig> routes = new ArrayList<>();
        Map<List<String>, Integer> seen = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            String path = Paths.index("routes", i);
            RouteConfig route = route(items.get(i), path);
            if (route == null) {
                continue;
            }
            Integer first = seen.putIfAbsent(Arrays.asList(route.host(), route.path(), route.subprotocol()), i);
            if (first != null) {
                values.problems().at(matchNode(items.get(i)), Paths.child(path, "match"), "same match as "
                        + Paths.index("routes", first) + " (host " + (route.host() == null ? "any" : route.host())
                        + ", path " + route.path()
                        + (route.subprotocol() == null ? "" : ", subprotocol " + route.subprotocol())
                        + "; change or remove one)");
            }
            routes.add(route);
        }
        return values.problems().addedSince(before) ? null : routes;
    }

    /** Where a (valid) route's match is written, to point a duplicate at it. */
    private static Node matchNode(Node route) {
        for (NodeTuple tuple : ((MappingNode) route).getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode key && key.getValue().equals("match")) {
                return tuple.getValueNode();
            }
        }
        return route;
    }

    /** The one problem for a file without routes, with an example that would work. */
    static String noRoutes(Set<String> upstreamNames) {
        String example = upstreamNames == null || upstreamNames.isEmpty()
                ? "upstreams: { demo: { builtin: echo } } with routes: [ { match: { path: / }, upstream: demo } ]"
                : "routes: [ { match: { path: / }, upstream: " + upstreamNames.iterator().next() + " } ]";
        return "no routes: add at least one route (e.g. " + example + ")";
    }

    private RouteConfig route(Node node, String path) {
        Problems problems = values.problems();
        int before = problems.count();
        YamlMapping m = YamlMapping.read(node, path, values, ROUTE, "- { match: { path: / }, upstream: app }");
        if (m == null) {
            return null;
        }
        String matchPath = null;
        String host = null;
        String subprotocol = null;
        Node match = m.value("match");
        if (match == null) {
            m.missing("match", "match: { path: / }");
        } else {
            YamlMapping mm = YamlMapping.read(match, m.path("match"), values, MATCH, "match: { path: / }");
            if (mm != null) {
                matchPath = mm.requiredText("path", "path: /");
                if (matchPath != null) {
                    checkPath(matchPath, mm.value("path"), mm.path("path"));
                }
                host = mm.value("host") == null ? null
                        : values.parse(mm.value("host"), mm.path("host"), Addresses::matchHost);
                subprotocol = mm.value("subprotocol") == null ? null
                        : values.parse(mm.value("subprotocol"), mm.path("subprotocol"), RoutesBinder::subprotocol);
            }
        }
        String upstream = m.requiredText("upstream", "upstream: " + (upstreamNames == null || upstreamNames.isEmpty()
                ? "app" : upstreamNames.iterator().next()));
        if (upstream != null && upstreamNames != null && !upstreamNames.contains(upstream)) {
            problems.at(m.value("upstream"), m.path("upstream"), unknownUpstream(upstream));
        }
        Boolean stripPrefix = m.bool("strip-prefix", false);
        WebSocketConfig websocket = m.value("websocket") == null ? WebSocketConfig.DEFAULTS
                : websocket(m.value("websocket"), m.path("websocket"));
        if (problems.addedSince(before)) {
            return null;
        }
        return new RouteConfig(matchPath, host, upstream, stripPrefix, websocket, subprotocol);
    }

    /**
     * A {@code match.subprotocol}: one element of {@code Sec-WebSocket-Protocol}, which RFC 6455
     * §4.1 makes an HTTP token (RFC 9110 §5.6.2), kept as written: it is compared exactly, as the
     * JDK client, Undertow and Tomcat compare the protocol a server picks.
     */
    static String subprotocol(String text) {
        int comma = text.indexOf(',');
        if (comma > 0) {
            throw new IllegalArgumentException("'" + text + "' is one subprotocol per route (write a route for each:"
                    + " subprotocol: " + text.substring(0, comma).trim() + ")");
        }
        if (text.isEmpty() || !text.chars().allMatch(RoutesBinder::isTokenChar)) {
            throw new IllegalArgumentException("'" + text + "' is not a subprotocol name (one token as in"
                    + " Sec-WebSocket-Protocol: letters, digits and !#$%&'*+-.^_`|~, no spaces, commas or quotes;"
                    + " e.g. chat or v2.stomp)");
        }
        return text;
    }

    private static boolean isTokenChar(int c) {
        return c < 0x7f && (Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0);
    }

    private void checkPath(String path, Node node, String key) {
        String problem = null;
        if (!path.startsWith("/")) {
            problem = "'" + path + "' does not start with '/' (write '/" + path + "')";
        } else if (path.chars().anyMatch(c -> c <= ' ' || c == '?' || c == '#' || c == 0x7f)) {
            problem = "'" + path + "' is a path prefix: no spaces, control characters, '?' or '#'";
        }
        if (problem != null) {
            values.problems().at(node, key, problem);
        }
    }

    private String unknownUpstream(String name) {
        if (upstreamNames.isEmpty()) {
            return "unknown upstream '" + name + "' (no upstreams are defined: add one under upstreams,"
                    + " e.g. upstreams: { " + name + ": { servers: [ { url: http://127.0.0.1:8081 } ] } })";
        }
        return "unknown upstream '" + name + "' (" + Suggestions.didYouMean(name, upstreamNames)
                + "known: " + String.join(", ", upstreamNames) + ")";
    }

    private WebSocketConfig websocket(Node node, String path) {
        Problems problems = values.problems();
        int before = problems.count();
        YamlMapping m = YamlMapping.read(node, path, values, WEBSOCKET, "websocket: { enabled: false }");
        if (m == null) {
            return null;
        }
        WebSocketConfig d = WebSocketConfig.DEFAULTS;
        Boolean enabled = m.bool("enabled", d.enabled());
        Duration idle = m.duration("idle-timeout", d.idleTimeout(), Duration.ofMillis(1), MAX_TIMEOUT);
        Duration halfClose = m.duration("half-close-timeout", d.halfCloseTimeout(), Duration.ofMillis(1), MAX_TIMEOUT);
        List<String> origins = origins(m);
        Integer maxTunnels = m.integer("max-tunnels", d.maxTunnels(), 1, Integer.MAX_VALUE);
        if (problems.addedSince(before)) {
            return null;
        }
        return new WebSocketConfig(enabled, idle, halfClose, origins, maxTunnels);
    }

    private List<String> origins(YamlMapping m) {
        Node node = m.value("allowed-origins");
        if (node == null) {
            return List.of();
        }
        List<Node> items = values.list(node, m.path("allowed-origins"), "allowed-origins: [ \"https://example.com\" ]");
        if (items == null) {
            return null;
        }
        List<String> origins = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String origin = values.parse(items.get(i), Paths.index(m.path("allowed-origins"), i), Addresses::origin);
            if (origin != null && !origins.contains(origin)) {
                origins.add(origin);
            }
        }
        return origins;
    }
}
