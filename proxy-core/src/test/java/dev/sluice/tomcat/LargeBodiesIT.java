package dev.sluice.tomcat;

import dev.sluice.Sluice;
import dev.sluice.testing.RawHttp;
import dev.sluice.testing.RawPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 100 MiB up and 100 MiB down through Sluice to a real Tomcat: the bytes arrive whole, and they
 * stream: Tomcat reads an upload while the client is still sending, and a client that stops
 * reading stops Tomcat's writes (backpressure), so the proxy never holds a body.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LargeBodiesIT {
    private static final long TOTAL = 100L * 1024 * 1024;
    private static final long BLOCKS = TOTAL / BulkServlet.BLOCK;

    /** The file an operator with uploads writes: the default 10 MiB body limit raised. */
    private static Sluice proxy(TomcatNode node) throws Exception {
        return Sluice.startYaml("""
                listeners: [ { address: 127.0.0.1:0 } ]
                access-log: off
                upstreams: { tomcat: { servers: [ { url: %s } ] } }
                routes: [ { match: { path: / }, upstream: tomcat } ]
                limits: { max-request-body-size: 1GiB }
                """.formatted(node.httpUri()));
    }

    @Test
    void aHundredMebibyteUploadStreamsToTomcat() throws Exception {
        AtomicLong received = new AtomicLong();
        try (TomcatNode node = TomcatNode.named("bulk").servlet("/bulk", new BulkServlet(received, new AtomicLong())).start();
             Sluice proxy = proxy(node);
             RawPeer client = RawPeer.connect(proxy.port())) {
            OutputStream out = client.out();
            out.write(("POST /bulk HTTP/1.1\r\nHost: bulk\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                    + TOTAL + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            CRC32 crc = new CRC32();
            for (long i = 0; i < BLOCKS; i++) {
                byte[] block = BulkServlet.block(i);
                out.write(block);
                crc.update(block);
                if (i == BLOCKS / 2) {
                    long sentSoFar = (i + 1) * BulkServlet.BLOCK;
                    await().until(() -> received.get() >= 8L * 1024 * 1024);
                    assertTrue(received.get() <= sentSoFar, "Tomcat reads the upload while it is being sent");
                }
            }
            out.flush();
            RawHttp.Head head = client.readHead();
            assertEquals(200, head.status(), head.text());
            String body = new String(client.in().readNBytes(Integer.parseInt(head.header("Content-Length"))),
                    StandardCharsets.US_ASCII);
            assertEquals("bytes=" + TOTAL + " crc=" + Long.toHexString(crc.getValue()), body);
        }
    }

    @Test
    void aHundredMebibyteDownloadStreamsWithBackpressure() throws Exception {
        AtomicLong sent = new AtomicLong();
        try (TomcatNode node = TomcatNode.named("bulk").servlet("/bulk", new BulkServlet(new AtomicLong(), sent)).start();
             Sluice proxy = proxy(node);
             RawPeer client = RawPeer.connect(proxy.port(), 64 * 1024)) {
            client.write("GET /bulk?bytes=" + TOTAL + " HTTP/1.1\r\nHost: bulk\r\n\r\n");
            RawHttp.Head head = client.readHead();
            assertEquals(200, head.status(), head.text());
            assertEquals(String.valueOf(TOTAL), head.header("Content-Length"));
            InputStream in = client.in();
            CRC32 got = new CRC32();
            CRC32 expected = new CRC32();
            byte[] buffer = new byte[BulkServlet.BLOCK];
            for (long i = 0; i < BLOCKS; i++) {
                int read = in.readNBytes(buffer, 0, BulkServlet.BLOCK);
                assertEquals(BulkServlet.BLOCK, read, "block " + i);
                got.update(buffer);
                expected.update(BulkServlet.block(i));
                if (i == 16) {
                    // the client has taken 1 MiB and pauses: Tomcat soon cannot write more
                    long[] last = {-1};
                    await().pollInterval(Duration.ofMillis(200)).until(() -> {
                        long now = sent.get();
                        boolean still = now == last[0];
                        last[0] = now;
                        return still;
                    });
                    assertTrue(sent.get() < TOTAL / 2, "Tomcat stopped at " + sent.get() + " bytes: the proxy holds no body");
                }
            }
            assertEquals(expected.getValue(), got.getValue(), "every byte, in order");
        }
    }
}
