package dev.sluice.tunnel;

import dev.sluice.Sluice;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawHttp;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.WsEchoBackend;
import dev.sluice.testing.WsWire;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.sluice.testing.RawHttp.ascii;
import static dev.sluice.testing.RawHttp.concat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A client that closes its connection while its WebSocket handshake is upstream, before any
 * answer: the upstream connection goes too, and no tunnel is opened for nobody.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HandshakeClientLeavesIT {
    private static final Duration SETTLED = Duration.ofSeconds(5);
    /** Java's sockets are IPv6 ones where it can, with IPv4-mapped addresses: both tables are read. */
    private static final List<Path> PROC_NET_TCP = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));
    private static final String SYN_SENT = "02";

    // The backend has the handshake and would answer 101 only later: the proxy must close the
    // upstream connection as soon as the client has gone, not open a tunnel on the late 101.
    @Test
    void clientLeavingBeforeThe101ClosesTheUpstreamConnection() throws Exception {
        CountDownLatch clientLeft = new CountDownLatch(1);
        CompletableFuture<String> upstreamEnd = new CompletableFuture<>();
        try (RawBackend backend = RawBackend.start((peer, head) -> {
                assertTrue(clientLeft.await(SETTLED.toMillis(), TimeUnit.MILLISECONDS));
                try {
                    upstreamEnd.complete(peer.awaitEnd(SETTLED));
                } catch (AssertionError stillOpen) {
                    upstreamEnd.complete(stillOpen.getMessage());
                    peer.write(WsWire.switchingProtocols(head.requireHeader("Sec-WebSocket-Key"))); // late, for nobody
                }
             });
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            RawPeer client = RawPeer.connect(proxy.port());
            client.write(WsWire.handshake("/ws"));
            await().atMost(SETTLED).until(() -> backend.requests() == 1);

            client.close();
            clientLeft.countDown();

            String end = upstreamEnd.get(30, TimeUnit.SECONDS);
            assertTrue(end.equals("EOF") || end.startsWith("reset"), "upstream connection: " + end);
            await().atMost(SETTLED).until(() -> proxy.tunnels().open() == 0);
            assertEquals(0, proxy.tunnels().total(), "tunnels ever opened");
            assertEquals(List.of(), backend.failures());
        }
    }

    // The upstream connection is still being made when the client leaves (the backend's accept
    // queue is full, so its SYN waits for a retransmit): once made, it is closed unused.
    @Test
    void clientLeavingWhileTheUpstreamConnectIsPendingClosesTheConnectionUnused() throws Exception {
        assumeTrue(PROC_NET_TCP.stream().allMatch(Files::isReadable), "needs Linux's /proc/net/tcp{,6} to see the pending connect");
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        List<Socket> fillers = new ArrayList<>();
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(loopback, 0), 1);
            // Linux queues backlog + 1 connections that were not accepted; a SYN past that is dropped.
            for (int i = 0; i < 2; i++) {
                Socket filler = new Socket();
                filler.connect(new InetSocketAddress(loopback, server.getLocalPort()), 2_000);
                fillers.add(filler);
            }
            try (Sluice proxy = Sluice.builder().route("/", URI.create("http://127.0.0.1:" + server.getLocalPort())).start()) {
                RawPeer client = RawPeer.connect(proxy.port());
                client.write(WsWire.handshake("/ws"));
                await().atMost(SETTLED).until(() -> synSentTo(server.getLocalPort()));
                client.close();

                // Make room: the proxy's SYN gets through on its retransmit, about a second later.
                for (Socket filler : fillers) {
                    server.accept().close();
                    filler.close();
                }
                server.setSoTimeout((int) SETTLED.toMillis());
                try (Socket upstream = server.accept()) {
                    upstream.setSoTimeout((int) SETTLED.toMillis());
                    assertEquals("EOF", readUntilEnd(upstream.getInputStream()),
                            "the upstream connection is closed without a handshake on it");
                }
                await().atMost(SETTLED).until(() -> proxy.tunnels().open() == 0);
                assertEquals(0, proxy.tunnels().total(), "tunnels ever opened");
            }
        } finally {
            for (Socket filler : fillers) {
                filler.close();
            }
        }
    }

    // The watch for a leaving client reads the client's side: what it sends behind its handshake
    // still reaches the tunnel, in order, though the upstream's 101 comes only later.
    @Test
    void framesSentBehindTheHandshakeStillReachTheTunnelWhenThe101IsLate() throws Exception {
        CountDownLatch framesSent = new CountDownLatch(1);
        try (RawBackend backend = RawBackend.start((peer, head) -> {
                assertTrue(framesSent.await(SETTLED.toMillis(), TimeUnit.MILLISECONDS));
                peer.write(WsWire.switchingProtocols(head.requireHeader("Sec-WebSocket-Key")));
                for (String expected : List.of("one", "two")) {
                    WsWire.Frame frame = peer.readFrame();
                    peer.write(WsWire.serverText(frame.text()));
                    assertEquals(expected, frame.text());
                }
             });
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            client.write(concat(ascii(WsWire.handshake("/ws")), WsWire.clientText("one")));
            await().atMost(SETTLED).until(() -> backend.requests() == 1);
            client.write(WsWire.clientText("two")); // while the handshake is upstream
            framesSent.countDown();

            RawHttp.Head head = client.readHead();
            assertEquals(101, head.status(), head.text());
            assertEquals("one", client.readFrame().text());
            assertEquals("two", client.readFrame().text());
            client.close();
            await().atMost(SETTLED).until(() -> proxy.tunnels().open() == 0);
            assertEquals(List.of(), backend.failures());
        }
    }

    // A handshake answered at once still becomes a tunnel, and the echo works: the watch gave
    // the connection back before the switch.
    @Test
    void aPromptlyAnsweredHandshakeStillOpensItsTunnel() throws Exception {
        try (WsEchoBackend backend = WsEchoBackend.start();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            WsWire.Answer answer = WsWire.open(proxy.port(), "/echo");
            assertEquals(101, answer.status(), answer.head().text());
            answer.peer().write(WsWire.clientText("hello"));
            assertEquals("hello", answer.peer().readFrame().text());
            answer.peer().close();
            await().atMost(SETTLED).until(() -> proxy.tunnels().open() == 0);
        }
    }

    /** Whether a connection to 127.0.0.1:port is in SYN_SENT, its SYN dropped by a full accept queue. */
    private static boolean synSentTo(int port) throws Exception {
        String remote = String.format("0100007F:%04X", port);
        for (Path table : PROC_NET_TCP) {
            for (String line : Files.readAllLines(table)) {
                String[] columns = line.trim().split("\\s+");
                if (columns.length > 3 && columns[2].endsWith(remote) && columns[3].equals(SYN_SENT)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String readUntilEnd(InputStream in) throws Exception {
        try {
            int first = in.read();
            return first < 0 ? "EOF" : "a byte: " + (char) first;
        } catch (SocketTimeoutException e) {
            return "still open";
        } catch (SocketException e) {
            return "reset";
        }
    }
}
