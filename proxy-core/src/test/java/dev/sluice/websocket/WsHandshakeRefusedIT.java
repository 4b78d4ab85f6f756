package dev.sluice.websocket;

import dev.sluice.Sluice;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawHttp;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.WsWire;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Handshakes the proxy must refuse itself, before contacting the upstream, and answers from
 * the upstream that must never become a tunnel.
 */
class WsHandshakeRefusedIT {
    /** The lines every WebSocket handshake here starts with; each test adds what it gets wrong. */
    private static final String UPGRADE_HEAD = """
            GET /ws HTTP/1.1\r
            Host: x\r
            Upgrade: websocket\r
            Connection: Upgrade\r
            """;

    private RawBackend backend;
    private Sluice proxy;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    /** A proxy routing /ws to a raw backend running {@code script}; returns the proxy's port. */
    private int proxyTo(RawBackend.Script script) {
        backend = RawBackend.start(script);
        proxy = Sluice.builder().route("/ws", backend.uri()).start();
        return proxy.port();
    }

    /**
     * Sends {@code request} to a proxy whose backend must stay untouched, asserts the proxy's own
     * answer has {@code status} and that neither an upstream connection nor a tunnel was made.
     */
    private RawHttp.Response assertRefusedWithoutContactingUpstream(int status, String request) throws Exception {
        int port = proxyTo((conn, head) -> {
            conn.write("HTTP/1.1 500 Backend Should Not Be Asked\r\nContent-Length: 0\r\n\r\n");
        });
        RawHttp.Response response = exchange(port, request);
        assertEquals(status, response.status(), response.toString());
        assertEquals(0, backend.connections(), "the upstream must not be contacted");
        assertEquals(0, proxy.tunnels().total());
        return response;
    }

    private static RawHttp.Response exchange(int port, String request) throws Exception {
        try (RawPeer client = RawPeer.connect(port)) {
            client.write(request);
            return client.readResponse();
        }
    }

    // RFC 6455 4.2.1: a handshake without Sec-WebSocket-Key is malformed.
    @Test
    void handshakeWithoutKeyIsRefused400WithoutContactingUpstream() throws Exception {
        assertRefusedWithoutContactingUpstream(400, UPGRADE_HEAD + """
                Sec-WebSocket-Version: 13\r
                \r
                """);
    }

    // RFC 6455 4.4: an unsupported version is answered 426 naming the version spoken.
    @Test
    void handshakeWithVersion12IsRefused426Naming13WithoutContactingUpstream() throws Exception {
        RawHttp.Response response = assertRefusedWithoutContactingUpstream(426, UPGRADE_HEAD + """
                Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r
                Sec-WebSocket-Version: 12\r
                \r
                """);
        assertEquals("13", response.header("Sec-WebSocket-Version"));
    }

    // A handshake with a body could hide a second request inside the tunnel; refused outright.
    @Test
    void handshakeWithBodyIsRefused400WithoutContactingUpstream() throws Exception {
        assertRefusedWithoutContactingUpstream(400, UPGRADE_HEAD + """
                Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r
                Sec-WebSocket-Version: 13\r
                Content-Length: 5\r
                \r
                hello""");
    }

    // The client never asked to switch protocols, so an upstream 101 is a bad answer, not a tunnel.
    @Test
    void upstream101ToPlainGetGives502AndNoTunnel() throws Exception {
        int port = proxyTo((conn, head) -> {
            conn.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
        });
        RawHttp.Response response = exchange(port, "GET /ws HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(502, response.status(), response.toString());
        assertEquals(1, backend.requests());
        assertEquals(0, proxy.tunnels().open());
        assertEquals(0, proxy.tunnels().total());
    }

    // The same with a 101 to HTTP/2: Undertow's client must not follow it on its own and wait
    // for an HTTP/2 answer; the client gets 502 at once and the upstream connection is closed.
    @Test
    void upstream101ToH2cForPlainGetGives502() throws Exception {
        int port = proxyTo((conn, head) -> {
            conn.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n");
        });
        RawHttp.Response response = exchange(port, "GET /ws HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals(502, response.status(), response.toString());
        assertTrue(response.bodyText().contains("h2c"), response.bodyText());
        assertTrue(backend.nextConnectionEnd(Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS).peerClosed(),
                "the upstream connection is closed");
        assertEquals(1, backend.connections(), "not retried");
    }

    // A handshake has an upstream connection of its own: the upstream's refusal (403) reaches the
    // client on its keep-alive connection, and that upstream connection is closed, not pooled.
    @Test
    void aRefusedHandshakesUpstreamConnectionIsClosedAfterTheAnswer() throws Exception {
        int port = proxyTo((conn, head) -> conn.write("HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\n\r\nno"));
        try (RawPeer client = RawPeer.connect(port)) {
            client.write(UPGRADE_HEAD + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
            RawHttp.Head head = client.readHead();
            assertEquals(403, head.status(), head.text());
            assertTrue(backend.nextConnectionEnd(Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS).peerClosed(),
                    "the upstream connection is closed once the answer is relayed");
            assertEquals(0, proxy.tunnels().total());
        }
    }

    // Handshakes are not held to the pool's max-connections-per-server: with a limit of 2 (one per
    // IO thread), four handshakes that the upstream answers only once all four arrived all switch.
    @Test
    void handshakesAreNotCappedByThePooledConnectionsLimit() throws Exception {
        CountDownLatch allArrived = new CountDownLatch(4);
        backend = RawBackend.start((conn, head) -> {
            allArrived.countDown();
            if (allArrived.await(10, TimeUnit.SECONDS)) {
                conn.write(WsWire.switchingProtocols(head.header("Sec-WebSocket-Key")));
                conn.in().read(); // holds the tunnel until the client goes
            }
        });
        proxy = Sluice.startYaml("""
                listeners: [ { address: 127.0.0.1:0 } ]
                access-log: off
                upstreams: { ws: { servers: [ { url: %s } ], max-connections-per-server: 2 } }
                routes: [ { match: { path: / }, upstream: ws } ]
                """.formatted(backend.uri()));
        List<CompletableFuture<WsWire.Answer>> opening = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            opening.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return WsWire.open(proxy.port(), "/ws");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (CompletableFuture<WsWire.Answer> answer : opening) {
            assertEquals(101, answer.get(20, TimeUnit.SECONDS).status());
        }
        await().until(() -> proxy.tunnels().open() == 4);
        for (CompletableFuture<WsWire.Answer> answer : opening) {
            answer.join().peer().close();
        }
    }

    // h2c upgrade is not ours to honour: the request goes on as plain HTTP without Upgrade.
    @Test
    void h2cUpgradeIsStrippedAndProxiedAsPlainHttp() throws Exception {
        CompletableFuture<RawHttp.Head> forwarded = new CompletableFuture<>();
        int port = proxyTo((conn, head) -> {
            forwarded.complete(head);
            conn.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok");
        });
        RawHttp.Response response = exchange(port, """
                GET /ws HTTP/1.1\r
                Host: x\r
                Upgrade: h2c\r
                Connection: Upgrade, HTTP2-Settings\r
                HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r
                \r
                """);
        assertEquals(200, response.status(), response.toString());
        assertEquals("ok", response.bodyText());
        RawHttp.Head head = forwarded.get(5, TimeUnit.SECONDS);
        assertFalse(head.has("Upgrade"), "Upgrade must be stripped: " + head.text());
        assertFalse(head.has("HTTP2-Settings"), "a header named by Connection is hop-by-hop");
        assertTrue(head.startLine().startsWith("GET /ws "), head.startLine());
        assertEquals(0, proxy.tunnels().total());
    }
}
