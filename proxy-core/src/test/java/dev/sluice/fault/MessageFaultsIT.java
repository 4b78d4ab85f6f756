package dev.sluice.fault;

import dev.sluice.Sluice;
import dev.sluice.config.ConfigLoader;
import dev.sluice.config.FaultConfig;
import dev.sluice.record.WsMessage;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.WsWire;
import dev.sluice.tunnel.Tunnel;
import dev.sluice.ws.Direction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults that act on whole WebSocket messages, on the frames as they are on the wire: the peer
 * gets a valid stream (masking and fragmentation intact) in which the chosen messages are
 * missing, repeated or late, and every other byte is as it was sent.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MessageFaultsIT {
    private static final Duration WAIT = Duration.ofSeconds(5);

    // The next message the client sends is dropped, a fragmented one with a ping between its
    // fragments: the upstream gets the ping and the message after, byte for byte, and the fault
    // has used its one message.
    @Test
    void droppedMessageIsMissingAtTheFarSideAndNothingElseIs() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            WsWire.Answer client = WsWire.open(proxy.port(), "/ws");
            RawPeer upstream = backend.takePeer();
            ActiveFault drop = proxy.faults().add(FaultConfig.dropMessages(1).toUpstream());

            byte[] first = WsWire.clientFragment(false, WsWire.TEXT, "dro".getBytes(StandardCharsets.UTF_8));
            byte[] ping = WsWire.clientFrame(0x9, "p".getBytes(StandardCharsets.UTF_8));
            byte[] last = WsWire.clientFrame(0x0, "pped".getBytes(StandardCharsets.UTF_8));
            byte[] kept = WsWire.clientText("kept");
            client.peer().write(concat(first, ping, last, kept));

            assertArrayEquals(concat(ping, kept), upstream.readExactly(ping.length + kept.length));
            assertEquals(0, drop.remaining());
            assertEquals(1, drop.acted());
            client.peer().write(WsWire.clientText("after"));
            assertEquals("after", upstream.readFrame().text(), "a message after the count is used up passes");
        }
    }

    // Every message the upstream sends is dropped until the fault is removed; the tunnel stays
    // open, and the next message after the removal arrives, on the same connection.
    @Test
    void dropEveryMessageUntilRemoved() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            WsWire.Answer client = WsWire.open(proxy.port(), "/ws");
            RawPeer upstream = backend.takePeer();
            proxy.faults().add(FaultConfig.dropMessages().toClient().named("mute"));

            for (int i = 0; i < 5; i++) {
                upstream.write(WsWire.serverText("lost " + i));
            }
            awaitActed(proxy, "mute", 5);
            assertTrue(proxy.faults().remove("mute"));
            upstream.write(WsWire.serverText("heard"));
            assertEquals("heard", client.peer().readFrame().text());
        }
    }

    // The next message the upstream sends arrives twice, fragments and all; the one after, once.
    @Test
    void duplicatedMessageArrivesTwice() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            WsWire.Answer client = WsWire.open(proxy.port(), "/ws");
            RawPeer upstream = backend.takePeer();
            proxy.faults().add(FaultConfig.duplicateMessages(1).toClient());

            byte[] part1 = WsWire.serverFragment(false, WsWire.BINARY, new byte[]{1, 2, 3});
            byte[] part2 = WsWire.serverFrame(0x0, new byte[]{4, 5});
            byte[] next = WsWire.serverText("once");
            upstream.write(concat(part1, part2, next));

            byte[] message = concat(part1, part2);
            assertArrayEquals(concat(message, message, next),
                    client.peer().readExactly(2 * message.length + next.length));
        }
    }

    // A message the client sends, duplicated: the upstream gets the same masked frames twice,
    // which is a valid stream (each frame carries its own mask key).
    @Test
    void duplicatedClientMessageKeepsItsMask() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            WsWire.Answer client = WsWire.open(proxy.port(), "/ws");
            RawPeer upstream = backend.takePeer();
            proxy.faults().add(FaultConfig.duplicateMessages(1));

            client.peer().write(WsWire.clientText("twice"));
            WsWire.Frame a = upstream.readFrame();
            WsWire.Frame b = upstream.readFrame();
            assertTrue(a.masked() && b.masked());
            assertEquals("twice", a.text());
            assertEquals("twice", b.text());
        }
    }

    // Ping and pong frames are not messages to a message fault unless asked: dropping every
    // message lets pings through; with control frames included the ping is dropped too.
    @Test
    void controlFramesAreDroppedOnlyWhenAsked() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            WsWire.Answer client = WsWire.open(proxy.port(), "/ws");
            RawPeer upstream = backend.takePeer();
            proxy.faults().add(FaultConfig.dropMessages().toClient().named("data"));
            upstream.write(concat(WsWire.serverText("gone"), WsWire.serverFrame(0x9, new byte[]{7})));
            assertEquals(0x9, client.peer().readFrame().opcode());

            proxy.faults().clear();
            proxy.faults().add(FaultConfig.dropMessages(1).includingControlFrames().toClient());
            upstream.write(concat(WsWire.serverFrame(0x9, new byte[]{8}), WsWire.serverText("stays")));
            assertEquals("stays", client.peer().readFrame().text());
        }
    }

    // The next message to the client is held 400 ms after it reached the proxy; the message
    // behind it waits its turn, and order is kept.
    @Test
    void delayedMessageArrivesLateAndInOrder() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            WsWire.Answer client = WsWire.open(proxy.port(), "/ws");
            RawPeer upstream = backend.takePeer();
            proxy.faults().add(FaultConfig.delayMessages(Duration.ofMillis(400)).withCount(1).toClient());

            long sent = System.nanoTime();
            upstream.write(concat(WsWire.serverText("late"), WsWire.serverText("behind")));
            assertEquals("late", client.peer().readFrame().text());
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
            assertEquals("behind", client.peer().readFrame().text());
            assertTrue(waited >= 400, "arrived after " + waited + " ms");
        }
    }

    // A close fault sends both peers a Close with its code and reason, at a frame boundary: a
    // frame half sent when the fault is added is finished first.
    @Test
    void injectedCloseReachesBothSidesWithTheCode() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            WsWire.Answer client = WsWire.open(proxy.port(), "/ws");
            RawPeer upstream = backend.takePeer();
            byte[] frame = WsWire.serverText("whole");
            upstream.write(java.util.Arrays.copyOf(frame, 3));
            long id = proxy.tunnels().awaitOpen(1, WAIT).get(0).id();

            proxy.faults().add(FaultConfig.close(4000, "injected"));
            upstream.write(java.util.Arrays.copyOfRange(frame, 3, frame.length));

            assertEquals("whole", client.peer().readFrame().text());
            WsWire.Frame toClient = client.peer().readFrame();
            WsWire.Frame toUpstream = upstream.readFrame();
            assertClose(toClient, 4000, "injected", false);
            assertClose(toUpstream, 4000, "injected", true);
            client.peer().write(WsWire.clientFrame(0x8, new byte[]{0x0F, (byte) 0xA0}));
            Tunnel closed = proxy.tunnels().awaitClosed(id, Duration.ofSeconds(5));
            assertTrue(closed.closeReason().contains("closed by fault"), closed.closeReason());
        }
    }

    // A message fault on another route leaves this route's tunnel alone.
    @Test
    void faultOnAnotherRouteDoesNotTouchThisOne() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).route("/other/", backend.uri()).start()) {
            WsWire.Answer client = WsWire.open(proxy.port(), "/ws");
            RawPeer upstream = backend.takePeer();
            proxy.faults().add(FaultConfig.dropMessages().onRoute("/other/"));
            client.peer().write(WsWire.clientText("through"));
            assertEquals("through", upstream.readFrame().text());
        }
    }

    // A reload that leaves a file's fault as it was keeps it as it is: the same fault, with the
    // one message it dropped counted, goes on dropping on the open tunnel until its count is used.
    @Test
    void aReloadKeepsAnUnchangedFileFaultAsItIs() throws Exception {
        try (RawBackend backend = RawBackend.webSocket()) {
            String yaml = """
                    listeners: [ { address: 127.0.0.1:0 } ]
                    upstreams: { app: { servers: [ { url: %s } ] } }
                    routes: [ { match: { path: / }, upstream: app } ]
                    faults:
                      - { type: drop-messages, count: 3, direction: to-upstream }
                    """.formatted(backend.uri());
            try (Sluice proxy = Sluice.startYaml(yaml)) {
                WsWire.Answer client = WsWire.open(proxy.port(), "/ws");
                RawPeer upstream = backend.takePeer();
                client.peer().write(WsWire.clientText("lost 1"));
                ActiveFault drop = proxy.faults().list().get(0);
                await().atMost(WAIT).until(() -> drop.acted() == 1);

                proxy.reload(ConfigLoader.parse(yaml + "  - { type: http-status, status: 503, probability: 0 }\n",
                        "next", Map.of()));
                assertEquals(2, proxy.faults().list().size());
                assertSame(drop, proxy.faults().list().get(0), "the unchanged fault stays the same fault");
                client.peer().write(WsWire.clientText("lost 2"));
                client.peer().write(WsWire.clientText("lost 3"));
                client.peer().write(WsWire.clientText("heard"));
                assertEquals("heard", upstream.readFrame().text());
                assertEquals(0, drop.remaining());
                assertEquals(3, drop.acted());
            }
        }
    }

    // What a message fault did is in the recording and the HAR: the dropped message is marked
    // dropped by its fault (so a HAR viewer does not show it as delivered), the repeated one
    // duplicated, the one between them as it was.
    @Test
    void droppedAndDuplicatedMessagesAreMarkedInTheRecording() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            WsWire.Answer client = WsWire.open(proxy.port(), "/ws");
            RawPeer upstream = backend.takePeer();
            Tunnel tunnel = proxy.tunnels().awaitOpen(1, WAIT).get(0);
            proxy.faults().add(FaultConfig.dropMessages(1).toUpstream().named("lose-one"));
            client.peer().write(WsWire.clientText("a"));
            client.peer().write(WsWire.clientText("b"));
            assertEquals("b", upstream.readFrame().text());
            proxy.faults().add(FaultConfig.duplicateMessages(1).toUpstream().named("twice"));
            client.peer().write(WsWire.clientText("c"));
            assertEquals("c", upstream.readFrame().text());
            assertEquals("c", upstream.readFrame().text());

            List<WsMessage> sent = tunnel.messages().stream().filter(m -> m.direction() == Direction.TO_UPSTREAM).toList();
            assertEquals(3, sent.size());
            assertEquals(List.of("lose-one dropped", "- -", "twice duplicated"),
                    sent.stream().map(m -> (m.fault() == null ? "-" : m.fault()) + " " + (m.effect() == null ? "-" : m.effect())).toList());
            String har = proxy.recording().har();
            assertTrue(har.contains("\"_fault\":\"lose-one\",\"_faultEffect\":\"dropped\""), har);
        }
    }

    private static void assertClose(WsWire.Frame frame, int code, String reason, boolean masked) {
        assertEquals(0x8, frame.opcode());
        assertEquals(masked, frame.masked());
        byte[] p = frame.payload();
        assertEquals(code, ((p[0] & 0xFF) << 8) | (p[1] & 0xFF));
        assertEquals(reason, new String(p, 2, p.length - 2, StandardCharsets.UTF_8));
    }

    private static void awaitActed(Sluice proxy, String name, long times) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> proxy.faults().find(name).orElseThrow().acted() >= times);
        assertFalse(proxy.faults().find(name).orElseThrow().acted() > times);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
