package dev.sluice.edge;

import dev.sluice.Sluice;
import dev.sluice.config.LimitsConfig;
import dev.sluice.config.RouteConfig;
import dev.sluice.config.ServerConfig;
import dev.sluice.config.UpstreamConfig;
import dev.sluice.config.WebSocketConfig;
import dev.sluice.testing.DeadServer;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.WsWire;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Handshakes a route refuses before contacting the upstream: tunnel limit, origin, WebSocket off. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TunnelAdmissionIT {
    private static final Duration SETTLED = Duration.ofSeconds(3);

    // With websocket.max-tunnels 2, the third handshake gets 503 naming the limit (and never
    // reaches the upstream); once one tunnel closes, a new handshake gets its tunnel.
    @Test
    void thirdTunnelOverRouteLimitGets503NamingLimitAndFreedSlotIsReused() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", websocket(true, List.of(), 2), backend.uri()).start()) {
            WsWire.Answer first = WsWire.open(proxy.port(), "/ws");
            WsWire.Answer second = WsWire.open(proxy.port(), "/ws");
            assertEquals(101, first.status(), first.head().text());
            assertEquals(101, second.status(), second.head().text());
            RawPeer firstUpstream = backend.takePeer();
            backend.takePeer();
            await().atMost(SETTLED).until(() -> proxy.tunnels().open() == 2);

            WsWire.Answer third = WsWire.open(proxy.port(), "/ws");
            assertEquals(503, third.status(), third.head().text());
            String body = third.body();
            assertTrue(body.contains("max-tunnels") && body.contains("2"), "503 body names the limit: " + body);
            assertEquals(2, backend.connections(), "the refused handshake never reached the upstream");
            third.peer().close();

            first.peer().close();
            firstUpstream.close();
            await().atMost(SETTLED).until(() -> proxy.tunnels().open() == 1);
            WsWire.Answer fourth = WsWire.open(proxy.port(), "/ws");
            assertEquals(101, fourth.status(), "a freed slot is usable again: " + fourth.head().text());
            await().atMost(SETTLED).until(() -> proxy.tunnels().open() == 2);
            second.peer().close();
            fourth.peer().close();
        }
    }

    // limits.max-tunnels-per-client is off (0) by default: one address (as behind NAT or an L7
    // balancer) opens more tunnels than any small per-client limit would allow.
    @Test
    void perClientLimitIsOffByDefault() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            List<WsWire.Answer> answers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                WsWire.Answer answer = WsWire.open(proxy.port(), "/ws");
                answers.add(answer);
                assertEquals(101, answer.status(), "tunnel " + i + ": " + answer.head().text());
                backend.takePeer();
            }
            await().atMost(SETTLED).until(() -> proxy.tunnels().open() == 3);
            for (WsWire.Answer answer : answers) {
                answer.peer().close();
            }
        }
    }

    // limits.max-tunnels-per-client 2: the third handshake from 127.0.0.1 gets 503 naming the
    // limit and never reaches the upstream.
    @Test
    void thirdTunnelFromOneClientOverPerClientLimitGets503() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", backend.uri())
                     .limits(LimitsConfig.DEFAULTS.withMaxTunnelsPerClient(2)).start()) {
            WsWire.Answer first = WsWire.open(proxy.port(), "/ws");
            WsWire.Answer second = WsWire.open(proxy.port(), "/ws");
            assertEquals(101, first.status(), first.head().text());
            assertEquals(101, second.status(), second.head().text());
            backend.takePeer();
            backend.takePeer();
            await().atMost(SETTLED).until(() -> proxy.tunnels().open() == 2);

            WsWire.Answer third = WsWire.open(proxy.port(), "/ws");
            assertEquals(503, third.status(), third.head().text());
            String body = third.body();
            assertTrue(body.contains("max-tunnels-per-client"), "503 body names the limit: " + body);
            assertEquals(2, backend.connections(), "the refused handshake never reached the upstream");
            third.peer().close();
            first.peer().close();
            second.peer().close();
        }
    }

    // allowed-origins [https://ok.example]: Origin https://evil.example gets 403 and the
    // upstream sees no connection; Origin https://ok.example gets its tunnel.
    @Test
    void originNotAllowedGets403WithoutUpstreamConnection() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder()
                     .route("/", websocket(true, List.of("https://ok.example"), 10_000), backend.uri()).start()) {
            WsWire.Answer evil = WsWire.open(proxy.port(), "/ws", "Origin: https://evil.example");
            assertEquals(403, evil.status(), evil.head().text());
            String body = evil.body();
            assertTrue(body.contains("evil.example"), "403 body says which origin: " + body);
            evil.peer().close();

            WsWire.Answer ok = WsWire.open(proxy.port(), "/ws", "Origin: https://ok.example");
            assertEquals(101, ok.status(), ok.head().text());
            backend.takePeer();
            assertEquals(1, backend.connections(), "only the allowed origin's handshake reached the upstream");
            ok.peer().close();
        }
    }

    // websocket.enabled false: a handshake gets 403 and the upstream sees no connection (the
    // same upstream on a WebSocket-enabled route gets the next one, proving it is counted).
    @Test
    void disabledWebSocketRouteGets403WithoutUpstreamConnection() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder()
                     .route("/off/", websocket(false, List.of(), 10_000), backend.uri())
                     .route("/", backend.uri()).start()) {
            WsWire.Answer refused = WsWire.open(proxy.port(), "/off/ws");
            assertEquals(403, refused.status(), refused.head().text());
            String body = refused.body();
            assertTrue(body.contains("disabled"), "403 body says why: " + body);
            refused.peer().close();

            WsWire.Answer enabled = WsWire.open(proxy.port(), "/on/ws");
            assertEquals(101, enabled.status(), enabled.head().text());
            backend.takePeer();
            assertEquals(1, backend.connections(), "only the enabled route's handshake reached the upstream");
            enabled.peer().close();
        }
    }

    // A route with allowed-origins and a handshake without any Origin (a non-browser client):
    // 403 naming "(none)", never an exception or a 502, and the upstream sees nothing.
    @Test
    void handshakeWithoutOriginOnRouteWithAllowedOriginsGets403() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder()
                     .route("/", websocket(true, List.of("https://ok.example"), 10_000), backend.uri()).start()) {
            WsWire.Answer answer = WsWire.open(proxy.port(), "/ws");
            assertEquals(403, answer.status(), answer.head().text());
            String body = answer.body();
            assertTrue(body.contains("(none)"), "403 body says there was no origin: " + body);
            assertEquals(0, backend.connections());
            answer.peer().close();
        }
    }

    // websocket.max-tunnels 3 and twelve handshakes sent at once while the upstream holds its
    // answers: exactly three reach the upstream and get 101, nine get 503 at once. (Counting
    // only after the 101 let all twelve through.)
    @Test
    void concurrentHandshakesNeverOvershootTheRouteLimit() throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        try (RawBackend backend = RawBackend.start((peer, head) -> {
                answer.await(10, TimeUnit.SECONDS);
                peer.write(WsWire.switchingProtocols(head.header("Sec-WebSocket-Key")));
             });
             Sluice proxy = Sluice.builder().route("/", websocket(true, List.of(), 3), backend.uri()).start()) {
            List<RawPeer> clients = new ArrayList<>();
            List<CompletableFuture<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                RawPeer client = RawPeer.connect(proxy.port());
                clients.add(client);
                client.write(WsWire.handshake("/ws"));
                statuses.add(CompletableFuture.supplyAsync(() -> statusOf(client)));
            }
            await("nine refusals while three handshakes wait for the upstream").atMost(SETTLED)
                    .until(() -> statuses.stream().filter(CompletableFuture::isDone).count() == 9);
            answer.countDown();
            List<Integer> all = statuses.stream().map(CompletableFuture::join).toList();

            assertEquals(3, all.stream().filter(status -> status == 101).count(), "statuses: " + all);
            assertEquals(9, all.stream().filter(status -> status == 503).count(), "statuses: " + all);
            assertEquals(3, backend.connections(), "only the admitted handshakes reached the upstream");
            clients.forEach(RawPeer::close);
            await().atMost(SETTLED).until(() -> proxy.tunnels().open() == 0 && proxy.tunnels().slots() == 0);
        }
    }

    // Behind a trusted proxy (127.0.0.1), max-tunnels-per-client 1 counts the address in
    // X-Forwarded-For: 10.0.0.1 and 10.0.0.2 each get a tunnel, 10.0.0.1's second gets 503.
    @Test
    void perClientLimitCountsTheForwardedClientOfATrustedProxy() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().trustedProxies("127.0.0.1/32").route("/", backend.uri())
                     .limits(LimitsConfig.DEFAULTS.withMaxTunnelsPerClient(1)).start()) {
            WsWire.Answer first = WsWire.open(proxy.port(), "/ws", "X-Forwarded-For: 10.0.0.1");
            WsWire.Answer other = WsWire.open(proxy.port(), "/ws", "X-Forwarded-For: 10.0.0.2");
            assertEquals(101, first.status(), first.head().text());
            assertEquals(101, other.status(), "another client behind the same proxy: " + other.head().text());

            WsWire.Answer again = WsWire.open(proxy.port(), "/ws", "X-Forwarded-For: 10.0.0.1");
            assertEquals(503, again.status(), again.head().text());
            assertTrue(again.body().contains("10.0.0.1"), "the 503 names the client");
            for (WsWire.Answer a : List.of(first, other, again)) {
                a.peer().close();
            }
        }
    }

    // Two routes with the same path on different hosts, each with websocket.max-tunnels 1:
    // each route has its own count (a count by path string refused the second host's tunnel).
    @Test
    void routeLimitIsCountedPerRouteNotPerPath() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder()
                     .upstream(new UpstreamConfig("ws", List.of(new ServerConfig(backend.uri(), null)), null,
                             UpstreamConfig.DEFAULT_STICKY_COOKIE, UpstreamConfig.DEFAULT_CONNECT_TIMEOUT,
                             UpstreamConfig.DEFAULT_RESPONSE_TIMEOUT, UpstreamConfig.DEFAULT_MAX_CONNECTIONS_PER_SERVER))
                     .route(new RouteConfig("/", "a.example", "ws", false, websocket(true, List.of(), 1)))
                     .route(new RouteConfig("/", "b.example", "ws", false, websocket(true, List.of(), 1)))
                     .start()) {
            WsWire.Answer a = open(proxy, "a.example");
            WsWire.Answer b = open(proxy, "b.example");
            assertEquals(101, a.status(), a.head().text());
            assertEquals(101, b.status(), "b.example's route has its own limit: " + b.head().text());
            WsWire.Answer secondA = open(proxy, "a.example");
            assertEquals(503, secondA.status(), secondA.head().text());
            for (WsWire.Answer answer : List.of(a, b, secondA)) {
                answer.peer().close();
            }
        }
    }

    // With websocket.max-tunnels 1, handshakes the upstream refuses (403) or that cannot reach
    // it (502) give their slot back: each next handshake is tried again, never 503.
    @Test
    void refusedAndFailedHandshakesGiveTheirSlotBack() throws Exception {
        try (RawBackend refusing = RawBackend.start((peer, head) ->
                peer.write("HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\n\r\nno"));
             Sluice proxy = Sluice.builder()
                     .route("/refusing/", websocket(true, List.of(), 1), refusing.uri())
                     .route("/down/", websocket(true, List.of(), 1), DeadServer.uri())
                     .start()) {
            for (int i = 0; i < 3; i++) {
                WsWire.Answer refused = WsWire.open(proxy.port(), "/refusing/ws");
                assertEquals(403, refused.status(), "attempt " + i + ": " + refused.head().text());
                refused.peer().close();
                WsWire.Answer failed = WsWire.open(proxy.port(), "/down/ws");
                assertEquals(502, failed.status(), "attempt " + i + ": " + failed.head().text());
                failed.peer().close();
            }
            assertEquals(3, refusing.connections());
            await().atMost(SETTLED).until(() -> proxy.tunnels().slots() == 0);
        }
    }

    private static WsWire.Answer open(Sluice proxy, String host) throws IOException {
        RawPeer peer = RawPeer.connect(proxy.port());
        peer.write(WsWire.request("/ws", host, WsWire.newKey()));
        return new WsWire.Answer(peer, peer.readHead());
    }

    private static int statusOf(RawPeer client) {
        try {
            return client.readHead().status();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }


    private static WebSocketConfig websocket(boolean enabled, List<String> origins, int maxTunnels) {
        return new WebSocketConfig(enabled, Duration.ofHours(1), Duration.ofSeconds(30), origins, maxTunnels);
    }
}
