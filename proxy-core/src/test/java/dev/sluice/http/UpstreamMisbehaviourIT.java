package dev.sluice.http;

import dev.sluice.Sluice;
import dev.sluice.config.LimitsConfig;
import dev.sluice.testing.DeadServer;
import dev.sluice.testing.HostileBackend;
import dev.sluice.testing.LogCapture;
import dev.sluice.testing.RawHttp;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.WsWire;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.sluice.testing.HostileBackend.finalFor;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An upstream that misbehaves must never make one client's answer reach another. Each test
 * has the upstream misbehave ({@link HostileBackend}), checks what the client that asked got,
 * and then checks the pool's invariant, that a pooled connection holds no unread byte: 20
 * requests from other clients, each on a new connection, each get the answer that names their
 * own request.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UpstreamMisbehaviourIT {
    private static final int FOLLOW_UPS = 20;

    // Undertow's client took a 103 or 102 for the final answer: the client got a bare 1xx, and
    // the real 200 stayed on the pooled connection for the next request, another client's.
    @ParameterizedTest
    @ValueSource(strings = {"/h/hints", "/h/processing", "/h/interims"})
    void interimAnswersAreDroppedAndTheFinalAnswerReachesItsOwnRequest(String target) throws Exception {
        try (HostileBackend backend = HostileBackend.start();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            for (int i = 0; i < 3; i++) {
                RawHttp.Response answer = get(proxy, target);
                assertEquals(200, answer.status(), answer.toString());
                assertEquals(finalFor(target), answer.bodyText());
            }
            assertEveryFollowUpGetsItsOwnAnswer(proxy);
        }
    }

    // A 1xx before a handshake's 101 is interim too: the client gets the 101 and a tunnel.
    @Test
    void anInterimAnswerBeforeA101IsNotTheHandshakesAnswer() throws Exception {
        try (HostileBackend backend = HostileBackend.start();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            WsWire.Answer answer = WsWire.open(proxy.port(), "/h/interim-101");
            try (RawPeer client = answer.peer()) {
                assertEquals(101, answer.status(), answer.head().toString());
                client.write(WsWire.clientText("through"));
                assertEquals("through", client.readFrame().text());
            }
            assertEveryFollowUpGetsItsOwnAnswer(proxy);
        }
    }

    // A 304 or 204 has no body whatever its Content-Length says (RFC 9110 §8.6): the client
    // waited for 5 bytes that never came. Pipelined behind it on the same client connection,
    // the next request is answered too.
    @ParameterizedTest
    @ValueSource(strings = {"/h/304", "/h/204"})
    void aBodilessAnswerWithAContentLengthIsAnsweredAtOnce(String target) throws Exception {
        try (HostileBackend backend = HostileBackend.start();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            client.write(RawHttp.request("GET", target, "Host: x") + RawHttp.request("GET", "/h/after", "Host: x"));
            RawHttp.Response bodiless = client.readResponse();
            RawHttp.Response next = client.readResponse();
            assertAll(
                    () -> assertEquals(Integer.parseInt(target.substring(3)), bodiless.status(), bodiless.toString()),
                    () -> assertEquals(0, bodiless.body().length),
                    () -> assertEquals(200, next.status(), next.toString()),
                    () -> assertEquals(finalFor("/h/after"), next.bodyText()));
            assertEveryFollowUpGetsItsOwnAnswer(proxy);
        }
    }

    // Undertow's client reads the answer to HEAD as empty whatever its Content-Length: kept so.
    @Test
    void anAnswerToHeadHasNoBody() throws Exception {
        try (HostileBackend backend = HostileBackend.start();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            client.write(RawHttp.request("HEAD", "/h/head", "Host: x") + RawHttp.request("GET", "/h/after", "Host: x"));
            RawHttp.Response head = client.readResponse(true);
            RawHttp.Response next = client.readResponse();
            assertAll(
                    () -> assertEquals(200, head.status(), head.toString()),
                    () -> assertEquals(String.valueOf(finalFor("/h/head").length()), head.header("Content-Length")),
                    () -> assertEquals(finalFor("/h/after"), next.bodyText()));
            assertEveryFollowUpGetsItsOwnAnswer(proxy);
        }
    }

    // Bytes that come while no request is outstanding answer nobody: the connection is closed,
    // counted and logged in one line, and no later request receives them.
    @Test
    void bytesNoRequestAskedForCloseTheConnectionAndReachNobody() throws Exception {
        try (LogCapture log = LogCapture.start();
             HostileBackend backend = HostileBackend.start();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            assertEquals(finalFor("/h/stray"), get(proxy, "/h/stray").bodyText());
            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.recording().exchanges().size() == 1);

            backend.sendStray();

            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.metrics().scrape()
                    .contains("sluice_upstream_stray_responses_total{upstream=\"upstream-1\"} 1.0"));
            assertEveryFollowUpGetsItsOwnAnswer(proxy);
            assertAll(
                    () -> assertTrue(log.lines().stream().anyMatch(l -> l.contains("SLU2010") && l.contains("upstream-1")),
                            String.join("\n", log.lines())),
                    () -> assertEquals(List.of(), log.stackTraces()));
        }
    }

    // An upstream that answers before it has read the upload: the client gets that answer.
    @Test
    void anAnswerBeforeTheUploadEndsReachesItsClient() throws Exception {
        try (HostileBackend backend = HostileBackend.start();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            client.write("POST /h/early HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
            assertEquals(finalFor("/h/early"), client.readResponse().bodyText());
            assertEveryFollowUpGetsItsOwnAnswer(proxy);
        }
    }

    // Answered and closed mid-upload: Undertow's proxy answered 503 and logged a stack trace.
    // The client gets the answer the upstream sent; the log has no trace.
    @Test
    void anUpstreamThatAnswersAndClosesMidUploadHasItsAnswerRelayed() throws Exception {
        assertMidUploadEnd("/h/close-mid-upload", 200, "upload refused early");
    }

    // Hung up without a word mid-upload: 502 (Undertow's proxy answered 503), one log line, no trace.
    @Test
    void anUpstreamThatHangsUpMidUploadGets502() throws Exception {
        assertMidUploadEnd("/h/hang-up-mid-upload", 502, null);
    }

    private static void assertMidUploadEnd(String target, int status, String body) throws Exception {
        byte[] upload = new byte[4 * 1024 * 1024];
        try (LogCapture log = LogCapture.start();
             HostileBackend backend = HostileBackend.start();
             Sluice proxy = Sluice.builder().limits(LimitsConfig.DEFAULTS.withRequestBodyBuffer(0))
                     .route("/", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            client.write("POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + upload.length + "\r\n\r\n");
            writeQuietly(client, upload);
            RawHttp.Response answer = client.readResponse();
            assertEquals(status, answer.status(), answer.toString());
            if (body != null) {
                assertEquals(body, answer.bodyText());
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.recording().exchanges().size() == 1);
            assertEquals(List.of(), log.stackTraces());
            assertEveryFollowUpGetsItsOwnAnswer(proxy);
        }
    }

    // An Expect other than 100-continue is answered 417 by the proxy (RFC 9110 §10.1.1) and
    // never forwarded: a Node upstream answered 417 itself and read the body as a new request.
    @ParameterizedTest
    @ValueSource(strings = {"Expect: bogus", "Expect:", "Expect: 100-continue, bogus"})
    void anExpectationOtherThan100ContinueGets417AndIsNotForwarded(String expect) throws Exception {
        try (LogCapture log = LogCapture.start();
             HostileBackend backend = HostileBackend.start();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            client.write("POST /h/expect HTTP/1.1\r\nHost: x\r\n" + expect + "\r\nContent-Length: 41\r\n\r\n"
                    + "GET /h/smuggled HTTP/1.1\r\nHost: x\r\n\r\n\r\n");
            RawHttp.Response answer = client.readResponse();
            assertAll(
                    () -> assertEquals(417, answer.status(), answer.toString()),
                    () -> assertTrue(answer.bodyText().contains("Expect"), answer.bodyText()),
                    () -> assertEquals(List.of(), backend.heads()),
                    () -> assertEquals(List.of(), log.stackTraces()));
            assertEveryFollowUpGetsItsOwnAnswer(proxy);
            assertTrue(backend.heads().stream().noneMatch(h -> h.target().contains("smuggled")), backend.heads().toString());
        }
    }

    // RFC 9112 §6.3: a request whose Transfer-Encoding does not end in chunked cannot be framed,
    // and chunked twice is no framing either. It was read until the client closed and answered
    // 200 only then; it gets 400 at once, and the connection is closed.
    @ParameterizedTest
    @ValueSource(strings = {"Transfer-Encoding: identity", "Transfer-Encoding: chunked, identity",
            "Transfer-Encoding: chunked, chunked", "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked",
            "Transfer-Encoding: gzip"})
    void aRequestWhoseBodyCannotBeFramedGets400AndAClose(String transferEncoding) throws Exception {
        assertRefusedWith400(transferEncoding);
    }

    // Duplicate framing and Host fields get 400 and a close (Undertow refuses these itself).
    @ParameterizedTest
    @ValueSource(strings = {"Host: y\r\nContent-Length: 5", "Content-Length: 5\r\nContent-Length: 6",
            "Content-Length: 5, 6"})
    void duplicateFramingFieldsGet400AndAClose(String fields) throws Exception {
        assertRefusedWith400(fields);
    }

    private static void assertRefusedWith400(String fields) throws Exception {
        try (LogCapture log = LogCapture.start();
             HostileBackend backend = HostileBackend.start();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            client.write("POST /h/framing HTTP/1.1\r\nHost: x\r\n" + fields + "\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
            RawHttp.Response answer = client.readResponse();
            assertAll(
                    () -> assertEquals(400, answer.status(), answer.toString()),
                    () -> assertEquals("close", answer.header("Connection"), answer.toString()),
                    () -> assertEquals("EOF", client.awaitEnd(Duration.ofSeconds(5))),
                    () -> assertEquals(List.of(), backend.heads()),
                    () -> assertEquals(List.of(), log.stackTraces()));
        }
    }

    // A 502 tells the client that the upstream failed and which request it was; where the
    // upstream lives is the operator's business, in the log line.
    @Test
    void a502BodyDoesNotNameTheUpstreamsAddress() throws Exception {
        java.net.URI dead = DeadServer.uri();
        try (LogCapture log = LogCapture.start();
             Sluice proxy = Sluice.builder().route("/", dead).start()) {
            RawHttp.Response answer = get(proxy, "/x");
            String address = dead.getHost() + ":" + dead.getPort();
            assertAll(
                    () -> assertEquals(502, answer.status()),
                    () -> assertFalse(answer.bodyText().contains(address), answer.bodyText()),
                    () -> assertTrue(answer.bodyText().contains(answer.header("X-Request-Id")), answer.bodyText()),
                    () -> assertTrue(log.lines().stream().anyMatch(l -> l.contains("SLU1520") && l.contains(address)),
                            String.join("\n", log.lines())));
        }
    }

    /** The pool's invariant: requests from other clients, each on a new connection, each get their own answer. */
    private static void assertEveryFollowUpGetsItsOwnAnswer(Sluice proxy) throws IOException {
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < FOLLOW_UPS; i++) {
            String target = "/h/follow-up/" + i;
            RawHttp.Response answer = get(proxy, target);
            if (answer.status() != 200 || !answer.bodyText().equals(finalFor(target))) {
                wrong.add(target + " got " + answer.status() + " " + answer.bodyText());
            }
        }
        assertEquals(List.of(), wrong);
    }

    private static RawHttp.Response get(Sluice proxy, String target) throws IOException {
        try (RawPeer client = RawPeer.connect(proxy.port())) {
            client.write(RawHttp.request("GET", target, "Host: x"));
            return client.readResponse();
        }
    }

    /** Writes what the proxy takes; it may stop reading once the upstream answered. */
    private static void writeQuietly(RawPeer client, byte[] bytes) {
        try {
            client.write(bytes);
        } catch (IOException refusedMidWay) {
            // the answer is what counts
        }
    }
}
