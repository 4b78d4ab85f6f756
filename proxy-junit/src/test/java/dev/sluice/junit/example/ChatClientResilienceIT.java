package dev.sluice.junit.example;

import dev.sluice.Sluice;
import dev.sluice.config.FaultConfig;
import dev.sluice.fault.ActiveFault;
import dev.sluice.junit.SluiceExtension;
import dev.sluice.junit.SluiceUri;
import dev.sluice.record.WsMessage;
import dev.sluice.tunnel.Tunnel;
import dev.sluice.ws.Direction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An example to copy: a WebSocket client's resilience, tested through Sluice in front of a real
 * server (here an embedded Tomcat with a JSR-356 endpoint; use your own application). Each test
 * gets a fresh proxy (an instance field); the server runs once for the class. If a test fails,
 * {@code target/sluice/<this class>/<test>.har} shows every request and WebSocket message that
 * crossed the proxy: open it in Chrome DevTools, Network, Import HAR.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChatClientResilienceIT {
    private static ChatServer server;

    @RegisterExtension
    SluiceExtension sluice = SluiceExtension.of(() -> Sluice.builder().route("/", server.uri()));

    @BeforeAll
    static void startServer() throws Exception {
        server = ChatServer.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    // The network drops the connection (a TCP reset): the client notices and reconnects.
    @Test
    void reconnectsAfterTheConnectionIsReset(Sluice proxy, @SluiceUri(scheme = "ws", path = "/chat") URI chat)
            throws Exception {
        ChatClient client = new ChatClient(chat, Duration.ofSeconds(2));
        assertEquals("echo: hello", client.send("hello"));

        proxy.faults().resetTunnels();
        await().until(() -> client.ended().isDone());
        assertEquals("echo: still there?", client.send("still there?"));
        assertEquals(2, client.connections());
        assertEquals("reset by a fault", proxy.tunnels().recentlyClosed().get(0).closeReason());
    }

    // The network loses one message on its way to the server: the client hears nothing back,
    // sends it again, and gets its answer. The recording shows the message went out twice.
    @Test
    void sendsAgainWhenAMessageIsLost(Sluice proxy, @SluiceUri(scheme = "ws", path = "/chat") URI chat)
            throws Exception {
        ChatClient client = new ChatClient(chat, Duration.ofMillis(500));
        ActiveFault lose = proxy.faults().add(FaultConfig.dropMessages(1).toUpstream());

        assertEquals("echo: important", client.send("important"));
        assertEquals(1, lose.acted());
        Tunnel tunnel = proxy.tunnels().list().get(0);
        await().until(() -> tunnel.messages().size() == 3);
        assertEquals(2, tunnel.messages().stream().filter(m -> m.direction() == Direction.TO_UPSTREAM).count(),
                "sent twice: " + tunnel.messages());
        assertEquals(1, client.connections(), "no reconnect was needed");
    }

    // The server side goes away with 1011: the client is told why.
    @Test
    void hearsWhyTheServerClosed(Sluice proxy, @SluiceUri(scheme = "ws", path = "/chat") URI chat) throws Exception {
        ChatClient client = new ChatClient(chat, Duration.ofSeconds(2));
        client.send("hello");

        proxy.faults().closeTunnels(1011, "overloaded");
        assertEquals("close 1011 overloaded", client.ended().get(5, TimeUnit.SECONDS));
    }

    // A slow link (200 ms each way to the client) shows in each answer's time; the client
    // still gets every answer in order.
    @Test
    void copesWithASlowLink(Sluice proxy, @SluiceUri(scheme = "ws", path = "/chat") URI chat) throws Exception {
        ChatClient client = new ChatClient(chat, Duration.ofSeconds(5));
        proxy.faults().add(FaultConfig.latency(Duration.ofMillis(200)).toClient());

        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            assertEquals("echo: " + i, client.send(String.valueOf(i)));
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(took >= 200, "answered in " + took + " ms through a 200 ms link");
        }
        WsMessage first = proxy.recording().messages(proxy.tunnels().list().get(0).id()).get(0);
        assertEquals(Direction.TO_UPSTREAM, first.direction());
    }
}
