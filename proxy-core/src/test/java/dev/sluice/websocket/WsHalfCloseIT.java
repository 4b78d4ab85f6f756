package dev.sluice.websocket;

import dev.sluice.Sluice;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawClient;
import dev.sluice.testing.RawHttp;
import dev.sluice.testing.WsFrames;
import dev.sluice.testing.WsProxy;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A FIN from one side of a tunnel is passed on as a half-close; the other direction keeps flowing. */
class WsHalfCloseIT {

    // Client sends "abc" and FIN; the backend sees "abc" then EOF, answers "BYE" and closes; the client reads both.
    @Test
    void clientHalfCloseReachesBackendWhoseAnswerStillArrives() throws Exception {
        CompletableFuture<String> backendSaw = new CompletableFuture<>();
        try (RawBackend backend = RawBackend.start(conn -> {
                 try {
                     RawHttp.Head handshake = conn.readRequestHead();
                     conn.write(WsFrames.switchingProtocols(handshake.header("Sec-WebSocket-Key").orElseThrow()));
                     backendSaw.complete(new String(conn.readToEof(), StandardCharsets.ISO_8859_1));
                     conn.write("BYE");
                     conn.close();
                 } catch (Exception e) {
                     backendSaw.completeExceptionally(e);
                     throw e;
                 }
             });
             Sluice proxy = WsProxy.start("/ws", backend.httpUri());
             RawClient client = RawClient.connect(proxy.port())) {

            client.send(WsFrames.handshake("/ws"));
            assertEquals(101, client.readHead().status());
            client.send("abc");
            client.shutdownOutput();

            assertEquals("abc", backendSaw.get(10, TimeUnit.SECONDS),
                    "the backend must read exactly the tunnelled bytes and then EOF");
            assertEquals("BYE", new String(client.readNBytes(3), StandardCharsets.ISO_8859_1));
            assertTrue(client.readsEof(), "after the backend closed, the client must see EOF");
            await("tunnel closed").atMost(Duration.ofSeconds(5)).until(() -> WsProxy.openTunnels(proxy) == 0);
            assertEquals(1, WsProxy.totalTunnels(proxy));
        }
    }
}
