package dev.sluice.websocket;

import dev.sluice.Sluice;
import dev.sluice.config.WebSocketConfig;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.WsWire;
import dev.sluice.tunnel.Tunnel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Idle timeout and drain close a tunnel the WebSocket way: each peer gets a Close 1001 at a
 * frame boundary (masked towards the upstream), then a moment to answer before the sockets close.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WsPoliteCloseIT {
    private static final Duration SETTLED = Duration.ofSeconds(5);

    // After one message each way and 300 ms of silence, the client gets an unmasked Close 1001
    // and the upstream a masked one; their answering Closes are recorded, not relayed, and the
    // tunnel leaves the registry with reason "idle", one message each way.
    @Test
    void idleTunnelGetsClose1001OnBothSides() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", idle(Duration.ofMillis(300)), backend.uri()).start()) {
            WsWire.Answer client = WsWire.open(proxy.port(), "/ws");
            RawPeer upstream = backend.takePeer();
            client.peer().write(WsWire.clientText("hello"));
            assertEquals("hello", upstream.readFrame().text());
            upstream.write(WsWire.serverText("hi"));
            assertEquals("hi", client.peer().readFrame().text());
            long id = proxy.tunnels().list().get(0).id();

            assertGoingAway(client.peer().readFrame(), false);
            assertGoingAway(upstream.readFrame(), true);
            client.peer().write(WsWire.clientFrame(8, closePayload(1000)));
            upstream.write(WsWire.serverFrame(8, closePayload(1001)));

            Tunnel closed = proxy.tunnels().awaitClosed(id, SETTLED);
            assertTrue(closed.closeReason().startsWith("idle"), closed.closeReason());
            assertEquals(1000, closed.clientCloseCode());
            assertEquals(1001, closed.upstreamCloseCode());
            assertEquals(1, closed.messagesToUpstream());
            assertEquals(1, closed.messagesToClient());
            assertEquals(0, client.peer().readToEof().length, "nothing after the proxy's Close reaches the client");
            assertEquals(0, upstream.readToEof().length, "nothing after the proxy's Close reaches the upstream");
        }
    }

    // At the drain deadline an open tunnel gets the same: Close 1001 both ways, reason "drain".
    @Test
    void drainSendsClose1001ToBothSides() throws Exception {
        try (RawBackend backend = RawBackend.webSocket()) {
            Sluice proxy = Sluice.builder().drainTimeout(Duration.ofMillis(200)).route("/", backend.uri()).start();
            WsWire.Answer client = WsWire.open(proxy.port(), "/ws");
            RawPeer upstream = backend.takePeer();
            await().atMost(SETTLED).until(() -> proxy.tunnels().open() == 1);
            long id = proxy.tunnels().list().get(0).id();

            CompletableFuture<Void> closing = CompletableFuture.runAsync(proxy::close);
            assertGoingAway(client.peer().readFrame(), false);
            assertGoingAway(upstream.readFrame(), true);
            client.peer().close();
            upstream.close();
            closing.get(15, TimeUnit.SECONDS);

            Tunnel closed = proxy.tunnels().find(id);
            assertEquals("drain", closed.closeReason());
        }
    }

    // A client is in the middle of a 10 MiB frame when the drain deadline comes: the client is
    // told at once (nothing is being relayed to it), the upstream only after the last byte of
    // the 10 MiB frame, which arrives whole.
    @Test
    void drainWaitsForTheFrameInFlightBeforeItsClose() throws Exception {
        byte[] payload = new byte[10 * 1024 * 1024];
        new Random(7).nextBytes(payload);
        byte[] frame = WsWire.clientFrame(WsWire.BINARY, payload);
        int first = 1024 * 1024;
        try (RawBackend backend = RawBackend.webSocket()) {
            Sluice proxy = Sluice.builder().drainTimeout(Duration.ZERO).route("/", backend.uri()).start();
            WsWire.Answer client = WsWire.open(proxy.port(), "/ws");
            RawPeer upstream = backend.takePeer();
            CompletableFuture<WsWire.Frame> big = CompletableFuture.supplyAsync(() -> readFrame(upstream));
            client.peer().write(Arrays.copyOfRange(frame, 0, first));
            await().atMost(SETTLED).until(() -> proxy.tunnels().open() == 1
                    && proxy.tunnels().list().get(0).bytesToUpstream() == first);

            CompletableFuture<Void> closing = CompletableFuture.runAsync(proxy::close);
            assertGoingAway(client.peer().readFrame(), false);
            client.peer().write(Arrays.copyOfRange(frame, first, frame.length));

            WsWire.Frame relayed = big.get(15, TimeUnit.SECONDS);
            assertEquals(WsWire.BINARY, relayed.opcode());
            assertArrayEquals(payload, relayed.payload(), "the frame in flight arrives whole");
            assertGoingAway(upstream.readFrame(), true);
            client.peer().close();
            upstream.close();
            closing.get(15, TimeUnit.SECONDS);
        }
    }

    // The client's last bytes and its Close 1000 come in one read, while the proxy waits to
    // close: the frame reaches the upstream whole, the Close stays with the proxy, and its code
    // is still read (the scanner reads on past the cut).
    @Test
    void aCloseRightBehindTheCutIsStillRead() throws Exception {
        byte[] frame = WsWire.clientFrame(WsWire.BINARY, new byte[4000]);
        try (RawBackend backend = RawBackend.webSocket()) {
            Sluice proxy = Sluice.builder().drainTimeout(Duration.ZERO).route("/", backend.uri()).start();
            WsWire.Answer client = WsWire.open(proxy.port(), "/ws");
            RawPeer upstream = backend.takePeer();
            client.peer().write(Arrays.copyOfRange(frame, 0, 1000));
            await().atMost(SETTLED).until(() -> proxy.tunnels().open() == 1
                    && proxy.tunnels().list().get(0).bytesToUpstream() == 1000);
            long id = proxy.tunnels().list().get(0).id();

            CompletableFuture<Void> closing = CompletableFuture.runAsync(proxy::close);
            assertGoingAway(client.peer().readFrame(), false);
            byte[] rest = Arrays.copyOfRange(frame, 1000, frame.length);
            byte[] close = WsWire.clientFrame(8, closePayload(1000));
            byte[] oneRead = Arrays.copyOf(rest, rest.length + close.length);
            System.arraycopy(close, 0, oneRead, rest.length, close.length);
            client.peer().write(oneRead);

            assertEquals(4000, upstream.readFrame().payload().length);
            assertGoingAway(upstream.readFrame(), true);
            client.peer().close();
            upstream.close();
            closing.get(15, TimeUnit.SECONDS);
            assertEquals(1000, proxy.tunnels().find(id).clientCloseCode(), "the client's Close code, read past the cut");
        }
    }

    // A close reason longer than a Close frame holds is cut on a character boundary: the
    // client reads valid UTF-8 (a cut inside a character would make it fail with 1007).
    @Test
    void aLongReasonIsCutOnACharacterBoundary() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            WsWire.Answer client = WsWire.open(proxy.port(), "/ws");
            backend.takePeer();
            Tunnel tunnel = proxy.tunnels().awaitOpen(1, SETTLED).get(0);
            tunnel.close("x" + "\u20ac".repeat(60)); // three-byte characters, one byte off their grid

            WsWire.Frame close = client.peer().readFrame();
            ByteBuffer payload = ByteBuffer.wrap(close.payload());
            assertEquals(1001, payload.getShort() & 0xFFFF);
            String reason = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).decode(payload).toString();
            assertTrue(reason.startsWith("going away: x\u20ac\u20ac"), reason);
            assertTrue(close.payload().length <= 125 && close.payload().length > 120, close.payload().length + " bytes");
        }
    }

    // A frame that does not end within the bound (5 s) is not waited for: both sides are
    // reset, and the reason says so.
    @Test
    void frameThatNeverEndsIsResetAfterTheBound() throws Exception {
        byte[] frame = WsWire.clientFrame(WsWire.BINARY, new byte[100_000]);
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", idle(Duration.ofMillis(300)), backend.uri()).start()) {
            WsWire.Answer client = WsWire.open(proxy.port(), "/ws");
            RawPeer upstream = backend.takePeer();
            client.peer().write(Arrays.copyOfRange(frame, 0, 1000)); // and never the rest
            await().atMost(SETTLED).until(() -> proxy.tunnels().open() == 1);
            long id = proxy.tunnels().list().get(0).id();

            assertGoingAway(client.peer().readFrame(), false);
            Tunnel closed = proxy.tunnels().awaitClosed(id, Duration.ofSeconds(15));
            assertTrue(closed.closeReason().contains("did not end within"), closed.closeReason());
            assertTrue(upstream.awaitEnd(SETTLED).startsWith("reset"), "the upstream is reset, not closed");
        }
    }

    private static WsWire.Frame readFrame(RawPeer peer) {
        try {
            return peer.readFrame();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void assertGoingAway(WsWire.Frame frame, boolean masked) {
        assertEquals(8, frame.opcode(), "a Close frame");
        assertEquals(masked, frame.masked(), masked ? "towards the upstream it is masked" : "unmasked to the client");
        ByteBuffer payload = ByteBuffer.wrap(frame.payload());
        assertEquals(1001, payload.getShort() & 0xFFFF);
        String reason = StandardCharsets.UTF_8.decode(payload).toString();
        assertTrue(reason.startsWith("going away"), reason);
    }

    private static byte[] closePayload(int code) {
        return new byte[] {(byte) (code >> 8), (byte) code};
    }

    private static WebSocketConfig idle(Duration idle) {
        WebSocketConfig d = WebSocketConfig.DEFAULTS;
        return new WebSocketConfig(d.enabled(), idle, d.halfCloseTimeout(), d.allowedOrigins(), d.maxTunnels());
    }
}
