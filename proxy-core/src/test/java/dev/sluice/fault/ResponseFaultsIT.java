package dev.sluice.fault;

import dev.sluice.Sluice;
import dev.sluice.config.FaultConfig;
import dev.sluice.record.HttpExchange;
import dev.sluice.testing.HttpBackend;
import dev.sluice.testing.HttpClients;
import dev.sluice.testing.RawHttp;
import dev.sluice.testing.RawPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * The byte faults on plain HTTP responses, to the client, as a slow or broken network would
 * treat a download: bandwidth, slice, limit-data and blackhole, shown with real clients.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResponseFaultsIT {

    // A 2 MiB download through a 1 MiB/s bandwidth fault takes 2 s, within 10%, and arrives whole
    // (timed on a connection already open, as the tunnel's transfer is).
    @Test
    void bandwidthHoldsADownloadToTheRate() throws Exception {
        byte[] body = new byte[2 * 1024 * 1024];
        new Random(5).nextBytes(body);
        try (HttpBackend backend = HttpBackend.start((request, reply) -> reply.send(body));
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            assertEquals(200, HttpClients.HTTP_1_1.send(HttpRequest.newBuilder(proxy.uri("http", "/warm")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
            proxy.faults().add(FaultConfig.bandwidth(1024 * 1024).toClient());

            long start = System.nanoTime();
            HttpResponse<byte[]> answer = HttpClients.HTTP_1_1.send(
                    HttpRequest.newBuilder(proxy.uri("http", "/download")).build(), HttpResponse.BodyHandlers.ofByteArray());
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(200, answer.statusCode());
            assertArrayEquals(body, answer.body());
            assertTrue(Math.abs(seconds - 2.0) <= 0.2, String.format("2 MiB at 1 MiB/s took %.2f s", seconds));
        }
    }

    // limit-data cuts a response's body after exactly N bytes and closes the connection.
    @Test
    void limitDataCutsTheBodyAfterExactlyNBytes() throws Exception {
        byte[] body = new byte[100_000];
        new Random(6).nextBytes(body);
        try (HttpBackend backend = HttpBackend.start((request, reply) -> reply.send(body));
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            proxy.faults().add(FaultConfig.limitData(1000));

            client.write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Head head = client.readHead();
            assertEquals(200, head.status());
            assertArrayEquals(Arrays.copyOf(body, 1000), client.readToEof());
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.recording().exchanges().size() == 1);
            HttpExchange recorded = proxy.recording().exchanges().get(0);
            assertEquals(200, recorded.status());
            assertEquals(1000, recorded.responseBytes(), "the body bytes the client got");
            assertEquals("body cut after 1000 bytes", recorded.error());
            assertTrue(proxy.recording().har().contains("\"_error\":\"body cut after 1000 bytes\""));
        }
    }

    // slice writes a response body in 10-byte segments 20 ms apart: the client reads it in
    // pieces, whole.
    @Test
    void sliceDeliversTheBodyInSmallSegments() throws Exception {
        String body = "0123456789".repeat(10);
        try (HttpBackend backend = HttpBackend.start((request, reply) -> reply.send(body));
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            proxy.faults().add(FaultConfig.slice(10, Duration.ofMillis(20)));

            client.write("GET /sliced HTTP/1.1\r\nHost: x\r\n\r\n");
            client.readHead();
            InputStream in = client.in();
            byte[] received = new byte[body.length()];
            int reads = 0;
            for (int at = 0; at < received.length; reads++) {
                int n = in.read(received, at, received.length - at);
                assertTrue(n > 0, "stream ended early");
                at += n;
            }
            assertEquals(body, new String(received));
            assertTrue(reads >= 3, "100 bytes in 10-byte segments 20 ms apart came in " + reads + " reads");
        }
    }

    // blackhole: the upstream answers, the client never hears; removed, the next request on a
    // new connection is answered.
    @Test
    void blackholeSwallowsTheResponse() throws Exception {
        try (HttpBackend backend = HttpBackend.start((request, reply) -> reply.send("lost"));
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            ActiveFault hole = proxy.faults().add(FaultConfig.blackhole());
            try (RawPeer client = RawPeer.connect(proxy.port())) {
                client.write("GET /void HTTP/1.1\r\nHost: x\r\n\r\n");
                backend.takeRequest(); // the upstream got it, and answers
                client.socket().setSoTimeout(500);
                assertThrows(SocketTimeoutException.class, client::readHead, "no answer reaches the client");
            }
            assertEquals(1, hole.acted());
            proxy.faults().clear();
            assertEquals("lost", HttpClients.HTTP_1_1.send(HttpRequest.newBuilder(proxy.uri("http", "/again")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        }
    }

    // A blackholed exchange completes when its client leaves, although no answer ever went out:
    // it is recorded then (as the access log and metrics count it), not left pending for good.
    @Test
    void aBlackholedExchangeCompletesWhenTheClientLeaves() throws Exception {
        try (HttpBackend backend = HttpBackend.start((request, reply) -> reply.send("lost"));
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            proxy.faults().add(FaultConfig.blackhole());
            try (RawPeer client = RawPeer.connect(proxy.port())) {
                client.write("GET /void HTTP/1.1\r\nHost: x\r\n\r\n");
                backend.takeRequest();
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.recording().exchanges().size() == 1);
            HttpExchange recorded = proxy.recording().exchanges().get(0);
            assertEquals("/void", recorded.path());
            assertEquals(0, recorded.status(), "no status reached the client");
            assertEquals("no answer (blackhole)", recorded.error());
        }
    }
}
