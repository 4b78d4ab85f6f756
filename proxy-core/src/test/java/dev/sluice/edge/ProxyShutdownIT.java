package dev.sluice.edge;

import dev.sluice.Sluice;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.WsWire;
import dev.sluice.tunnel.Tunnel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code Sluice.close()}: tunnels get the drain timeout, no more, and the port stops accepting. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ProxyShutdownIT {

    // Fifty idle tunnels and a drain timeout of 0: when close() returns, every one of them is
    // closed with reason "drain" and every client sees its end (closes used to be queued on IO
    // threads that were stopped right after, so some tunnels were never closed or logged).
    @Test
    void closeClosesEveryTunnelBeforeItReturns() throws Exception {
        try (RawBackend backend = RawBackend.webSocket()) {
            Sluice proxy = Sluice.builder().route("/", backend.uri()).start();
            List<WsWire.Answer> clients = new ArrayList<>();
            List<Tunnel> tunnels;
            try {
                for (int i = 0; i < 50; i++) {
                    WsWire.Answer client = WsWire.open(proxy.port(), "/idle");
                    assertEquals(101, client.status(), client.head().text());
                    clients.add(client);
                    backend.takePeer();
                }
                await().atMost(Duration.ofSeconds(5)).until(() -> proxy.tunnels().open() == 50);
                tunnels = proxy.tunnels().list();
            } finally {
                proxy.close();
            }

            for (Tunnel tunnel : tunnels) {
                assertEquals("drain", tunnel.closeReason(), tunnel.toString());
            }
            assertEquals(0, proxy.tunnels().open());
            for (WsWire.Answer client : clients) {
                client.peer().awaitEnd(Duration.ofSeconds(5));
                client.peer().close();
            }
        }
    }

    // An idle tunnel that never ends by itself: close() waits the 300 ms drain timeout, then
    // closes the tunnel (the client sees its end) and returns within about 2 s.
    @Test
    void closeWithIdleTunnelReturnsAfterDrainTimeoutAndClosesIt() throws Exception {
        try (RawBackend backend = RawBackend.webSocket()) {
            Sluice proxy = Sluice.builder().drainTimeout(Duration.ofMillis(300)).route("/", backend.uri()).start();
            WsWire.Answer client;
            Tunnel tunnel;
            try {
                client = WsWire.open(proxy.port(), "/idle");
                assertEquals(101, client.status(), client.head().text());
                backend.takePeer();
                await().atMost(Duration.ofSeconds(2)).until(() -> proxy.tunnels().open() == 1);
                tunnel = proxy.tunnels().list().get(0);
            } catch (Exception | Error e) {
                proxy.close();
                throw e;
            }

            long closeMillis = timeMillis(proxy::close);
            assertTrue(closeMillis >= 250, "close() returned after " + closeMillis + " ms, without giving the tunnel its drain time");
            assertTrue(closeMillis < 2_000, "close() took " + closeMillis + " ms with a 300 ms drain timeout");
            String end = client.peer().awaitEnd(Duration.ofSeconds(2));
            System.out.println("drained tunnel ended for the client as " + end + "; reason: " + tunnel.closeReason());
            assertFalse(tunnel.isOpen());
            assertTrue(tunnel.closeReason().contains("drain"), "close reason: " + tunnel.closeReason());
            assertEquals(0, proxy.tunnels().open());
            client.peer().close();
        }
    }

    // A tunnel whose client leaves by itself 200 ms into a 5 s drain: close() waits for it and
    // returns soon after it is gone, well before the drain timeout.
    @Test
    void closeWaitsForLastTunnelAndReturnsSoonAfterItEndsByItself() throws Exception {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        AtomicLong clientLeftAt = new AtomicLong();
        try (RawBackend backend = RawBackend.webSocket()) {
            Sluice proxy = Sluice.builder().drainTimeout(Duration.ofSeconds(5)).route("/", backend.uri()).start();
            Tunnel tunnel;
            try {
                WsWire.Answer client = WsWire.open(proxy.port(), "/leaving");
                assertEquals(101, client.status(), client.head().text());
                RawPeer upstream = backend.takePeer();
                // A well-behaved upstream closes once the client has gone.
                CompletableFuture.runAsync(() -> closeAtEnd(upstream));
                await().atMost(Duration.ofSeconds(2)).until(() -> proxy.tunnels().open() == 1);
                tunnel = proxy.tunnels().list().get(0);
                timer.schedule(() -> {
                    clientLeftAt.set(System.nanoTime());
                    client.peer().close();
                }, 200, TimeUnit.MILLISECONDS);
            } catch (Exception | Error e) {
                proxy.close();
                throw e;
            }

            long closeMillis = timeMillis(proxy::close);
            long returnedAt = System.nanoTime();
            assertTrue(clientLeftAt.get() != 0 && returnedAt - clientLeftAt.get() > 0,
                    "close() returned after " + closeMillis + " ms, before the client left (tunnel closed: "
                            + tunnel.closeReason() + ")");
            long afterClientMillis = TimeUnit.NANOSECONDS.toMillis(returnedAt - clientLeftAt.get());
            assertTrue(afterClientMillis < 1_500, "close() returned " + afterClientMillis
                    + " ms after the last tunnel's client left, drain timeout 5 s");
            assertFalse(tunnel.isOpen());
            assertFalse(tunnel.closeReason().contains("drain"), "close reason: " + tunnel.closeReason());
        } finally {
            timer.shutdownNow();
        }
    }

    // Once close() has returned, the listener's port refuses new connections.
    @Test
    void listenerRefusesConnectionsAfterClose() throws Exception {
        try (RawBackend backend = RawBackend.webSocket()) {
            Sluice proxy = Sluice.builder().route("/", backend.uri()).start();
            int port = proxy.port();
            try (Socket before = new Socket()) {
                before.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            }
            proxy.close();
            try (Socket after = new Socket()) {
                assertThrows(ConnectException.class,
                        () -> after.connect(new InetSocketAddress("127.0.0.1", port), 1_000));
            }
        }
    }

    private static long timeMillis(Runnable action) {
        long start = System.nanoTime();
        action.run();
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    private static void closeAtEnd(RawPeer peer) {
        try {
            peer.awaitEnd(Duration.ofSeconds(10));
        } catch (IOException | AssertionError e) {
            // the test's own assertions report what went wrong
        }
        peer.close();
    }
}
