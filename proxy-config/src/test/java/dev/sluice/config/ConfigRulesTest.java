package dev.sluice.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A configuration built in code meets the same rules that span fields as a file, named by key path. */
class ConfigRulesTest {
    private static final Map<String, UpstreamConfig> APP = Map.of("app", UpstreamConfig.of("app",
            List.of(new ServerConfig(URI.create("http://127.0.0.1:8081"), null))));

    private static SluiceConfig inCode(List<ListenerConfig> listeners, AdminConfig admin,
                                       Map<String, UpstreamConfig> upstreams, List<RouteConfig> routes) {
        return new SluiceConfig("builder", listeners, admin, upstreams, routes, LimitsConfig.DEFAULTS, List.of(),
                AccessLogConfig.OFF, Duration.ZERO, Duration.ZERO, List.of(), null, null);
    }

    private static String problems(SluiceConfig config) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigRules.validate(config));
        return e.problems().stream().map(ConfigProblem::toString).collect(Collectors.joining("\n"));
    }

    @Test
    void routeToAnUnknownUpstreamIsRefused() {
        // the record is made (each part is fine on its own); the rules refuse it with the file's message
        SluiceConfig config = new SluiceConfig("builder", List.of(ListenerConfig.DEFAULT), APP,
                List.of(RouteConfig.of("/", "ap")), LimitsConfig.DEFAULTS, List.of(), AccessLogConfig.OFF,
                Duration.ZERO);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigRules.validate(config));
        assertEquals(List.of(new ConfigProblem("builder", 0, 0, "routes[0].upstream",
                "unknown upstream 'ap' (did you mean 'app'? known: app)")), e.problems());
        assertEquals("builder: routes[0].upstream: unknown upstream 'ap' (did you mean 'app'? known: app)",
                e.getMessage());
    }

    @Test
    void aProxyProtocolListenerNeedsTrustedProxies() {
        // in code as from a file: without trusted proxies nothing could connect to it
        SluiceConfig config = inCode(List.of(ListenerConfig.DEFAULT,
                new ListenerConfig(new HostPort("127.0.0.1", 0), null, null, true)), null, APP, List.of(RouteConfig.of("/", "app")));
        assertEquals("builder: listeners[1].proxy-protocol: a PROXY protocol listener accepts connections only"
                + " from trusted-proxies, and there are none: nothing could connect (add your balancer's"
                + " addresses, e.g. trusted-proxies: [ 10.0.0.0/8 ], or remove proxy-protocol)", problems(config));
        SluiceConfig trusted = new SluiceConfig("builder", config.listeners(), null, APP, config.routes(),
                LimitsConfig.DEFAULTS, List.of(Cidr.parse("10.0.0.0/8")), AccessLogConfig.OFF, Duration.ZERO,
                Duration.ZERO, List.of(), null, null);
        assertDoesNotThrow(() -> ConfigRules.validate(trusted));
    }

    @Test
    void everyRuleIsCheckedAndEveryProblemListed() {
        // a listener twice, the admin on a listener's address, a server and a jvmRoute twice in an
        // upstream, a route to no upstream at all and a match twice (hosts compare lower-case)
        Map<String, UpstreamConfig> upstreams = new LinkedHashMap<>();
        upstreams.put("app", UpstreamConfig.of("app", List.of(
                new ServerConfig(URI.create("http://127.0.0.1:8081"), "a"),
                new ServerConfig(URI.create("http://127.0.0.1:8082"), "a"),
                new ServerConfig(URI.create("http://127.0.0.1:8081"), "b"))));
        HostPort address = new HostPort("127.0.0.1", 8080);
        SluiceConfig config = inCode(List.of(new ListenerConfig(address), new ListenerConfig(address)),
                new AdminConfig(address), upstreams, List.of(
                        new RouteConfig("/", "Example.com", "app", false, WebSocketConfig.DEFAULTS),
                        RouteConfig.of("/x/", "nowhere"),
                        new RouteConfig("/", "example.COM", "app", true, WebSocketConfig.DEFAULTS)));
        assertEquals(String.join("\n",
                "builder: listeners[1].address: same address as listeners[0] (127.0.0.1:8080; list each address once)",
                "builder: admin.address: same address as listeners[0] (127.0.0.1:8080; the admin listener needs "
                        + "an address of its own, e.g. 127.0.0.1:9901)",
                "builder: upstreams.app.servers[2].url: same server as upstreams.app.servers[0] "
                        + "(http://127.0.0.1:8081; list each server once)",
                "builder: upstreams.app.servers[1].route: route 'a' is already used by upstreams.app.servers[0] "
                        + "(each server needs its own jvmRoute)",
                "builder: routes[1].upstream: unknown upstream 'nowhere' (known: app)",
                "builder: routes[2].match: same match as routes[0] (host example.com, path /; change or remove one)"),
                problems(config));
    }

    @Test
    void aSoundConfigPassesAndPortZeroNeverClashes() {
        // port 0 listeners and admin each get a free port, so they are no duplicates; subprotocols tell routes apart
        HostPort any = new HostPort("127.0.0.1", 0);
        SluiceConfig config = inCode(List.of(new ListenerConfig(any), new ListenerConfig(any)), new AdminConfig(any),
                APP, List.of(RouteConfig.of("/", "app"),
                        new RouteConfig("/", null, "app", false, WebSocketConfig.DEFAULTS, "chat")));
        assertDoesNotThrow(() -> ConfigRules.validate(config));
        assertDoesNotThrow(() -> ConfigRules.requireValid(config));
    }

    @Test
    void requireValidIsTheUncheckedForm() {
        // for Sluice.start: the same message, the ConfigException as the cause
        SluiceConfig config = inCode(List.of(ListenerConfig.DEFAULT), null, Map.of(),
                List.of(RouteConfig.of("/", "api")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigRules.requireValid(config));
        assertEquals("builder: routes[0].upstream: unknown upstream 'api' (no upstreams are defined: add one under "
                + "upstreams, e.g. upstreams: { api: { servers: [ { url: http://127.0.0.1:8081 } ] } })",
                e.getMessage());
        assertInstanceOf(ConfigException.class, e.getCause());
    }

    @Test
    void configBuiltInCodeIsHashedFromItsRecords() {
        // the 8-argument constructor: no admin, accept-grace 0s, and a hash that follows the records
        SluiceConfig a = new SluiceConfig("builder", List.of(ListenerConfig.DEFAULT), APP,
                List.of(RouteConfig.of("/", "app")), LimitsConfig.DEFAULTS, List.of(), AccessLogConfig.OFF,
                Duration.ZERO);
        SluiceConfig same = new SluiceConfig("elsewhere", List.of(ListenerConfig.DEFAULT), APP,
                List.of(RouteConfig.of("/", "app")), LimitsConfig.DEFAULTS, List.of(), AccessLogConfig.OFF,
                Duration.ZERO);
        SluiceConfig other = new SluiceConfig("builder", List.of(ListenerConfig.DEFAULT), APP,
                List.of(RouteConfig.of("/api/", "app")), LimitsConfig.DEFAULTS, List.of(), AccessLogConfig.OFF,
                Duration.ZERO);
        assertNull(a.admin());
        assertEquals(Duration.ZERO, a.acceptGrace());
        assertEquals(a.hash(), same.hash());
        assertNotEquals(a.hash(), other.hash());
        assertEquals(12, a.hash().length());
    }
}
