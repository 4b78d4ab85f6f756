package dev.sluice.websocket;

import dev.sluice.Sluice;
import dev.sluice.config.Builtin;
import dev.sluice.config.ConfigLoader;
import dev.sluice.config.RouteConfig;
import dev.sluice.config.ServerConfig;
import dev.sluice.config.UpstreamConfig;
import dev.sluice.config.WebSocketConfig;
import dev.sluice.testing.HttpClients;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawHttp;
import dev.sluice.testing.WsEchoBackend;
import dev.sluice.testing.WsRecorder;
import dev.sluice.testing.WsWire;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code match.subprotocol}: three routes on {@code /chat/}, for {@code chat} (echo backend A),
 * {@code superchat} (echo backend B) and without a subprotocol (the built-in echo, which picks
 * the first subprotocol offered, so {@code other} chosen shows the handshake reached it). A and B
 * speak both protocols: which one answered is told by their handshake counts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SubprotocolRoutingIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private WsEchoBackend a;
    private WsEchoBackend b;
    private Sluice proxy;

    @BeforeAll
    void start() {
        a = WsEchoBackend.start("chat", "superchat");
        b = WsEchoBackend.start("chat", "superchat");
        proxy = Sluice.builder()
                .upstream(UpstreamConfig.of("a", List.of(new ServerConfig(a.uri(), null))))
                .upstream(UpstreamConfig.of("b", List.of(new ServerConfig(b.uri(), null))))
                .upstream(UpstreamConfig.builtin("c", Builtin.ECHO))
                .route(new RouteConfig("/chat/", null, "a", false, WebSocketConfig.DEFAULTS, "chat"))
                .route(new RouteConfig("/chat/", null, "b", false, WebSocketConfig.DEFAULTS, "superchat"))
                .route(new RouteConfig("/chat/", null, "c", false, WebSocketConfig.DEFAULTS))
                .start();
    }

    @AfterAll
    void stop() {
        try (WsEchoBackend first = a; WsEchoBackend second = b; Sluice p = proxy) {
            // closed in reverse order
        }
    }

    // Offering chat reaches A, offering superchat reaches B, and each sees its protocol chosen.
    @Test
    void eachOfferedSubprotocolReachesItsUpstream() throws Exception {
        int beforeA = a.handshakes();
        int beforeB = b.handshakes();

        assertEquals("chat", echoThrough(proxy.uri("ws", "/chat/room"), "chat"));
        assertEquals(beforeA + 1, a.handshakes());
        assertEquals(beforeB, b.handshakes());

        assertEquals("superchat", echoThrough(proxy.uri("ws", "/chat/room"), "superchat"));
        assertEquals(beforeA + 1, a.handshakes());
        assertEquals(beforeB + 1, b.handshakes());
    }

    // Offering both, the client's first preference that has a route decides.
    @Test
    void clientsOrderOfPreferenceDecides() throws Exception {
        int beforeA = a.handshakes();
        int beforeB = b.handshakes();

        assertEquals("superchat", echoThrough(proxy.uri("ws", "/chat/room"), "other", "superchat", "chat"));
        assertEquals(beforeB + 1, b.handshakes());
        assertEquals("chat", echoThrough(proxy.uri("ws", "/chat/room"), "chat", "superchat"));
        assertEquals(beforeA + 1, a.handshakes());
    }

    // Offering no protocol that has a route, or none at all, takes the route without subprotocol.
    @Test
    void unroutedOrMissingOfferTakesTheRouteWithoutSubprotocol() throws Exception {
        int beforeA = a.handshakes();
        int beforeB = b.handshakes();

        assertEquals("other", echoThrough(proxy.uri("ws", "/chat/room"), "other"));
        assertEquals("", echoThrough(proxy.uri("ws", "/chat/room")));
        assertEquals(beforeA, a.handshakes());
        assertEquals(beforeB, b.handshakes());
    }

    // A plain GET never takes a subprotocol route, even when it carries Sec-WebSocket-Protocol.
    @Test
    void plainRequestTakesTheRouteWithoutSubprotocol() throws Exception {
        HttpResponse<String> response = HttpClients.HTTP_1_1.send(HttpRequest.newBuilder(proxy.uri("http", "/chat/x"))
                .header("Sec-WebSocket-Protocol", "chat").build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().startsWith("GET /chat/x HTTP/1.1\n"), response.body());
    }

    // An offer over two header lines routes by its first token with a route, and reaches the
    // upstream unchanged, line for line: the upstream chooses, not Sluice.
    @Test
    void offerOverSeveralLinesIsRoutedAndForwardedUnchanged() throws Exception {
        try (RawBackend raw = RawBackend.webSocket();
             Sluice p = Sluice.builder()
                     .upstream(UpstreamConfig.of("raw", List.of(new ServerConfig(raw.uri(), null))))
                     .upstream(UpstreamConfig.builtin("echo", Builtin.ECHO))
                     .route(RouteConfig.of("/chat/", "echo")) // the order written does not matter
                     .route(new RouteConfig("/chat/", null, "raw", false, WebSocketConfig.DEFAULTS, "superchat"))
                     .start()) {
            WsWire.Answer answer = WsWire.open(p.port(), "/chat/room",
                    "Sec-WebSocket-Protocol: other", "Sec-WebSocket-Protocol: superchat, chat");
            try (var client = answer.peer(); var upstream = raw.takePeer()) {
                assertEquals(101, answer.status(), answer.head().toString());
                RawHttp.Head forwarded = raw.heads().get(0);
                assertEquals(List.of("other", "superchat, chat"), forwarded.headers("Sec-WebSocket-Protocol"));
            }
        }
    }

    // The same routes from a YAML file, with / (the built-in echo) behind them: a handshake whose
    // offer has no route under /chat/ falls back to the shorter prefix.
    @Test
    void yamlRoutesBySubprotocolAndFallsBackToShorterPath(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sluice.yaml");
        Files.writeString(file, """
                listeners: [ { address: "127.0.0.1:0" } ]
                upstreams:
                  a: { servers: [ { url: "%s" } ] }
                  b: { servers: [ { url: "%s" } ] }
                  echo: { builtin: echo }
                routes:
                  - { match: { path: /chat/, subprotocol: chat }, upstream: a }
                  - { match: { path: /chat/, subprotocol: superchat }, upstream: b }
                  - { match: { path: / }, upstream: echo }
                access-log: off
                shutdown: { drain-timeout: 0s }
                """.formatted(a.uri(), b.uri()));
        int beforeA = a.handshakes();
        int beforeB = b.handshakes();
        try (Sluice p = Sluice.start(ConfigLoader.load(file))) {
            assertEquals("chat", echoThrough(p.uri("ws", "/chat/room"), "chat"));
            assertEquals(beforeA + 1, a.handshakes());
            assertEquals("superchat", echoThrough(p.uri("ws", "/chat/room"), "superchat"));
            assertEquals(beforeB + 1, b.handshakes());

            assertEquals("other", echoThrough(p.uri("ws", "/chat/room"), "other"));
            HttpResponse<String> plain = HttpClients.HTTP_1_1.send(HttpRequest.newBuilder(p.uri("http", "/chat/x"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, plain.statusCode(), plain.body());
            assertEquals(beforeA + 1, a.handshakes());
            assertEquals(beforeB + 1, b.handshakes());
        }
    }

    /**
     * Opens a JDK WebSocket offering {@code offer}, has one message echoed (by then the backend has
     * counted the handshake), closes it and returns the subprotocol the client saw chosen.
     */
    private static String echoThrough(URI uri, String... offer) throws Exception {
        WsRecorder recorder = new WsRecorder();
        WebSocket ws = WsRecorder.connect(HttpClients.HTTP_1_1, uri, recorder, offer);
        ws.sendText("hello", true).get(10, TimeUnit.SECONDS);
        assertEquals("hello", recorder.next(WAIT).text());
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
        recorder.awaitEnd(WAIT);
        return ws.getSubprotocol();
    }
}
