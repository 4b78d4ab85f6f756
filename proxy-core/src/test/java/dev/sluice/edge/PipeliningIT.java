package dev.sluice.edge;

import dev.sluice.Sluice;
import dev.sluice.SluiceBuilder;
import dev.sluice.config.TlsConfig;
import dev.sluice.testing.HttpBackend;
import dev.sluice.testing.HttpBackendRequest;
import dev.sluice.testing.HttpBackendResponder;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawHttp;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests pipelined on one connection (RFC 9112 §9.3.2): answered in order, each as soon as
 * it is ready, whatever follows it in the same write. The backend echoes the request target,
 * so each answer says which request it belongs to. RawPeer's reads time out, so an answer held
 * back fails the test.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PipeliningIT {
    private final HttpBackend backend = HttpBackend.start(HttpBackendResponder.echoUri());

    @AfterEach
    void stopBackend() {
        backend.close();
    }

    // Three requests in one write, the middle one with a body: three answers, in order, and
    // the connection stays open for a fourth.
    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (Sluice proxy = Sluice.builder().route("/", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            client.write(get("/one") + "POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc" + get("/three"));

            assertEquals("/one", answer(client));
            assertEquals("/two", answer(client));
            assertEquals("/three", answer(client));
            assertEquals("/four", answer(client.write(get("/four"))));
        }
    }

    // A GET with a stray CRLF behind it, then a CRLF between two pipelined requests
    // (RFC 9112 §2.2: a server should ignore empty lines before a request line): every request
    // is answered and the connection stays usable. Undertow's parser alone answers 400 and closes.
    @Test
    void strayEmptyLinesBetweenRequestsAreIgnored() throws Exception {
        try (Sluice proxy = Sluice.builder().route("/", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            client.write(get("/first") + "\r\n");
            assertEquals("/first", answer(client));

            client.write(get("/second") + "\r\n\r\n" + get("/third") + "\n");
            assertEquals("/second", answer(client));
            assertEquals("/third", answer(client));
            assertEquals("/fourth", answer(client.write(get("/fourth"))));
        }
    }

    // A GET followed by the first bytes of the next request: the GET is answered at once, and
    // the next one once its head is complete (as nginx does), not the other way round.
    @Test
    void answerLeavesWhileTheNextRequestIsStillArriving() throws Exception {
        try (Sluice proxy = Sluice.builder().route("/", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            client.write(get("/first") + "GET /x HT");
            assertEquals("/first", answer(client));

            client.write("TP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("/x", answer(client));
        }
    }

    // A POST whose head declares no body, with bytes behind it: those bytes are the start of
    // the next request, not the POST's body. The POST is answered at once, with an empty body
    // upstream, and the next request is answered when it is complete.
    @Test
    void postWithoutBodyIsAnsweredWhileBytesFollowIt() throws Exception {
        try (Sluice proxy = Sluice.builder().route("/", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            client.write("POST /first HTTP/1.1\r\nHost: x\r\n\r\nGE");
            assertEquals("/first", answer(client));
            HttpBackendRequest post = backend.takeRequest();
            assertAll(
                    () -> assertEquals("POST", post.method()),
                    () -> assertEquals(0, post.body().length));

            client.write("T /second HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("/second", answer(client));
        }
    }

    // The next request sent while the first still waits for its upstream, and then the client's
    // FIN: the proxy keeps the connection readable while a request runs (no epoll_ctl per
    // request), so these bytes wake it early; it reads them only once the first is answered.
    // Both answers arrive, in order, before the connection ends.
    @Test
    void bytesSentWhileARequestWaitsUpstreamWaitForItsAnswer() throws Exception {
        bytesSentWhileARequestWaitsUpstreamWaitForItsAnswer(Sluice.builder(), RawPeer::connect);
    }

    // The same over TLS, where Undertow's TLS conduit runs the read listener again after each
    // read on its own schedule; here the FIN is the client's close_notify.
    @Test
    void overTlsBytesSentWhileARequestWaitsUpstreamWaitForItsAnswer(@TempDir Path dir) throws Exception {
        TestCertificates ca = TestCertificates.ca();
        TlsConfig tls = TlsConfig.of(ca.leaf("localhost", "127.0.0.1").write(dir, "leaf"));
        bytesSentWhileARequestWaitsUpstreamWaitForItsAnswer(Sluice.builder().tls(tls),
                port -> RawPeer.connectTls(port, ca.clientContext()));
    }

    private interface Connect {
        RawPeer to(int port) throws IOException;
    }

    private static void bytesSentWhileARequestWaitsUpstreamWaitForItsAnswer(SluiceBuilder builder, Connect connect)
            throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (RawBackend upstream = RawBackend.start((peer, head) -> {
                 if (head.target().equals("/slow")) {
                     release.await(10, TimeUnit.SECONDS);
                 }
                 peer.write("HTTP/1.1 200 OK\r\nContent-Length: " + head.target().length()
                         + "\r\nConnection: close\r\n\r\n" + head.target());
             });
             Sluice proxy = builder.route("/", upstream.uri()).start();
             RawPeer client = connect.to(proxy.port())) {
            client.write(get("/slow"));
            await().until(() -> upstream.heads().size() == 1);
            client.write(get("/next"));
            client.shutdownOutput();
            release.countDown();

            assertEquals("/slow", answer(client));
            assertEquals("/next", answer(client));
            assertTrue(client.readsEof(), "then the proxy closes, the client having sent its FIN");
        }
    }

    private static String get(String target) {
        return RawHttp.request("GET", target, "Host: x");
    }

    /** Reads one response, checks it is a 200, and gives its body: the target the backend saw. */
    private static String answer(RawPeer client) throws IOException {
        RawHttp.Response response = client.readResponse();
        assertEquals(200, response.status(), response.toString());
        return response.bodyText();
    }
}
