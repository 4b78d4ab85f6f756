package dev.sluice.edge;

import dev.sluice.Sluice;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawHttp;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.WsWire;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * upstreams.*.response-timeout: counted from the end of the request to the response head, so
 * a silent upstream gets a 504 while slow uploads and long downloads are left alone.
 */
class ResponseTimeoutIT {
    private static final Duration TIMEOUT = Duration.ofMillis(300);
    /** Comfortably longer than the timeout: what "slow" means in these tests. */
    private static final Duration SLOW = Duration.ofMillis(900);

    // The upstream reads the request and says nothing: the client gets 504 naming the setting,
    // and the proxy closes its connection to the upstream.
    @Test
    void silentUpstreamGets504AndItsConnectionIsClosed() throws Exception {
        BlockingQueue<String> upstreamEnd = new ArrayBlockingQueue<>(1);
        try (RawBackend backend = RawBackend.start((peer, head) -> upstreamEnd.add(peer.awaitEnd(Duration.ofSeconds(10))));
             Sluice proxy = Sluice.builder().responseTimeout(TIMEOUT).route("/", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            long sent = System.nanoTime();
            client.write("GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

            RawHttp.Head answer = client.readHead();
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
            String body = new String(client.readExactly(answer.contentLength()), StandardCharsets.UTF_8);
            assertEquals(504, answer.status(), answer.text());
            assertTrue(body.contains("response-timeout"), body);
            assertTrue(tookMillis >= TIMEOUT.toMillis() && tookMillis < 3_000, "answered after " + tookMillis + " ms");
            assertNotNull(upstreamEnd.poll(5, TimeUnit.SECONDS), "the proxy closed its upstream connection");
            assertEquals(1, backend.connections(), "a timed-out GET is not retried");
        }
    }

    // The head comes at once and the body takes longer than the timeout: the download is whole.
    @Test
    void responseSlowerThanTheTimeoutButStartedInTimeIsNotCut() throws Exception {
        CountDownLatch rest = new CountDownLatch(1);
        try (RawBackend backend = RawBackend.start((peer, head) -> {
                 peer.write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nfirst");
                 assertTrue(rest.await(10, TimeUnit.SECONDS));
                 peer.write("-last");
             });
             Sluice proxy = Sluice.builder().responseTimeout(TIMEOUT).route("/", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            client.write("GET /stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            RawHttp.Head answer = client.readHead();
            assertEquals(200, answer.status(), answer.text());
            assertEquals("first", new String(client.readExactly(5), StandardCharsets.US_ASCII));

            await().pollDelay(SLOW).atMost(SLOW.plusSeconds(1)).until(() -> true);
            rest.countDown();
            assertEquals("-last", new String(client.readExactly(5), StandardCharsets.US_ASCII));
        }
    }

    // An upload that takes longer than the timeout: the clock starts once the body is sent.
    @Test
    void slowUploadIsNotCountedAgainstTheTimeout() throws Exception {
        try (RawBackend backend = RawBackend.start((peer, head) -> {
                 byte[] body = peer.readExactly(10);
                 peer.write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n");
                 peer.write(body);
             });
             Sluice proxy = Sluice.builder().responseTimeout(TIMEOUT).route("/", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            client.write("POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\nfirst");
            await().pollDelay(SLOW).atMost(SLOW.plusSeconds(1)).until(() -> true);
            client.write("-last");

            RawHttp.Head answer = client.readHead();
            assertEquals(200, answer.status(), answer.text());
            assertEquals("first-last", new String(client.readExactly(10), StandardCharsets.US_ASCII));
        }
    }

    // A WebSocket handshake the upstream never answers: 504, no tunnel, upstream connection closed.
    @Test
    void unansweredWebSocketHandshakeGets504() throws Exception {
        BlockingQueue<String> upstreamEnd = new ArrayBlockingQueue<>(1);
        try (RawBackend backend = RawBackend.start((peer, head) -> upstreamEnd.add(peer.awaitEnd(Duration.ofSeconds(10))));
             Sluice proxy = Sluice.builder().responseTimeout(TIMEOUT).route("/", backend.uri()).start()) {
            WsWire.Answer answer = WsWire.open(proxy.port(), "/ws");
            try (RawPeer client = answer.peer()) {
                assertEquals(504, answer.head().status(), answer.head().text());
                String body = new String(client.readExactly(answer.head().contentLength()), StandardCharsets.UTF_8);
                assertTrue(body.contains("WebSocket handshake"), body);
            }
            assertNotNull(upstreamEnd.poll(5, TimeUnit.SECONDS), "the proxy closed its upstream connection");
            assertEquals(0, proxy.tunnels().total());
        }
    }
}
