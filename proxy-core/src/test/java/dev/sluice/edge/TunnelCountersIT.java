package dev.sluice.edge;

import dev.sluice.Sluice;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.WsWire;
import dev.sluice.tunnel.Tunnel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The live byte counters of a tunnel, read through {@code proxy.tunnels()} while bytes flow. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TunnelCountersIT {
    private static final Duration COUNTED = Duration.ofSeconds(5);

    // Each burst shows up in bytesToUpstream/bytesToClient while the tunnel is still open, and
    // the final counts equal exactly what each side received after the 101 heads.
    @Test
    void countersRiseWithEachBurstWhileOpenAndEqualBytesEachSideReceived() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            WsWire.Answer client = WsWire.open(proxy.port(), "/counted");
            assertEquals(101, client.status(), client.head().text());
            RawPeer upstream = backend.takePeer();
            await().atMost(COUNTED).until(() -> proxy.tunnels().open() == 1);
            Tunnel tunnel = proxy.tunnels().list().get(0);
            assertEquals(0, tunnel.bytesToUpstream(), "the handshake itself is not counted");
            assertEquals(0, tunnel.bytesToClient(), "the 101 itself is not counted");

            long receivedByUpstream = 0;
            long receivedByClient = 0;
            for (int burst = 1; burst <= 3; burst++) {
                byte[] up = pattern(burst * 40_000, (byte) burst);
                client.peer().write(up);
                assertArrayEquals(up, upstream.readExactly(up.length), "burst " + burst + " to upstream");
                receivedByUpstream += up.length;
                long expectedUp = receivedByUpstream;
                await("bytesToUpstream == " + expectedUp).atMost(COUNTED)
                        .until(() -> tunnel.bytesToUpstream() == expectedUp);

                byte[] down = pattern(burst * 25_000, (byte) -burst);
                upstream.write(down);
                assertArrayEquals(down, client.peer().readExactly(down.length), "burst " + burst + " to client");
                receivedByClient += down.length;
                long expectedDown = receivedByClient;
                await("bytesToClient == " + expectedDown).atMost(COUNTED)
                        .until(() -> tunnel.bytesToClient() == expectedDown);
                assertTrue(tunnel.isOpen(), "counted before the tunnel closed, burst " + burst);
            }

            client.peer().socket().shutdownOutput();
            assertEquals(-1, upstream.in().read(), "the upstream received nothing beyond the counted bytes");
            upstream.close();
            assertEquals(-1, client.peer().in().read(), "the client received nothing beyond the counted bytes");
            await().atMost(COUNTED).until(() -> proxy.tunnels().open() == 0);
            assertEquals(receivedByUpstream, tunnel.bytesToUpstream());
            assertEquals(receivedByClient, tunnel.bytesToClient());
            client.peer().close();
        }
    }

    private static byte[] pattern(int length, byte seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed + i * 31 + (i >>> 8));
        }
        return bytes;
    }
}
