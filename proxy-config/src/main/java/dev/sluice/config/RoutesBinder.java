package dev.sluice.config;

import dev.sluice.config.YamlMapping.Keys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/** {@code routes}: which requests go to which upstream, and their WebSocket settings. */
final class RoutesBinder {
    private static final Keys ROUTE = Keys.of("match", "upstream", "strip-prefix", "rewrite-cookie-path",
            "websocket");
    private static final Keys MATCH = Keys.of("path", "host", "subprotocol");
    private static final Keys WEBSOCKET = Keys.of("enabled", "idle-timeout", "half-close-timeout",
            "allowed-origins", "max-tunnels");
    private static final Duration MAX_TIMEOUT = Duration.ofDays(7);

    private final Values values;
    private final Set<String> upstreamNames;
    private final ConfigRules.Inputs ruleInputs;

    /**
     * @param upstreamNames every upstream name written, or null when upstreams could not be read
     * @param ruleInputs    where each route's upstream, match and match path go for {@link ConfigRules}
     */
    RoutesBinder(Values values, Set<String> upstreamNames, ConfigRules.Inputs ruleInputs) {
        this.values = values;
        this.upstreamNames = upstreamNames;
        this.ruleInputs = ruleInputs;
    }

    /** The routes, or null when any had a problem. */
    List<RouteConfig> bind(Node node) {
        List<Node> items = values.list(node, "routes", "routes: [ { match: { path: / }, upstream: app } ]");
        if (items == null) {
            ruleInputs.routePath(null);
            return null;
        }
        if (items.isEmpty()) {
            ruleInputs.routePath(null);
            values.problems().at(node, "routes", noRoutes(upstreamNames));
            return null;
        }
        int before = values.problems().count();
        List<RouteConfig> routes = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            RouteConfig route = route(items.get(i), i);
            if (route != null) {
                routes.add(route);
            }
        }
        return values.problems().addedSince(before) ? null : routes;
    }

    /** The one problem for a file without routes, with an example that would work. */
    static String noRoutes(Set<String> upstreamNames) {
        String example = upstreamNames == null || upstreamNames.isEmpty()
                ? "upstreams: { demo: { builtin: echo } } with routes: [ { match: { path: / }, upstream: demo } ]"
                : "routes: [ { match: { path: / }, upstream: " + upstreamNames.iterator().next() + " } ]";
        return "no routes: add at least one route (e.g. " + example + ")";
    }

    private RouteConfig route(Node node, int index) {
        String path = Paths.index("routes", index);
        Problems problems = values.problems();
        int before = problems.count();
        YamlMapping m = YamlMapping.read(node, path, values, ROUTE, "- { match: { path: / }, upstream: app }");
        if (m == null) {
            ruleInputs.routePath(null);
            return null;
        }
        String matchPath = null;
        String host = null;
        String subprotocol = null;
        Node match = m.value("match");
        if (match == null) {
            ruleInputs.routePath(null);
            m.missing("match", "match: { path: / }");
        } else {
            int beforeMatch = problems.count();
            YamlMapping mm = YamlMapping.read(match, m.path("match"), values, MATCH, "match: { path: / }");
            if (mm == null) {
                ruleInputs.routePath(null);
            } else {
                matchPath = mm.requiredText("path", "path: /");
                ruleInputs.routePath(matchPath);
                if (matchPath != null) {
                    checkPath(matchPath, mm.value("path"), mm.path("path"));
                }
                host = mm.value("host") == null ? null
                        : values.parse(mm.value("host"), mm.path("host"), Addresses::matchHost);
                subprotocol = mm.value("subprotocol") == null ? null
                        : values.parse(mm.value("subprotocol"), mm.path("subprotocol"), RoutesBinder::subprotocol);
            }
            if (!problems.addedSince(beforeMatch)) {
                ruleInputs.routeMatch(index, host, matchPath, subprotocol, match);
            }
        }
        String upstream = m.requiredText("upstream", "upstream: " + (upstreamNames == null || upstreamNames.isEmpty()
                ? "app" : upstreamNames.iterator().next()));
        if (upstream != null) {
            ruleInputs.routeUpstream(index, upstream, m.value("upstream"));
        }
        Boolean stripPrefix = m.bool("strip-prefix", false);
        Boolean rewriteCookiePath = m.bool("rewrite-cookie-path", false);
        if (Boolean.TRUE.equals(rewriteCookiePath) && Boolean.FALSE.equals(stripPrefix)) {
            problems.at(m.keyNode("rewrite-cookie-path"), m.path("rewrite-cookie-path"),
                    RouteConfig.REWRITE_COOKIE_PATH_ALONE);
        }
        WebSocketConfig websocket = m.value("websocket") == null ? WebSocketConfig.DEFAULTS
                : websocket(m.value("websocket"), m.path("websocket"));
        if (problems.addedSince(before)) {
            return null;
        }
        return new RouteConfig(matchPath, host, upstream, stripPrefix, rewriteCookiePath, websocket, subprotocol);
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
