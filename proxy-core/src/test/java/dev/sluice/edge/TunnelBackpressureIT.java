package dev.sluice.edge;

import dev.sluice.Sluice;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.WsWire;
import dev.sluice.tunnel.Tunnel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tunnel with a reader that does not read: the writer on the other side must be held back
 * (bounded buffers, not an ever-growing queue in the proxy), and once the reader catches up
 * every byte arrives, in order.
 *
 * <p>The test ends' sockets have small fixed buffers so the kernel hides at most a few hundred
 * KiB; the proxy's own sockets are autotuned by the kernel, up to tcp_rmem max on the side it
 * reads and tcp_wmem max on the side it writes (32 MiB + 4 MiB on the CI machines; about 6 to
 * 22 MB were seen in use). So "stalled" means: held back within what the kernel can hold
 * plus the proxy's one buffer, and the transfer is twice that, at least 64 MiB.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TunnelBackpressureIT {
    private static final int SMALL_BUFFER = 64 * 1024;
    /** What the sockets on the way may hold between a writer and a reader that reads nothing. */
    private static final long KERNEL_CAN_HOLD = maxBuffer("tcp_rmem", 6 << 20) + maxBuffer("tcp_wmem", 4 << 20)
            + 4L * SMALL_BUFFER + (1 << 20);
    private static final long TOTAL = Math.max(64L << 20, 2 * KERNEL_CAN_HOLD);
    private static final Duration STALLED = Duration.ofMillis(500);

    // The upstream writes 64 MiB to a client that reads nothing: its writes stall far short of
    // 64 MiB; then the client reads all of it and the SHA-256 matches.
    @Test
    void upstreamWriterStallsWhileClientDoesNotReadThenEveryByteArrivesInOrder() throws Exception {
        writerStallsWhileReaderDoesNotReadThenEveryByteArrivesInOrder(Direction.UPSTREAM_TO_CLIENT);
    }

    // Mirror: the client writes 64 MiB to an upstream that reads nothing; the client's writes
    // stall, then the upstream reads all of it and the SHA-256 matches.
    @Test
    void clientWriterStallsWhileUpstreamDoesNotReadThenEveryByteArrivesInOrder() throws Exception {
        writerStallsWhileReaderDoesNotReadThenEveryByteArrivesInOrder(Direction.CLIENT_TO_UPSTREAM);
    }

    /** Which end writes, which end reads, and the tunnel counter for bytes going that way. */
    private enum Direction {
        UPSTREAM_TO_CLIENT("upstream", "client", 1),
        CLIENT_TO_UPSTREAM("client", "upstream", 2);

        final String writer;
        final String reader;
        final long seed;

        Direction(String writer, String reader, long seed) {
            this.writer = writer;
            this.reader = reader;
            this.seed = seed;
        }

        RawPeer writingEnd(RawPeer client, RawPeer upstream) {
            return this == UPSTREAM_TO_CLIENT ? upstream : client;
        }

        RawPeer readingEnd(RawPeer client, RawPeer upstream) {
            return this == UPSTREAM_TO_CLIENT ? client : upstream;
        }

        long counted(Tunnel tunnel) {
            return this == UPSTREAM_TO_CLIENT ? tunnel.bytesToClient() : tunnel.bytesToUpstream();
        }

        String counterName() {
            return this == UPSTREAM_TO_CLIENT ? "bytesToClient" : "bytesToUpstream";
        }
    }

    private static void writerStallsWhileReaderDoesNotReadThenEveryByteArrivesInOrder(Direction direction)
            throws Exception {
        try (RawBackend backend = RawBackend.webSocket(SMALL_BUFFER);
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            WsWire.Answer client = WsWire.open(proxy.port(), SMALL_BUFFER, "/bulk");
            assertEquals(101, client.status(), client.head().text());
            RawPeer upstream = backend.takePeer();

            RawPeer writing = direction.writingEnd(client.peer(), upstream);
            RawPeer reading = direction.readingEnd(client.peer(), upstream);
            ProgressWriter writer = ProgressWriter.start(writing.out(), TOTAL, direction.seed);
            long stalledAt = awaitStall(writer);
            Tunnel tunnel = proxy.tunnels().list().get(0);
            long countedWhileStalled = direction.counted(tunnel);
            System.out.printf("%s writer stalled at %d bytes; tunnel had counted %d bytes to the %s%n",
                    direction.writer, stalledAt, countedWhileStalled, direction.reader);
            assertTrue(stalledAt <= KERNEL_CAN_HOLD, direction.writer + " writer got " + stalledAt
                    + " bytes out while the " + direction.reader + " read nothing (sockets can hold "
                    + KERNEL_CAN_HOLD + ")");
            assertTrue(countedWhileStalled > 0 && countedWhileStalled <= stalledAt,
                    direction.counterName() + " mid-transfer: " + countedWhileStalled);

            byte[] received = ProgressWriter.readDigest(reading.in(), TOTAL);
            assertArrayEquals(writer.awaitDigest(Duration.ofSeconds(20)), received, "SHA-256 of the 64 MiB");
            assertEquals(TOTAL, direction.counted(tunnel));
            client.peer().close();
        }
    }

    /** Waits until the writer has made some progress and then none for {@link #STALLED}; returns where it stopped. */
    private static long awaitStall(ProgressWriter writer) {
        await("writer stalls (no progress for " + STALLED.toMillis() + " ms)")
                .atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> writer.isDone() || (writer.written() > 0 && writer.sinceProgress().compareTo(STALLED) >= 0));
        assertFalse(writer.isDone(), "the writer finished all 64 MiB although nobody read");
        return writer.written();
    }

    /** The third (maximum) field of /proc/sys/net/ipv4/NAME, or the fallback off Linux. */
    private static long maxBuffer(String name, long fallback) {
        try {
            String[] fields = Files.readString(Path.of("/proc/sys/net/ipv4/" + name)).trim().split("\\s+");
            return Long.parseLong(fields[2]);
        } catch (IOException | RuntimeException e) {
            return fallback;
        }
    }
}
