package dev.sluice.fault;

import dev.sluice.Sluice;
import dev.sluice.config.FaultConfig;
import dev.sluice.config.FaultDirection;
import dev.sluice.testing.HeapHistogram;
import dev.sluice.testing.HttpClients;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.ReconnectingClient;
import dev.sluice.testing.WsEchoBackend;
import dev.sluice.testing.WsRecorder;
import dev.sluice.testing.WsWire;
import dev.sluice.tunnel.Tunnel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults on a tunnel's bytes, as Toxiproxy's toxics act on a TCP link: switched on and off while
 * the tunnel is open, each shown by what a real client and server see.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpFaultsIT {
    private static final Duration WAIT = Duration.ofSeconds(5);

    // Latency to the client shows in each echo round trip of a JDK WebSocket client, and goes
    // away when the fault is removed, on the same connection.
    @Test
    void latencyShowsInRoundTripsAndGoesAwayWhenRemoved() throws Exception {
        try (WsEchoBackend backend = WsEchoBackend.start();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            WsRecorder recorder = new WsRecorder();
            WebSocket ws = WsRecorder.connect(HttpClients.HTTP_1_1, proxy.uri("ws", "/echo"), recorder);
            ActiveFault latency = proxy.faults().latency(FaultDirection.TO_CLIENT, Duration.ofMillis(300));

            for (int i = 0; i < 3; i++) {
                long took = roundTrip(ws, recorder, "slow " + i);
                assertTrue(took >= 300, "round trip of " + took + " ms with 300 ms latency");
            }
            assertTrue(proxy.faults().remove(latency.name()));
            long fastest = Long.MAX_VALUE;
            for (int i = 0; i < 5; i++) {
                fastest = Math.min(fastest, roundTrip(ws, recorder, "fast " + i));
            }
            assertTrue(fastest < 300, "fastest round trip after removal: " + fastest + " ms");
            assertEquals(1, proxy.tunnels().open(), "the same tunnel throughout");
        }
    }

    // Removing a latency fault while it holds a message does not let the next message overtake
    // it: the held one goes out first, the later one without the delay.
    @Test
    void removingLatencyNeverReorders() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            WsWire.Answer client = WsWire.open(proxy.port(), "/ws");
            RawPeer upstream = backend.takePeer();
            Tunnel tunnel = proxy.tunnels().awaitOpen(1, WAIT).get(0);
            ActiveFault latency = proxy.faults().add(FaultConfig.latency(Duration.ofMillis(500)).toClient());

            upstream.write(WsWire.serverText("first"));
            await().atMost(WAIT).until(() -> tunnel.messagesToClient() == 1); // read, and held
            proxy.faults().remove(latency.name());
            upstream.write(WsWire.serverText("second"));
            assertEquals("first", client.peer().readFrame().text());
            assertEquals("second", client.peer().readFrame().text());
        }
    }

    // A proxy stopping while a latency fault holds bytes sends them before its Close 1001.
    @Test
    void closeFrameWaitsForHeldBytes() throws Exception {
        try (RawBackend backend = RawBackend.webSocket()) {
            Sluice proxy = Sluice.builder().route("/", backend.uri()).start();
            WsWire.Answer client = WsWire.open(proxy.port(), "/ws");
            RawPeer upstream = backend.takePeer();
            Tunnel tunnel = proxy.tunnels().awaitOpen(1, WAIT).get(0);
            proxy.faults().add(FaultConfig.latency(Duration.ofMillis(300)).toClient());
            upstream.write(WsWire.serverText("held"));
            await().atMost(WAIT).until(() -> tunnel.messagesToClient() == 1);

            Thread closing = new Thread(proxy::close);
            closing.start();
            assertEquals("held", client.peer().readFrame().text());
            WsWire.Frame close = client.peer().readFrame();
            assertEquals(0x8, close.opcode());
            assertEquals(1001, ((close.payload()[0] & 0xFF) << 8) | (close.payload()[1] & 0xFF));
            client.peer().close();
            upstream.close();
            closing.join(15_000);
        }
    }

    // 10 MiB to the client through a 4 MiB/s bandwidth fault take 2.5 s, within 10%.
    @Test
    void bandwidthHoldsATransferToTheRate() throws Exception {
        int size = 10 * 1024 * 1024;
        long rate = 4 * 1024 * 1024;
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            WsWire.Answer client = WsWire.open(proxy.port(), "/ws");
            RawPeer upstream = backend.takePeer();
            proxy.faults().add(FaultConfig.bandwidth(rate).toClient());
            byte[] payload = new byte[size];
            new Random(7).nextBytes(payload);

            long start = System.nanoTime();
            Thread writer = new Thread(() -> {
                try {
                    upstream.write(payload);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            writer.start();
            byte[] received = client.peer().readExactly(size);
            double seconds = (System.nanoTime() - start) / 1e9;
            writer.join();
            assertArrayEquals(payload, received);
            double expected = (double) size / rate;
            assertTrue(Math.abs(seconds - expected) <= expected * 0.10,
                    String.format("10 MiB took %.2f s at %d B/s; expected %.2f s ± 10%%", seconds, rate, expected));
        }
    }

    // A blackhole to the client reads what the upstream sends and forwards nothing; removed, the
    // next bytes arrive, the swallowed ones are gone for good.
    @Test
    void blackholeSwallowsUntilRemoved() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            WsWire.Answer client = WsWire.open(proxy.port(), "/ws");
            RawPeer upstream = backend.takePeer();
            proxy.faults().add(FaultConfig.blackhole().toClient().named("hole"));
            Tunnel tunnel = proxy.tunnels().awaitOpen(1, WAIT).get(0);

            upstream.write(WsWire.serverText("into the hole"));
            await().atMost(WAIT).until(() -> tunnel.messagesToClient() == 1); // read by the proxy
            assertEquals(0, tunnel.bytesToClient(), "nothing written to the client");
            proxy.faults().remove("hole");
            upstream.write(WsWire.serverText("out"));
            assertEquals("out", client.peer().readFrame().text());
        }
    }

    // slice with one-byte segments holds what it read as it came (a copy per read), not a
    // buffer, a record and a timer per byte: 200 KiB held make a handful of pieces.
    @Test
    void oneByteSlicesHoldBytesAsTheyCame() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            WsWire.Answer client = WsWire.open(proxy.port(), "/ws");
            RawPeer upstream = backend.takePeer();
            Tunnel tunnel = proxy.tunnels().awaitOpen(1, WAIT).get(0);
            proxy.faults().add(FaultConfig.slice(1, Duration.ofMillis(50)).toClient());
            upstream.write(WsWire.serverFrame(WsWire.BINARY, new byte[200 * 1024]));
            await().atMost(WAIT).until(() -> tunnel.messagesToClient() == 1);

            long pieces = HeapHistogram.take().instancesOf("dev.sluice.fault.HeldBytes$Piece").values().stream()
                    .mapToLong(Long::longValue).sum();
            assertTrue(pieces > 0 && pieces < 100, pieces + " pieces held");
            assertTrue(client.peer().in().read() >= 0, "the bytes still trickle out");
            client.peer().close();
        }
    }

    // A blackhole on both directions with probability 0.5 strikes a tunnel both ways or not at
    // all: its probability is rolled once per tunnel, and acted() counts the tunnels it struck.
    @Test
    void probabilityIsRolledOncePerTunnelForBothDirections() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            ActiveFault hole = proxy.faults().add(FaultConfig.blackhole().withProbability(0.5));
            int struck = 0;
            for (int i = 0; i < 24; i++) {
                WsWire.Answer client = WsWire.open(proxy.port(), "/ws");
                RawPeer upstream = backend.takePeer();
                Tunnel tunnel = proxy.tunnels().awaitOpen(1, WAIT).get(0);
                for (int n = 0; n < 2; n++) { // the second message's read proves the first was passed on, or not
                    client.peer().write(WsWire.clientText("up " + n));
                    upstream.write(WsWire.serverText("down " + n));
                }
                await().atMost(WAIT).until(() -> tunnel.messagesToUpstream() == 2 && tunnel.messagesToClient() == 2);
                boolean upLost = tunnel.bytesToUpstream() == 0;
                assertEquals(upLost, tunnel.bytesToClient() == 0, "tunnel " + i + " struck one way only");
                struck += upLost ? 1 : 0;
                client.peer().close();
                upstream.close();
                proxy.tunnels().awaitClosed(tunnel.id(), WAIT);
            }
            assertEquals(struck, hole.acted(), "acted() counts tunnels");
            assertTrue(struck > 0 && struck < 24, struck + " of 24 struck");
        }
    }

    // limit-data closes the tunnel after exactly N bytes to the client: the client reads N
    // bytes, then the end of the stream.
    @Test
    void limitDataClosesAfterExactlyNBytes() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            WsWire.Answer client = WsWire.open(proxy.port(), "/ws");
            RawPeer upstream = backend.takePeer();
            long id = proxy.tunnels().awaitOpen(1, WAIT).get(0).id();
            proxy.faults().add(FaultConfig.limitData(1000).toClient());
            byte[] sent = new byte[5000];
            new Random(3).nextBytes(sent);

            upstream.write(Arrays.copyOf(sent, 600));
            upstream.write(Arrays.copyOfRange(sent, 600, sent.length));
            byte[] received = client.peer().readToEof();
            assertArrayEquals(Arrays.copyOf(sent, 1000), received);
            Tunnel closed = proxy.tunnels().awaitClosed(id, WAIT);
            assertTrue(closed.closeReason().startsWith("limit-data"), closed.closeReason());
            assertEquals(1000, closed.bytesToClient());
        }
    }

    // limit-data on both directions counts each direction on its own (as Toxiproxy's limit_data
    // does per stream): 60 bytes up do not use the budget of the bytes down, which get all 100
    // before the tunnel closes.
    @Test
    void limitDataOnBothDirectionsCountsEachOnItsOwn() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            WsWire.Answer client = WsWire.open(proxy.port(), "/ws");
            RawPeer upstream = backend.takePeer();
            long id = proxy.tunnels().awaitOpen(1, WAIT).get(0).id();
            proxy.faults().add(FaultConfig.limitData(100));
            byte[] up = new byte[60];
            byte[] down = new byte[150];
            new Random(5).nextBytes(up);
            new Random(6).nextBytes(down);

            client.peer().write(up);
            assertArrayEquals(up, upstream.readExactly(60));
            upstream.write(down);
            assertArrayEquals(Arrays.copyOf(down, 100), client.peer().readToEof());
            Tunnel closed = proxy.tunnels().awaitClosed(id, WAIT);
            assertEquals(60, closed.bytesToUpstream());
            assertEquals(100, closed.bytesToClient());
        }
    }

    // slice writes a 100-byte frame to the client in 10-byte segments 20 ms apart: the client's
    // reads see it arrive in pieces, and the bytes are whole.
    @Test
    void sliceDeliversInSmallSegments() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            WsWire.Answer client = WsWire.open(proxy.port(), "/ws");
            RawPeer upstream = backend.takePeer();
            proxy.faults().add(FaultConfig.slice(10, Duration.ofMillis(20)).toClient());
            byte[] frame = WsWire.serverFrame(WsWire.BINARY, new byte[98]);

            upstream.write(frame);
            InputStream in = client.peer().in();
            byte[] received = new byte[frame.length];
            int reads = 0;
            for (int at = 0; at < received.length; reads++) {
                int n = in.read(received, at, received.length - at);
                assertTrue(n > 0, "stream ended early");
                at += n;
            }
            assertArrayEquals(frame, received);
            assertTrue(reads >= 3, "100 bytes in 10-byte segments 20 ms apart came in " + reads + " reads");
        }
    }

    // slow-close holds the upstream's FIN back 400 ms: the client sees the end of the stream no
    // sooner, after every byte before it.
    @Test
    void slowCloseHoldsTheFinBack() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            WsWire.Answer client = WsWire.open(proxy.port(), "/ws");
            RawPeer upstream = backend.takePeer();
            proxy.faults().add(FaultConfig.slowClose(Duration.ofMillis(400)).toClient());

            upstream.write(WsWire.serverText("last words"));
            long shut = System.nanoTime();
            upstream.shutdownOutput();
            assertEquals("last words", client.peer().readFrame().text());
            assertEquals(0, client.peer().readToEof().length);
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - shut);
            assertTrue(waited >= 400, "FIN arrived after " + waited + " ms");
        }
    }

    // resetTunnels() resets every open tunnel: both peers see a connection reset, not an
    // orderly end, and the registry logs why.
    @Test
    void resetTunnelsResetsBothPeers() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            WsWire.Answer client = WsWire.open(proxy.port(), "/ws");
            RawPeer upstream = backend.takePeer();
            long id = proxy.tunnels().awaitOpen(1, WAIT).get(0).id();

            proxy.faults().resetTunnels();
            assertThrows(SocketException.class, () -> client.peer().readToEof());
            assertThrows(SocketException.class, () -> upstream.readToEof());
            assertEquals("reset by a fault", proxy.tunnels().awaitClosed(id, WAIT).closeReason());
        }
    }

    // A client with reconnect logic: its session ends in an error on the reset, it connects
    // again, and the new tunnel echoes.
    @Test
    void clientWithReconnectLogicReconnectsAfterAReset() throws Exception {
        try (WsEchoBackend backend = WsEchoBackend.start();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            ReconnectingClient client = new ReconnectingClient(proxy.uri("ws", "/echo"));
            assertEquals("one", client.echo("one"));

            proxy.faults().resetTunnels();
            assertTrue(client.awaitEnd().startsWith("error"), "the session ended in an error, not a close");
            assertEquals("two", client.echo("two"));
            assertEquals(2, client.connections());
            assertEquals(1, proxy.tunnels().open());
        }
    }

    // A standing reset fault with a delay lets each new tunnel live that long, then resets it.
    @Test
    void resetFaultWithDelayResetsEachNewTunnel() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().fault(FaultConfig.reset(Duration.ofMillis(200))).route("/", backend.uri())
                     .start()) {
            WsWire.Answer client = WsWire.open(proxy.port(), "/ws");
            RawPeer upstream = backend.takePeer();
            client.peer().write(WsWire.clientText("in time"));
            assertEquals("in time", upstream.readFrame().text());
            assertThrows(SocketException.class, () -> client.peer().readToEof());
            await().atMost(WAIT).until(() -> proxy.tunnels().open() == 0);
            assertTrue(proxy.tunnels().recentlyClosed().get(0).closeReason().startsWith("reset by fault reset-"));
        }
    }

    private static long roundTrip(WebSocket ws, WsRecorder recorder, String text) throws Exception {
        long start = System.nanoTime();
        ws.sendText(text, true).join();
        assertEquals(text, recorder.next(WAIT).text());
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
}
