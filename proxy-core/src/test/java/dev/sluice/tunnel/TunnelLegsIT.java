package dev.sluice.tunnel;

import dev.sluice.Sluice;
import dev.sluice.testing.HeapHistogram;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawHttp;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.WsWire;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xnio.Options;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two connections behind a tunnel and the handshake that joins them. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TunnelLegsIT {
    private static final Duration SETTLED = Duration.ofSeconds(5);

    // Both legs of a tunnel have TCP_NODELAY: without it on the upstream leg a 16 KiB message
    // waited 40 ms for a delayed ACK.
    @Test
    void bothLegsOfATunnelHaveTcpNoDelay() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            WsWire.Answer answer = WsWire.open(proxy.port(), "/ws");
            assertEquals(101, answer.status(), answer.head().text());
            backend.takePeer();
            await().atMost(SETTLED).until(() -> proxy.tunnels().open() == 1 && proxy.tunnels().list().get(0).splice() != null);
            Splice splice = proxy.tunnels().list().get(0).splice();

            assertEquals(Boolean.TRUE, splice.clientConnection().getOption(Options.TCP_NODELAY), "client leg");
            assertEquals(Boolean.TRUE, splice.upstreamConnection().getOption(Options.TCP_NODELAY), "upstream leg");
            answer.peer().close();
        }
    }

    // 2,000 handshakes the upstream refuses, one after another on one keep-alive client
    // connection: no per-handshake object stays alive while the connection is open (each used
    // to leave a close listener on it).
    @Test
    void refusedHandshakesOnOneConnectionLeaveNothingBehind() throws Exception {
        try (RawBackend backend = RawBackend.start((peer, head) ->
                peer.write("HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\n\r\nno"));
             // a recording keeps every exchange, by design: this is about what the connection keeps
             Sluice proxy = Sluice.builder().route("/", backend.uri()).recording(false).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            for (int i = 0; i < 2_000; i++) {
                client.write(WsWire.handshake("/ws"));
                RawHttp.Response response = client.readResponse();
                assertEquals(403, response.status(), "handshake " + i);
            }

            Map<String, Long> live = HeapHistogram.take().instancesOf("dev.sluice.");
            live.keySet().removeIf(name -> name.startsWith("dev.sluice.testing.")); // the backend's own records
            long most = live.values().stream().mapToLong(Long::longValue).max().orElse(0);
            assertTrue(most < 100, "live dev.sluice objects after 2,000 handshakes on one connection: " + live);
        }
    }

    // A pooled upstream connection that the upstream closes as the handshake arrives: the
    // handshake (a body-less GET) is sent again on a fresh connection and the tunnel opens.
    @Test
    void handshakeOnAStalePooledConnectionIsSentAgain() throws Exception {
        try (RawBackend backend = RawBackend.start((peer, head) -> {
                String key = head.header("Sec-WebSocket-Key");
                if (key != null) {
                    peer.write(WsWire.switchingProtocols(key));
                    return;
                }
                peer.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                peer.readHead(); // the handshake, on this now pooled connection
                peer.close();    // as an upstream whose keep-alive timeout fired just then
             });
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            client.write(RawHttp.request("GET", "/plain", "Host: 127.0.0.1"));
            assertEquals(200, client.readResponse().status());

            client.write(WsWire.handshake("/ws")); // same client connection, so same IO thread and pool
            RawHttp.Head answer = client.readHead();

            assertEquals(101, answer.status(), answer.text());
            assertEquals(2, backend.connections(), "sent again on a second upstream connection");
        }
    }
}
