package dev.sluice.edge;

import dev.sluice.Sluice;
import dev.sluice.config.WebSocketConfig;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.WsWire;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a tunnel ends: a reset on either side, and a half-close the other side never answers. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TunnelCloseIT {
    private static final Duration PASSED_ON = Duration.ofSeconds(2);

    // The upstream resets its socket (SO_LINGER 0): the client sees a reset or EOF within 2 s
    // and the tunnel is gone from the registry.
    @Test
    void upstreamResetReachesClientWithinTwoSecondsAndTunnelCloses() throws Exception {
        resetReachesTheOtherSideWithinTwoSecondsAndTunnelCloses(true);
    }

    // Mirror: the client resets; the upstream sees a reset or EOF within 2 s and the tunnel closes.
    @Test
    void clientResetReachesUpstreamWithinTwoSecondsAndTunnelCloses() throws Exception {
        resetReachesTheOtherSideWithinTwoSecondsAndTunnelCloses(false);
    }

    private static void resetReachesTheOtherSideWithinTwoSecondsAndTunnelCloses(boolean upstreamResets)
            throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            Ends ends = openTunnel(proxy, backend);
            RawPeer resetting = upstreamResets ? ends.upstream() : ends.client();
            RawPeer other = upstreamResets ? ends.client() : ends.upstream();

            resetting.reset();
            String end = other.awaitEnd(PASSED_ON);
            System.out.println((upstreamResets ? "client saw the upstream's" : "upstream saw the client's")
                    + " reset as: " + end);
            await().atMost(PASSED_ON).until(() -> proxy.tunnels().open() == 0);
            ends.client().close();
        }
    }

    // The client half-closes and the upstream never closes: the FIN is passed on, the other
    // direction keeps working, and after half-close-timeout (300 ms) both sockets are closed.
    @Test
    void halfCloseNeverAnsweredClosesBothSidesAfterHalfCloseTimeout() throws Exception {
        WebSocketConfig ws = new WebSocketConfig(true, Duration.ofHours(1), Duration.ofMillis(300), List.of(), 10_000);
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", ws, backend.uri()).start()) {
            Ends ends = openTunnel(proxy, backend);
            RawPeer client = ends.client();
            RawPeer upstream = ends.upstream();

            long halfClosedAt = System.nanoTime();
            client.socket().shutdownOutput();
            assertEquals(-1, upstream.in().read(), "the client's FIN reaches the upstream");
            byte[] late = "still talking".getBytes(StandardCharsets.US_ASCII);
            upstream.write(late);
            assertEquals("still talking", new String(client.readExactly(late.length), StandardCharsets.US_ASCII),
                    "the other direction still flows while half-closed");

            String clientEnd = client.awaitEnd(Duration.ofSeconds(3));
            long closedAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - halfClosedAt);
            assertTrue(closedAfterMillis >= 250, "closed after " + closedAfterMillis + " ms, before the 300 ms half-close timeout");
            System.out.println("half-closed tunnel ended for the client after " + closedAfterMillis + " ms: " + clientEnd);
            // The upstream's socket is closed by the proxy too: its writes start failing.
            await("upstream writes fail").atMost(PASSED_ON).pollInterval(Duration.ofMillis(50))
                    .until(() -> writeFails(upstream));
            await().atMost(PASSED_ON).until(() -> proxy.tunnels().open() == 0);
            client.close();
        }
    }

    /** The client's and the upstream's socket of one tunnel. */
    private record Ends(RawPeer client, RawPeer upstream) {
    }

    /** Opens a tunnel through {@code proxy} to {@code backend} and waits until the proxy counts it open. */
    private static Ends openTunnel(Sluice proxy, RawBackend backend) throws IOException, InterruptedException {
        WsWire.Answer client = WsWire.open(proxy.port(), "/ws");
        assertEquals(101, client.status(), client.head().text());
        RawPeer upstream = backend.takePeer();
        await().atMost(PASSED_ON).until(() -> proxy.tunnels().open() == 1);
        return new Ends(client.peer(), upstream);
    }

    private static boolean writeFails(RawPeer peer) {
        try {
            peer.write(new byte[] {1});
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
