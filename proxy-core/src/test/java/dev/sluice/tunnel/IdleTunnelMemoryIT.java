package dev.sluice.tunnel;

import dev.sluice.Sluice;
import dev.sluice.testing.HeapHistogram;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.WsWire;
import io.undertow.server.HttpServerExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an idle tunnel costs the proxy in heap. Client, proxy and backend share this JVM, so the
 * same tunnels are first opened directly (client to backend) to measure what the test's own
 * ends cost, and that is taken off what they cost through the proxy.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class IdleTunnelMemoryIT {
    /** 4 descriptors per tunnel (client, proxy twice, backend) within the 20,000 a process may open. */
    private static final int TUNNELS = 4_000;
    /** Idle tunnels hold no I/O buffer; what is left is connection state: about 7 KiB measured. */
    private static final long MAX_BYTES_PER_TUNNEL = 10 * 1024;

    // 4,000 idle tunnels through the proxy: live heap per tunnel, less the test's own ends, is
    // printed (by class) and stays under 10 KiB; the handshake, once over, is not kept.
    @Test
    void idleTunnelsCostLittleHeap() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             // what a tunnel costs in production, where nothing is recorded
             Sluice proxy = Sluice.builder().route("/", backend.uri()).recording(false).start()) {
            HeapHistogram before = HeapHistogram.take();
            List<RawPeer> direct = open(backend, backend.port());
            HeapHistogram ends = HeapHistogram.take().minus(before);
            direct.forEach(RawPeer::close);

            HeapHistogram idle = HeapHistogram.take();
            List<RawPeer> proxied = open(backend, proxy.port());
            await().until(() -> proxy.tunnels().open() == TUNNELS);
            HeapHistogram inProxy = HeapHistogram.take().minus(idle).minus(ends);
            long perTunnel = inProxy.totalBytes() / TUNNELS;

            System.out.printf("idle tunnel heap: %d bytes per tunnel in the proxy (the test's own client and backend"
                    + " ends, %d bytes per tunnel, taken off); per tunnel, by class:%n%s%n",
                    perTunnel, ends.totalBytes() / TUNNELS, inProxy.top(30, TUNNELS));
            assertEquals(TUNNELS, proxy.tunnels().open());
            assertTrue(perTunnel < MAX_BYTES_PER_TUNNEL, perTunnel + " bytes per idle tunnel");
            // Undertow keeps each connection's last request: Sluice's wrappers on it let go of
            // the handshake's exchange (1.1 KiB with its attachments) and its forwarder
            assertTrue(live(inProxy, HttpServerExchange.class) < TUNNELS / 100, "handshake exchanges kept");
            assertTrue(live(inProxy, HandshakeForwarder.class) < TUNNELS / 100, "handshake forwarders kept");
            proxied.forEach(RawPeer::close);
            await().until(() -> proxy.tunnels().open() == 0);
        }
    }

    private static long live(HeapHistogram histogram, Class<?> type) {
        return histogram.instances().getOrDefault(type.getName(), 0L);
    }

    /** Opens {@link #TUNNELS} WebSocket connections to the port, each answered 101 by the backend; both ends of each. */
    private static List<RawPeer> open(RawBackend backend, int port) throws Exception {
        List<RawPeer> clients = new ArrayList<>(2 * TUNNELS);
        for (int i = 0; i < TUNNELS; i++) {
            WsWire.Answer answer = WsWire.open(port, "/ws");
            assertEquals(101, answer.status(), answer.head().text());
            clients.add(answer.peer());
            clients.add(backend.takePeer());
        }
        return clients;
    }
}
