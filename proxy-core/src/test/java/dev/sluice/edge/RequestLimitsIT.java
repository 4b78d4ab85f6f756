package dev.sluice.edge;

import dev.sluice.Sluice;
import dev.sluice.config.LimitsConfig;
import dev.sluice.testing.HttpBackend;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawHttp;
import dev.sluice.testing.RawPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.EOFException;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code limits}: request bodies and heads over their size, and a request head that never
 * completes. The oversized requests are checked against a {@link RawBackend}, which records a
 * request head the moment it arrives: {@link HttpBackend} records only whole requests and
 * would not notice a head forwarded without its body.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RequestLimitsIT {
    private static final int MAX_BODY = 1024;
    private static final int MAX_HEAD = 2 * 1024;
    private static final LimitsConfig SMALL = LimitsConfig.DEFAULTS.withMaxRequestHeaderSize(MAX_HEAD)
            .withMaxRequestBodySize(MAX_BODY).withRequestHeaderTimeout(Duration.ofMillis(500));
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** Upload bodies the raw backend read to their end (a chunked body's last chunk included). */
    private final List<String> wholeUploads = new CopyOnWriteArrayList<>();

    // Content-Length 4096 over a 1 KiB max-request-body-size: 413, and the backend never sees
    // the request, not even its head.
    @Test
    void bodyWithContentLengthOverLimitGets413AndNeverReachesBackend() throws Exception {
        try (RawBackend backend = RawBackend.start(this::answerOk);
             Sluice proxy = Sluice.builder().limits(SMALL).route("/", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            String upload = "a".repeat(4 * MAX_BODY);
            client.write("POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: " + upload.length() + "\r\n\r\n" + upload);

            RawHttp.Head answer = client.readHead();
            String body = new String(client.readExactly(answer.contentLength()), StandardCharsets.UTF_8);
            assertAll(
                    () -> assertEquals(413, answer.status(), answer.text() + body),
                    () -> assertNoUploadReached(backend, proxy, false));
        }
    }

    // A chunked upload that grows past 1 KiB (8 chunks of 512 bytes) while it streams upstream
    // (request-body-buffer 0). The contract is "413 or the connection closed, and the body never
    // reaches the backend whole". What happens: the client gets 413 (no response has started)
    // and its connection is closed, and the upstream connection is reset, so the backend does
    // not get the upload as a complete request.
    @Test
    void chunkedUploadGrowingPastLimitClosesConnectionAndNeverReachesBackendWhole() throws Exception {
        try (RawBackend backend = RawBackend.start(this::answerOk);
             Sluice proxy = Sluice.builder().limits(SMALL.withRequestBodyBuffer(0)).route("/", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            String outcome = sendChunkedUpload(client, 8, 512);
            System.out.println("chunked upload over the limit, the client got: " + outcome);
            assertTrue(outcome.startsWith("413") || outcome.startsWith("closed"), "client got: " + outcome);
            assertNoUploadReached(backend, proxy, true, true);
        }
    }

    // The same upload with the default 64 KiB request-body-buffer: it grows past the limit while
    // it is still buffered, so the connection is closed (or 413) and the backend never sees even
    // the request head.
    @Test
    void chunkedUploadGrowingPastLimitWhileBufferedNeverReachesBackend() throws Exception {
        try (RawBackend backend = RawBackend.start(this::answerOk);
             Sluice proxy = Sluice.builder().limits(SMALL).route("/", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            String outcome = sendChunkedUpload(client, 8, 512);
            System.out.println("buffered chunked upload over the limit, the client got: " + outcome);
            assertTrue(outcome.startsWith("closed") || outcome.startsWith("413"), "client got: " + outcome);
            assertNoUploadReached(backend, proxy, false);
        }
    }

    // A 4 KiB request head over a 2 KiB max-request-header-size gets 431 (DESIGN: "header too
    // large -> 431") and the backend never sees it.
    @Test
    void headOverMaxHeaderSizeGets431AndNeverReachesBackend() throws Exception {
        try (HttpBackend backend = HttpBackend.start();
             Sluice proxy = Sluice.builder().limits(SMALL).route("/", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            client.write("GET /big-head HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Filler: " + "f".repeat(2 * MAX_HEAD) + "\r\n\r\n");

            RawHttp.Head answer = client.readHead();
            String body = new String(client.readExactly(answer.contentLength()), StandardCharsets.UTF_8);
            System.out.println("request head over the limit got: " + answer.text().trim() + " / body: " + body);
            assertEquals(431, answer.status(), answer.text());
            assertFirstRequestIsAfter(backend, proxy, "the oversized request never reached the backend");
        }
    }

    // Half a request head and then nothing: the connection is closed once request-header-timeout
    // (500 ms) has passed, not before, and the backend never hears of it.
    @Test
    void stalledHalfHeadIsDisconnectedAfterRequestHeaderTimeout() throws Exception {
        try (HttpBackend backend = HttpBackend.start();
             Sluice proxy = Sluice.builder().limits(SMALL).route("/", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            long sentAt = System.nanoTime();
            client.write("GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ");
            CompletableFuture<String> end = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.awaitEnd(Duration.ofSeconds(5));
                } catch (IOException e) {
                    return "failed: " + e;
                }
            });

            await("the proxy disconnects the stalled client").atMost(Duration.ofSeconds(3)).until(end::isDone);
            long closedAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentAt);
            assertTrue(end.get().equals("EOF") || end.get().startsWith("reset"), "client saw: " + end.get());
            assertTrue(closedAfterMillis >= 450, "closed after " + closedAfterMillis + " ms, before the 500 ms timeout");
            assertFirstRequestIsAfter(backend, proxy, "the stalled request never reached the backend");
        }
    }

    /** Checks that the backend got the upload neither whole nor (unless {@code headAllowed}) even its head. */
    private void assertNoUploadReached(RawBackend backend, Sluice proxy, boolean headAllowed) throws Exception {
        assertNoUploadReached(backend, proxy, headAllowed, false);
    }

    /**
     * @param resetExpected the upload had begun to flow upstream, so the proxy must have reset
     *                      that connection: a clean close would end a chunked body as if whole
     */
    private void assertNoUploadReached(RawBackend backend, Sluice proxy, boolean headAllowed,
                                       boolean resetExpected) throws Exception {
        // A request sent after the refusal reaches the backend; anything forwarded of the upload
        // was sent before it and has had its time to arrive.
        HttpResponse<String> after = CLIENT.send(HttpRequest.newBuilder(proxy.uri("http", "/after"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, after.statusCode(), after.body());
        await().atMost(Duration.ofSeconds(2))
                .until(() -> backend.heads().stream().anyMatch(h -> h.startLine().startsWith("GET /after ")));
        List<RawHttp.Head> uploadHeads = backend.heads().stream()
                .filter(h -> h.startLine().startsWith("POST /upload ")).toList();
        if (!headAllowed) {
            assertEquals(List.of(), uploadHeads, "request heads of the refused upload that reached the backend");
        }
        assertEquals(List.of(), wholeUploads, "refused uploads the backend received whole");
        if (resetExpected) {
            await().atMost(Duration.ofSeconds(2)).until(() -> !backend.failures().isEmpty());
            assertTrue(backend.failures().stream().allMatch(f -> String.valueOf(f).contains("Connection reset")),
                    "the backend's half-received upload should end in a reset: " + backend.failures());
        } else {
            assertEquals(List.of(), backend.failures());
        }
    }

    /**
     * Backend script: reads the request's body to its end as framed, records an upload that
     * arrived whole (with its length), answers 200 and closes.
     */
    private void answerOk(RawPeer peer, RawHttp.Head head) throws IOException {
        long length;
        try {
            length = peer.requestBody(head).readAllBytes().length;
        } catch (EOFException endedEarly) {
            length = -1;
        }
        if (length >= 0 && head.startLine().startsWith("POST /upload ")) {
            wholeUploads.add(head.startLine() + " with a complete " + length + "-byte body");
        }
        peer.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        peer.close();
    }

    /** Sends the upload chunk by chunk and says how the proxy answered: "413 ...", "200 ...", or "closed ...". */
    private static String sendChunkedUpload(RawPeer client, int chunks, int chunkSize) throws IOException {
        int sent = 0;
        try {
            client.write("POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n");
            String chunk = Integer.toHexString(chunkSize) + "\r\n" + "c".repeat(chunkSize) + "\r\n";
            for (int i = 0; i < chunks; i++) {
                client.write(chunk);
                sent += chunkSize;
            }
            client.write("0\r\n\r\n");
        } catch (IOException e) {
            return "closed while sending, after " + sent + " body bytes (" + e.getMessage() + ")";
        }
        try {
            RawHttp.Head answer = client.readHead();
            return answer.status() + " " + answer.startLine();
        } catch (IOException e) {
            return "closed without an answer (" + e.getMessage() + ")";
        }
    }

    /** Sends GET /after through the proxy and checks it is the first request the backend ever received. */
    private static void assertFirstRequestIsAfter(HttpBackend backend, Sluice proxy, String message) throws Exception {
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(proxy.uri("http", "/after"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("/after", backend.takeRequest().uri(), message);
    }
}
