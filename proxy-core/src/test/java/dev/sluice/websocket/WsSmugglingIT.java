package dev.sluice.websocket;

import dev.sluice.Sluice;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawHttp;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.WsWire;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static dev.sluice.testing.RawHttp.ascii;
import static dev.sluice.testing.RawHttp.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * WebSocket smuggling: a client sends a handshake and, in the same write, a request for a
 * path the proxy has no route to. When the backend refuses the upgrade (or fakes a 101),
 * the proxy must not open a raw tunnel: it relays the answer and then parses the trailing
 * bytes as the next HTTP request itself, which it answers 404 because only /ws is routed.
 */
class WsSmugglingIT {
    private static final String SECRET_REQUEST = "GET /secret HTTP/1.1\r\nHost: x\r\n\r\n";

    // A plain 403 to the handshake: relayed, and /secret is routed (404) by the proxy, not tunnelled.
    @Test
    void backendForbiddingUpgradeIsRelayedAndPipelinedRequestGetsProxy404() throws Exception {
        RawHttp.Response refusal = smuggleBehind(
                "HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\nforbidden");
        assertEquals(403, refusal.status(), refusal.toString());
        assertEquals("forbidden", refusal.bodyText());
    }

    // A 426 that carries Upgrade headers is still a refusal, not a switch.
    @Test
    void backend426WithUpgradeHeadersIsRelayedAndPipelinedRequestGetsProxy404() throws Exception {
        RawHttp.Response refusal = smuggleBehind("""
                HTTP/1.1 426 Upgrade Required\r
                Upgrade: websocket\r
                Connection: Upgrade\r
                Sec-WebSocket-Version: 13\r
                Content-Length: 0\r
                \r
                """);
        assertEquals(426, refusal.status(), refusal.toString());
        assertEquals("13", refusal.header("Sec-WebSocket-Version"),
                "the backend's Sec-WebSocket-Version is an end-to-end header and must be relayed");
    }

    // A 101 whose Sec-WebSocket-Accept does not match the key is a bad upstream answer: 502.
    @Test
    void backend101WithWrongAcceptGives502AndPipelinedRequestGetsProxy404() throws Exception {
        RawHttp.Response refusal = smuggleBehind("""
                HTTP/1.1 101 Switching Protocols\r
                Upgrade: websocket\r
                Connection: Upgrade\r
                Sec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r
                \r
                """);
        assertEquals(502, refusal.status(), refusal.toString());
    }

    // A 101 to HTTP/2 (Upgrade: h2c) is no WebSocket switch: 502 at once, the upstream connection
    // closed. (Undertow's client used to follow it and wait for an HTTP/2 answer: no reply at all.)
    @Test
    void backend101ToH2cGives502AndPipelinedRequestGetsProxy404() throws Exception {
        RawHttp.Response refusal = smuggleBehind("""
                HTTP/1.1 101 Switching Protocols\r
                Upgrade: h2c\r
                Connection: Upgrade\r
                \r
                """);
        assertEquals(502, refusal.status(), refusal.toString());
        assertTrue(refusal.bodyText().contains("h2c"), refusal.bodyText());
    }

    private static RawHttp.Response readSecond(RawPeer client) {
        try {
            return client.readResponse();
        } catch (IOException e) {
            throw new AssertionError("no answer to the pipelined GET /secret: the proxy did not parse the bytes"
                    + " behind the refused handshake as the next request (" + e + ")", e);
        }
    }

    /**
     * Sends handshake + /secret in one write to a proxy that routes only /ws to a raw backend
     * answering {@code backendAnswer}; checks everything common to the variants and returns
     * the first response the client read.
     */
    private static RawHttp.Response smuggleBehind(String backendAnswer) throws Exception {
        try (RawBackend backend = RawBackend.start((conn, head) -> conn.write(backendAnswer));
             Sluice proxy = Sluice.builder().route("/ws", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {

            client.write(concat(ascii(WsWire.handshake("/ws")), ascii(SECRET_REQUEST)));
            RawHttp.Response first = client.readResponse();
            RawHttp.Response second = readSecond(client);

            assertEquals(404, second.status(), "the pipelined request must be answered by the proxy: " + second);
            assertTrue(second.bodyText().startsWith("no route for") && second.bodyText().contains("/secret"),
                    "expected the proxy's 'no route for ... /secret', got: " + second.bodyText());

            RawBackend.Ended upstream = backend.nextConnectionEnd(Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
            assertFalse(upstream.receivedText().contains("GET /secret"),
                    "the backend must never see the smuggled request, but got:\n" + upstream.receivedText());
            assertTrue(upstream.peerClosed(),
                    "the proxy must close the upstream connection after a refused upgrade");
            assertEquals(1, backend.connections());
            assertEquals(1, backend.requests());
            assertEquals(0, proxy.tunnels().open());
            assertEquals(0, proxy.tunnels().total());
            assertTrue(backend.failures().isEmpty(), () -> "backend script failed: " + backend.failures());
            return first;
        }
    }
}
