package dev.sluice.websocket;

import dev.sluice.Sluice;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawHttp;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.WsEchoBackend;
import dev.sluice.testing.WsWire;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.sluice.testing.RawHttp.ascii;
import static dev.sluice.testing.RawHttp.concat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bytes sent right behind either handshake, in the same TCP write, must reach the other side. */
class WsEarlyDataIT {

    // The client's first frame travels in the handshake's write; the proxy must forward it after the 101.
    @Test
    void clientFrameSentWithHandshakeIsEchoedAfter101() throws Exception {
        try (WsEchoBackend backend = WsEchoBackend.start();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {

            client.write(concat(ascii(WsWire.handshake("/echo")), WsWire.clientText("early bird")));
            RawHttp.Head head = client.readHead();
            assertEquals(101, head.status(), head.startLine());
            assertEquals(WsWire.SAMPLE_ACCEPT, head.header("Sec-WebSocket-Accept"));

            WsWire.Frame echo = client.readFrame();
            assertTrue(echo.fin());
            assertEquals(WsWire.TEXT, echo.opcode());
            assertFalse(echo.masked(), "server frames are never masked");
            assertEquals("early bird", echo.text());
        }
    }

    // The backend's first frame travels in the 101's write; the client must get it right after the head.
    @Test
    void backendFrameSentWith101ArrivesRightAfterTheHead() throws Exception {
        try (RawBackend backend = RawBackend.start((conn, handshake) -> {
                 String key = handshake.requireHeader("Sec-WebSocket-Key");
                 conn.write(concat(ascii(WsWire.switchingProtocols(key)), WsWire.serverText("welcome")));
             });
             Sluice proxy = Sluice.builder().route("/ws", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {

            client.write(WsWire.handshake("/ws"));
            RawHttp.Head head = client.readHead();
            assertEquals(101, head.status(), head.startLine());
            assertEquals(WsWire.SAMPLE_ACCEPT, head.header("Sec-WebSocket-Accept"));

            WsWire.Frame welcome = client.readFrame();
            assertEquals(WsWire.TEXT, welcome.opcode());
            assertEquals("welcome", welcome.text());
            await("one tunnel open").atMost(Duration.ofSeconds(5)).until(() -> proxy.tunnels().open() == 1);
        }
    }
}
