package dev.sluice.edge;

import dev.sluice.Sluice;
import dev.sluice.config.AccessLogConfig;
import dev.sluice.config.LimitsConfig;
import dev.sluice.config.WebSocketConfig;
import dev.sluice.testing.HttpBackend;
import dev.sluice.testing.HttpBackendRequest;
import dev.sluice.testing.LogCapture;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawHttp;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.WsWire;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One small test per problem the seeded fuzz run ({@link RequestFuzzIT}) found: a 500 or a
 * stack trace for bad input, an answer in a version no client reads, a header that should not
 * have been stripped, and the logs that client aborts left at ERROR. Where the log is the point,
 * the test waits for the exchange's access log line, written once the proxy is done with it,
 * so that whatever the proxy would log for it is logged by then.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FuzzFindingsIT {
    private static final LimitsConfig SMALL_BODIES = LimitsConfig.DEFAULTS.withMaxRequestBodySize(1024)
            .withRequestBodyBuffer(0); // these findings are about bodies that stream

    // Content-Length 2^64: Undertow's framing read it modulo 2^64, as 0, so the bytes behind
    // the head looked like a request of their own. The answer is 400 and a close (it was a 502,
    // logged with a NumberFormatException), and the request behind it never reaches the backend.
    @Test
    void contentLengthPastALongGets400AndTheBytesBehindItGoNowhere() throws Exception {
        try (LogCapture log = LogCapture.start();
             HttpBackend backend = HttpBackend.start();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            client.write("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 18446744073709551616\r\n\r\n"
                    + RawHttp.request("GET", "/smuggled", "Host: x"));

            RawHttp.Response answer = client.readResponse();
            assertAll(
                    () -> assertEquals(400, answer.status(), answer.toString()),
                    () -> assertEquals("close", answer.header("Connection"), answer.toString()),
                    () -> assertTrue(answer.bodyText().contains("Content-Length"), answer.bodyText()),
                    () -> assertEquals("EOF", client.awaitEnd(Duration.ofSeconds(5))),
                    () -> assertEquals(List.of(), log.stackTraces()));
            assertEquals("/after", sendAfter(proxy, backend).uri(), "the first request the backend ever saw");
        }
    }

    // A handshake with no Origin on a route with allowed-origins: 403 (it was a 500, from an
    // immutable list's contains(null)), and the upstream never hears of it.
    @Test
    void handshakeWithoutOriginOnARouteThatChecksOriginsGets403() throws Exception {
        try (LogCapture log = LogCapture.start();
             RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", new WebSocketConfig(true, Duration.ofHours(1),
                     Duration.ofSeconds(30), List.of("https://ok.example"), 100), backend.uri()).start()) {
            WsWire.Answer answer = WsWire.open(proxy.port(), "/ws");
            try (RawPeer ignored = answer.peer()) {
                String body = answer.body();
                assertAll(
                        () -> assertEquals(403, answer.status(), answer.head().text()),
                        () -> assertTrue(body.contains("(none)"), "403 body says no origin was sent: " + body),
                        () -> assertEquals(0, backend.connections()),
                        () -> assertEquals(List.of(), log.stackTraces()));
            }
        }
    }

    // "GET / HTTP/0.9" with header lines was proxied and answered "HTTP/0.9 200 OK", which no
    // client can read. Now: 400 in HTTP/1.0's words, a close, and nothing forwarded.
    @Test
    void http09RequestIsRefusedInHttp10Words() throws Exception {
        try (HttpBackend backend = HttpBackend.start();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            client.write("GET /old HTTP/0.9\r\nHost: x\r\n\r\n");

            RawHttp.Response answer = client.readResponse();
            assertAll(
                    () -> assertEquals("HTTP/1.0 400 Bad Request", answer.head().startLine()),
                    () -> assertTrue(answer.bodyText().contains("HTTP/0.9"), answer.bodyText()),
                    () -> assertEquals("EOF", client.awaitEnd(Duration.ofSeconds(5))));
            assertEquals("/after", sendAfter(proxy, backend).uri(), "the first request the backend ever saw");
        }
    }

    // "Connection: Host" asked the proxy to strip Host as hop-by-hop, and the backend then
    // refused the request (a 400, or with a body on the way a 503 and errors in the log).
    @Test
    void connectionHeaderCannotStripHost() throws Exception {
        try (HttpBackend backend = HttpBackend.start();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            client.write(RawHttp.request("GET", "/hosted", "Host: example.test", "Connection: Host, X-Gone", "X-Gone: 1"));

            RawHttp.Response answer = client.readResponse();
            assertEquals(200, answer.status(), answer.toString());
            HttpBackendRequest seen = backend.takeRequest();
            assertAll(
                    () -> assertEquals("example.test", seen.header("Host")),
                    () -> assertTrue(!seen.hasHeader("X-Gone"), "other headers Connection names still go: " + seen));
        }
    }

    // A chunked upload past max-request-body-size: the connection is closed as before, but
    // Undertow 2.4.4's own size check also printed a raw stack trace to System.err.
    @Test
    void chunkedBodyPastTheLimitIsClosedWithoutAStackTrace(@TempDir Path dir) throws Exception {
        Path accessLog = dir.resolve("access.log");
        try (LogCapture log = LogCapture.start();
             HttpBackend backend = HttpBackend.start();
             Sluice proxy = Sluice.builder().limits(SMALL_BODIES).accessLog(file(accessLog)).route("/", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            try {
                client.write("POST /upload HTTP/1.1\r\nHost: x\r\nX-Request-Id: too-big\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "800\r\n" + "b".repeat(0x800) + "\r\n0\r\n\r\n");
            } catch (IOException closedWhileWriting) {
                // the proxy may close before the last bytes are out; the end is checked below
            }
            String end = client.awaitEnd(Duration.ofSeconds(5));
            awaitAccessLogLine(accessLog, "too-big");
            assertAll(
                    () -> assertTrue(end.equals("EOF") || end.startsWith("reset"), end),
                    () -> assertEquals(List.of(), log.stackTraces()));
        }
    }

    // A chunked body whose trailer line has no field name: Undertow's parser threw
    // IllegalArgumentException, which XNIO logged with a stack trace while the client heard
    // nothing. Now the connection is closed and the log holds one line without a trace.
    @Test
    void trailerLineWithoutANameClosesTheConnection(@TempDir Path dir) throws Exception {
        Path accessLog = dir.resolve("access.log");
        try (LogCapture log = LogCapture.start();
             RawBackend backend = RawBackend.start((peer, head) -> peer.requestBody(head).readAllBytes());
             Sluice proxy = Sluice.builder().accessLog(file(accessLog)).route("/", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            client.write("POST /upload HTTP/1.1\r\nHost: x\r\nX-Request-Id: bad-trailer\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n0\r\nno colon here\r\n\r\n");

            String end = client.awaitEnd(Duration.ofSeconds(5));
            awaitAccessLogLine(accessLog, "bad-trailer");
            assertAll(
                    () -> assertTrue(end.equals("EOF") || end.startsWith("reset"), end),
                    () -> assertEquals(List.of(), log.stackTraces()));
        }
    }

    // The client declares 100 bytes, sends 10 and half-closes. The upstream connection is reset
    // (so the half body is not taken for a whole one) and the client's closed; a client that
    // goes away is no error: it was logged at ERROR with a ClosedChannelException trace (UT005028).
    @Test
    void uploadCutShortByTheClientEndsWithoutAStackTrace(@TempDir Path dir) throws Exception {
        Path accessLog = dir.resolve("access.log");
        try (LogCapture log = LogCapture.start();
             RawBackend backend = RawBackend.start((peer, head) -> peer.requestBody(head).readAllBytes());
             // streamed, not buffered: a buffered body that is cut short never reaches the upstream at all
             Sluice proxy = Sluice.builder().accessLog(file(accessLog)).limits(SMALL_BODIES).route("/", backend.uri())
                     .start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            client.write("POST /upload HTTP/1.1\r\nHost: x\r\nX-Request-Id: cut-short\r\nContent-Length: 100\r\n\r\n"
                    + "0123456789");
            client.shutdownOutput();

            String end = client.awaitEnd(Duration.ofSeconds(5));
            awaitAccessLogLine(accessLog, "cut-short");
            await("the backend's read of the half body fails").atMost(Duration.ofSeconds(5))
                    .until(() -> !backend.failures().isEmpty());
            assertAll(
                    () -> assertEquals("EOF", end, "closed without an answer, as nginx does"),
                    () -> assertEquals(List.of(), log.stackTraces()));
        }
    }

    // An upstream that says nothing within response-timeout: 504 as before, without the
    // ClosedChannelException trace Undertow's proxy logged when Sluice closed that connection.
    @Test
    void responseTimeoutAnswers504WithoutAStackTrace() throws Exception {
        try (LogCapture log = LogCapture.start();
             RawBackend backend = RawBackend.start((peer, head) -> peer.awaitEnd(Duration.ofSeconds(10)));
             Sluice proxy = Sluice.builder().responseTimeout(Duration.ofMillis(300)).route("/", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            client.write(RawHttp.request("GET", "/silent", "Host: x"));

            RawHttp.Response answer = client.readResponse();
            assertAll(
                    () -> assertEquals(504, answer.status(), answer.toString()),
                    () -> assertEquals(List.of(), log.stackTraces()));
        }
    }

    // The client resets its connection while the upstream is still thinking, and the answer has
    // no body: its head goes out in the proxy's last flush, which fails. That used to be an ERROR
    // with a "Connection reset by peer" trace (UT005028).
    @Test
    void clientThatResetsBeforeTheAnswerLeavesNoStackTrace(@TempDir Path dir) throws Exception {
        Path accessLog = dir.resolve("access.log");
        CountDownLatch clientGone = new CountDownLatch(1);
        try (LogCapture log = LogCapture.start();
             HttpBackend backend = HttpBackend.start((request, reply) -> {
                 assertTrue(clientGone.await(10, TimeUnit.SECONDS));
                 reply.status(204).send("");
             });
             Sluice proxy = Sluice.builder().accessLog(file(accessLog)).route("/", backend.uri()).start()) {
            RawPeer client = RawPeer.connect(proxy.port());
            client.write(RawHttp.request("GET", "/slow", "Host: x", "X-Request-Id: gone-early"));
            backend.takeRequest();
            client.reset();
            clientGone.countDown();

            awaitAccessLogLine(accessLog, "gone-early");
            assertEquals(List.of(), log.stackTraces());
        }
    }

    private static AccessLogConfig file(Path path) {
        return new AccessLogConfig(AccessLogConfig.Target.FILE, path);
    }

    /** Waits for the exchange's access log line: the proxy is done with it, and has logged what it would. */
    private static void awaitAccessLogLine(Path accessLog, String requestId) {
        await("the access log line of request " + requestId).atMost(Duration.ofSeconds(5)).until(() ->
                Files.exists(accessLog) && Files.readAllLines(accessLog).stream().anyMatch(l -> l.endsWith("id=" + requestId)));
    }

    /** Sends GET /after through the proxy on a new connection and returns what the backend received next. */
    private static HttpBackendRequest sendAfter(Sluice proxy, HttpBackend backend) throws Exception {
        try (RawPeer client = RawPeer.connect(proxy.port())) {
            RawHttp.Response response = client.write(RawHttp.request("GET", "/after", "Host: x")).readResponse();
            assertEquals(200, response.status(), response.toString());
        }
        return backend.takeRequest();
    }
}
