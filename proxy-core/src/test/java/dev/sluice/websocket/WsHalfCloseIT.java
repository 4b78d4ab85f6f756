package dev.sluice.websocket;

import dev.sluice.Sluice;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.WsWire;
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
        try (RawBackend backend = RawBackend.start((conn, handshake) -> {
                 try {
                     conn.write(WsWire.switchingProtocols(handshake.requireHeader("Sec-WebSocket-Key")));
                     backendSaw.complete(new String(conn.readToEof(), StandardCharsets.ISO_8859_1));
                     conn.write("BYE");
                     conn.close();
                 } catch (Exception e) {
                     backendSaw.completeExceptionally(e);
                     throw e;
                 }
             });
             Sluice proxy = Sluice.builder().route("/ws", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {

            client.write(WsWire.handshake("/ws"));
            assertEquals(101, client.readHead().status());
            client.write("abc");
            client.shutdownOutput();

            assertEquals("abc", backendSaw.get(10, TimeUnit.SECONDS),
                    "the backend must read exactly the tunnelled bytes and then EOF");
            assertEquals("BYE", new String(client.readExactly(3), StandardCharsets.ISO_8859_1));
            assertTrue(client.readsEof(), "after the backend closed, the client must see EOF");
            await("tunnel closed").atMost(Duration.ofSeconds(5)).until(() -> proxy.tunnels().open() == 0);
            assertEquals(1, proxy.tunnels().total());
        }
    }
}
