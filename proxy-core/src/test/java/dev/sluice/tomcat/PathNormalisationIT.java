package dev.sluice.tomcat;

import dev.sluice.Sluice;
import dev.sluice.config.RouteConfig;
import dev.sluice.config.ServerConfig;
import dev.sluice.config.UpstreamConfig;
import dev.sluice.config.WebSocketConfig;
import dev.sluice.testing.RawHttp;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.WsWire;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Tomcat behind Sluice with DESIGN's example routes: {@code /chat/} on example.com allows only
 * the Origin https://example.com, and {@code /} goes to the same Tomcat without origin rules.
 * Sluice routes on the normalised path and forwards that path, so Tomcat (which normalises
 * too) serves exactly the path whose route's policy was applied.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PathNormalisationIT {
    private static final String HOST = "example.com";
    private static final String GOOD_ORIGIN = "https://example.com";
    private static final String EVIL_ORIGIN = "https://evil.example";

    private TomcatNode tomcat;
    private Sluice proxy;

    @BeforeEach
    void start() {
        tomcat = TomcatNode.named("app").servlet("/", new ClientViewServlet()).webSocket("/chat/x").start();
        WebSocketConfig d = WebSocketConfig.DEFAULTS;
        WebSocketConfig chatOnly = new WebSocketConfig(true, d.idleTimeout(), d.halfCloseTimeout(),
                List.of(GOOD_ORIGIN), d.maxTunnels());
        proxy = Sluice.builder()
                .upstream(UpstreamConfig.of("app", List.of(new ServerConfig(tomcat.httpUri(), "app"))))
                .route(new RouteConfig("/chat/", HOST, "app", false, chatOnly))
                .route(RouteConfig.of("/", "app"))
                .start();
    }

    @AfterEach
    void stop() {
        try (TomcatNode t = tomcat; Sluice p = proxy) {
            // the proxy first, then Tomcat
        }
    }

    // Each spelling reaches Tomcat as the normalised path Sluice routed on: the raw URI Tomcat
    // reports is what Sluice forwarded, and Tomcat's own decoding of it is Sluice's routing path.
    @Test
    void tomcatSeesThePathSluiceRoutedOn() throws Exception {
        // target sent -> requestUri Tomcat got, path Tomcat mapped (= the path Sluice routed on), query
        String[][] cases = {
                {"/ws/./chat/x", "/ws/chat/x", "/ws/chat/x", "null"},
                {"/ws/x/../chat/x", "/ws/chat/x", "/ws/chat/x", "null"},
                {"/ws/../chat/x", "/chat/x", "/chat/x", "null"},
                {"/./chat/x", "/chat/x", "/chat/x", "null"},
                {"//chat/x", "/chat/x", "/chat/x", "null"},
                {"/chat/%78", "/chat/x", "/chat/x", "null"},
                {"/chat/x;jsessionid=ABC?q=%2F", "/chat/x;jsessionid=ABC", "/chat/x", "q=%2F"},
                {"/chat;v=1/x", "/chat;v=1/x", "/chat/x", "null"},
                {"/chat/a%20b", "/chat/a%20b", "/chat/a b", "null"},
        };
        for (String[] c : cases) {
            Map<String, String> seen = tomcatView(c[0]);
            assertEquals(c[1], seen.get("requestUri"), c[0] + " -> " + seen);
            assertEquals(c[2], seen.get("path"), c[0] + " -> " + seen);
            assertEquals(c[3], seen.get("query"), c[0] + " -> " + seen);
        }
    }

    // Regression: these spellings of /chat/x used to pass the / route (no origin rules) and get
    // Tomcat's 101 from its /chat/x endpoint: cross-site WebSocket hijacking. Now /chat/'s Origin check refuses them.
    @Test
    void handshakeSpelledAroundTheChatRouteIsStillCheckedForItsOrigin() throws Exception {
        for (String target : List.of("/./chat/x", "/ws/../chat/x", "//chat/x", "/%63hat/x", "/chat;v=1/x")) {
            try (RawPeer client = RawPeer.connect(proxy.port())) {
                client.write(WsWire.request(target, HOST, WsWire.newKey(), "Origin: " + EVIL_ORIGIN));
                RawHttp.Head head = client.readHead();
                assertEquals(403, head.status(), target + " -> " + head);
            }
        }
        // /ws/./chat/x is /ws/chat/x, not /chat/x: the / route serves it, and Tomcat has no endpoint there
        try (RawPeer client = RawPeer.connect(proxy.port())) {
            client.write(WsWire.request("/ws/./chat/x", HOST, WsWire.newKey(), "Origin: " + EVIL_ORIGIN));
            assertNotEquals(101, client.readHead().status());
        }
    }

    // The allowed origin on a dotted spelling opens a tunnel to the endpoint at the normalised path.
    @Test
    void allowedOriginOnADottedSpellingReachesTheEndpoint() throws Exception {
        try (RawPeer client = RawPeer.connect(proxy.port())) {
            client.write(WsWire.request("/ws/../chat/x", HOST, WsWire.newKey(), "Origin: " + GOOD_ORIGIN));
            RawHttp.Head head = client.readHead();
            assertEquals(101, head.status(), head.toString());
            assertEquals("app session=none", client.readFrame().text());
        }
    }

    /** GET {@code target} through the proxy as {@code Host: example.com}; what the servlet saw, as a map. */
    private Map<String, String> tomcatView(String target) throws IOException {
        try (RawPeer client = RawPeer.connect(proxy.port())) {
            RawHttp.Response response = client.write(
                    RawHttp.request("GET", target, "Host: " + HOST, "Connection: close")).readResponse();
            assertEquals(200, response.status(), target + " -> " + response);
            Map<String, String> view = new LinkedHashMap<>();
            for (String line : response.bodyText().split("\n")) {
                String[] kv = line.split("=", 2);
                view.put(kv[0], kv[1]);
            }
            return view;
        }
    }
}
