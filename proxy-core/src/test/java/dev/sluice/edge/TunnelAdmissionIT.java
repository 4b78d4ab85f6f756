package dev.sluice.edge;

import dev.sluice.Sluice;
import dev.sluice.config.LimitsConfig;
import dev.sluice.config.WebSocketConfig;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.WsWire;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    private static WebSocketConfig websocket(boolean enabled, List<String> origins, int maxTunnels) {
        return new WebSocketConfig(enabled, Duration.ofHours(1), Duration.ofSeconds(30), origins, maxTunnels);
    }
}
