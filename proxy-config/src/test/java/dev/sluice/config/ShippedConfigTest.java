package dev.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The files shipped in conf/ are valid, and the default one runs alone. */
class ShippedConfigTest {
    private static final Path CONF = Path.of("..", "conf");

    @Test
    void everyShippedYamlFileIsValid() throws IOException {
        // a broken example in the distribution would be the first thing a user runs into
        List<Path> files;
        try (Stream<Path> walk = Files.walk(CONF)) {
            files = walk.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertTrue(files.size() >= 2, "expected conf/sluice.yaml and examples, found " + files);
        for (Path file : files) {
            try {
                ConfigLoader.load(file);
            } catch (ConfigException e) {
                fail(e.getMessage());
            }
        }
    }

    @Test
    void defaultConfigRunsAloneOnLoopback() throws ConfigException {
        // the default listens on 127.0.0.1:8080, has its admin API on 127.0.0.1:9901 (DESIGN.md) and
        // routes / to the built-in echo
        SluiceConfig c = ConfigLoader.load(CONF.resolve("sluice.yaml"));
        assertEquals(List.of(new ListenerConfig(new HostPort("127.0.0.1", 8080))), c.listeners());
        assertEquals(new AdminConfig(new HostPort("127.0.0.1", 9901)), c.admin());
        assertEquals(UpstreamConfig.builtin("demo", Builtin.ECHO), c.upstreams().get("demo"));
        assertEquals(List.of(RouteConfig.of("/", "demo")), c.routes());
    }

    @Test
    void tomcatClusterExampleChecksAndWeighsTunnels() throws ConfigException {
        SluiceConfig c = ConfigLoader.load(CONF.resolve("examples/tomcat-cluster.yaml"));
        UpstreamConfig tomcat = c.upstreams().get("tomcat");
        assertEquals(Balance.LEAST_CONNECTIONS, tomcat.balance());
        assertEquals(HealthCheckConfig.http("/health"), tomcat.healthCheck());
        assertEquals(List.of(false, false, true), tomcat.servers().stream().map(ServerConfig::backup).toList());
        assertEquals("/ws/health", c.upstreams().get("tomcat-ws").healthCheck().websocket());
    }

    @Test
    void tomcatExampleIsStickyOverTwoServers() throws ConfigException {
        // two Tomcats by jvmRoute, a WebSocket route with origins, and a trusted proxy range
        SluiceConfig c = ConfigLoader.load(CONF.resolve("examples/tomcat.yaml"));
        UpstreamConfig tomcat = c.upstreams().get("tomcat");
        assertEquals(List.of(new ServerConfig(URI.create("http://127.0.0.1:8081"), "node1"),
                new ServerConfig(URI.create("http://127.0.0.1:8082"), "node2")), tomcat.servers());
        assertEquals("JSESSIONID", tomcat.stickyCookie());
        RouteConfig ws = c.routes().get(0);
        assertEquals("/ws/", ws.path());
        assertTrue(ws.websocket().enabled());
        assertEquals(2, ws.websocket().allowedOrigins().size());
        assertEquals(2, c.trustedProxies().size());
    }

    @Test
    void tlsExampleHasHttp2HstsAndARedirectListener() throws ConfigException {
        // HTTPS with two certificates by SNI, HTTP/2 and HSTS; plain HTTP on 8080 only redirects to it
        SluiceConfig c = ConfigLoader.load(CONF.resolve("examples/tls.yaml"));
        ListenerConfig https = c.listeners().get(0);
        assertEquals(2, https.tls().certificates().size());
        assertTrue(https.http2() != null);
        assertEquals(Duration.ofDays(365), https.hsts());
        ListenerConfig http = c.listeners().get(1);
        assertNull(http.tls());
        assertEquals(8443, http.redirectToHttps());
    }

    @Test
    void testFixtureExampleStartsWithItsTwoFaults() throws ConfigException {
        // a latency fault and a message fault on the WebSocket route; the rest are commented out
        SluiceConfig c = ConfigLoader.load(CONF.resolve("examples/test-fixture.yaml"));
        assertEquals(List.of(
                FaultConfig.latency(Duration.ofMillis(200), Duration.ofMillis(50)).toClient().onRoute("/chat/")
                        .named("slow-chat"),
                FaultConfig.dropMessages(3).withProbability(0.5).onRoute("/chat/").named("flaky-chat")), c.faults());
        assertEquals(AccessLogConfig.OFF, c.accessLog());
    }
}
