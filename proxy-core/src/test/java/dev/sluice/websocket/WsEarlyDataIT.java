package dev.sluice.websocket;

import dev.sluice.Sluice;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawClient;
import dev.sluice.testing.RawHttp;
import dev.sluice.testing.WsEchoBackend;
import dev.sluice.testing.WsFrames;
import dev.sluice.testing.WsProxy;
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
             Sluice proxy = WsProxy.start("/", backend.httpUri());
             RawClient client = RawClient.connect(proxy.port())) {

            client.send(concat(ascii(WsFrames.handshake("/echo")), WsFrames.clientText("early bird")));
            RawHttp.Head head = client.readHead();
            assertEquals(101, head.status(), head.startLine());
            assertEquals(WsFrames.SAMPLE_ACCEPT, head.header("Sec-WebSocket-Accept").orElse(null));

            WsFrames.Frame echo = client.readFrame();
            assertTrue(echo.fin());
            assertEquals(WsFrames.TEXT, echo.opcode());
            assertFalse(echo.masked(), "server frames are never masked");
            assertEquals("early bird", echo.text());
        }
    }

    // The backend's first frame travels in the 101's write; the client must get it right after the head.
    @Test
    void backendFrameSentWith101ArrivesRightAfterTheHead() throws Exception {
        try (RawBackend backend = RawBackend.start(conn -> {
                 RawHttp.Head handshake = conn.readRequestHead();
                 String key = handshake.header("Sec-WebSocket-Key").orElseThrow();
                 conn.write(concat(ascii(WsFrames.switchingProtocols(key)), WsFrames.serverText("welcome")));
             });
             Sluice proxy = WsProxy.start("/ws", backend.httpUri());
             RawClient client = RawClient.connect(proxy.port())) {

            client.send(WsFrames.handshake("/ws"));
            RawHttp.Head head = client.readHead();
            assertEquals(101, head.status(), head.startLine());
            assertEquals(WsFrames.SAMPLE_ACCEPT, head.header("Sec-WebSocket-Accept").orElse(null));

            WsFrames.Frame welcome = client.readFrame();
            assertEquals(WsFrames.TEXT, welcome.opcode());
            assertEquals("welcome", welcome.text());
            await("one tunnel open").atMost(Duration.ofSeconds(5)).until(() -> WsProxy.openTunnels(proxy) == 1);
        }
    }
}
