package dev.sluice.tunnel;

import dev.sluice.Sluice;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.WsWire;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A tunnel streaming far more than memory could hold: backpressure keeps the proxy's memory flat. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TunnelStreamMemoryIT {
    private static final int BLOCK = 64 * 1024;
    private static final int BLOCKS = 16 * 1024; // 1 GiB
    /**
     * The peak of heap in use counts garbage not yet collected too, and on a JVM that ran other
     * tests before (a thousand TLS tunnels, say) the young generation alone fills 64 MiB between
     * collections; a proxy that buffered the stream would grow by the gibibyte.
     */
    private static final long MAX_HEAP_GROWTH = 128L * 1024 * 1024;
    private static final long MAX_DIRECT_GROWTH = 16L * 1024 * 1024;

    // The upstream sends one 1 GiB WebSocket frame as fast as it can; the client reads it in
    // 1 KiB pieces through small socket buffers. Every block arrives, in order and unchanged,
    // while the JVM's heap and direct memory grow by less than 128 MiB and 16 MiB.
    @Test
    void oneGibibyteToASlowReaderKeepsMemoryFlat() throws Exception {
        byte[] block = new byte[BLOCK];
        new Random(11).nextBytes(block);
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct")).findFirst().orElseThrow();
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            WsWire.Answer client = WsWire.open(proxy.port(), 16 * 1024, "/ws");
            assertEquals(101, client.status(), client.head().text());
            RawPeer upstream = backend.takePeer();

            System.gc();
            long heapBefore = heapUsed();
            long directBefore = direct.getMemoryUsed();
            AtomicLong heapPeak = new AtomicLong(heapBefore);
            AtomicLong directPeak = new AtomicLong(directBefore);
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleAtFixedRate(() -> {
                heapPeak.accumulateAndGet(heapUsed(), Math::max);
                directPeak.accumulateAndGet(direct.getMemoryUsed(), Math::max);
            }, 0, 20, TimeUnit.MILLISECONDS);
            try {
                CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> send(upstream.out(), block));
                receive(client.peer().in(), block);
                sending.get(60, TimeUnit.SECONDS);
            } finally {
                sampler.shutdownNow();
            }

            long heapGrowth = heapPeak.get() - heapBefore;
            long directGrowth = directPeak.get() - directBefore;
            System.out.printf("1 GiB through a tunnel to a slow reader: heap grew %d KiB, direct memory %d KiB%n",
                    heapGrowth / 1024, directGrowth / 1024);
            assertTrue(heapGrowth < MAX_HEAP_GROWTH, "heap grew by " + heapGrowth + " bytes");
            assertTrue(directGrowth < MAX_DIRECT_GROWTH, "direct memory grew by " + directGrowth + " bytes");
            assertEquals(1, proxy.tunnels().list().get(0).messagesToClient());
            client.peer().close();
            upstream.close();
        }
    }

    /** One binary frame of BLOCKS blocks; each block starts with its index, so a lost or repeated one shows. */
    private static void send(OutputStream out, byte[] block) {
        byte[] mine = block.clone();
        try {
            ByteBuffer header = ByteBuffer.allocate(10).put((byte) 0x82).put((byte) 127).putLong((long) BLOCK * BLOCKS);
            out.write(header.array());
            for (int i = 0; i < BLOCKS; i++) {
                ByteBuffer.wrap(mine).putInt(i);
                out.write(mine);
            }
            out.flush();
        } catch (Exception e) {
            throw new AssertionError("upstream write failed", e);
        }
    }

    private static void receive(InputStream in, byte[] block) throws Exception {
        byte[] header = in.readNBytes(10);
        assertEquals((long) BLOCK * BLOCKS, ByteBuffer.wrap(header).getLong(2), "the frame's length");
        byte[] got = new byte[BLOCK];
        byte[] expected = block.clone();
        for (int i = 0; i < BLOCKS; i++) {
            for (int at = 0; at < BLOCK; ) {
                int n = in.read(got, at, Math.min(1024, BLOCK - at));
                assertTrue(n > 0, "the stream ended in block " + i);
                at += n;
            }
            ByteBuffer.wrap(expected).putInt(i);
            if (!java.util.Arrays.equals(expected, got)) {
                assertArrayEquals(expected, got, "block " + i);
            }
        }
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
