package dev.sluice.http;

import dev.sluice.Sluice;
import dev.sluice.config.LimitsConfig;
import dev.sluice.testing.Curl;
import dev.sluice.testing.H2Wire;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawHttp;
import dev.sluice.testing.RawPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Trailer fields travel end to end (RFC 9110 §6.5), and so does the {@code Trailer} header
 * that announces them (§6.6.2), which is not hop-by-hop (§7.6.1): a chunked answer's trailers
 * reach the client, and a chunked request's the upstream, with the body between them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TrailersIT {
    private static final String CHUNKED_WITH_TRAILER = "HTTP/1.1 200 OK\r\n"
            + "Content-Type: text/plain\r\n"
            + "Transfer-Encoding: chunked\r\n"
            + "Trailer: X-Checksum\r\n"
            + "\r\n"
            + "6\r\nhello \r\n5\r\nworld\r\n"
            + "0\r\nX-Checksum: sha256=abc123\r\n\r\n";

    // The upstream's chunked answer with Trailer: X-Checksum reaches an HTTP/1.1 client with both
    // the Trailer header and the trailer field after the last chunk.
    @Test
    void responseTrailerReachesTheClient() throws Exception {
        try (RawBackend backend = RawBackend.start((peer, head) -> peer.write(CHUNKED_WITH_TRAILER));
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            RawHttp.Response response = client.write(RawHttp.request("GET", "/report", "Host: example.com"))
                    .readResponse();

            assertEquals(200, response.status(), response.toString());
            assertEquals("chunked", response.header("Transfer-Encoding"), "the client's leg is chunked too: " + response);
            assertEquals("X-Checksum", response.header("Trailer"), response.toString());
            assertEquals("hello world", response.bodyText());
            assertEquals(List.of(Map.entry("X-Checksum", "sha256=abc123")), response.trailers());
        }
    }

    // What Undertow cannot do: a client that asks to close the connection gets an HTTP/1.1 body
    // that ends with the connection, not chunked, and so no trailer; the body is whole, and the
    // Trailer header (which only announces) still comes. HTTP/1.0 clients are answered the same way.
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"GET /report HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n",
            "GET /report HTTP/1.0\r\nHost: example.com\r\n\r\n"})
    void aClientThatClosesGetsTheBodyWithoutTheTrailer(String request) throws Exception {
        try (RawBackend backend = RawBackend.start((peer, head) -> peer.write(CHUNKED_WITH_TRAILER));
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            String answer = new String(client.write(request).readToEof(), StandardCharsets.ISO_8859_1);

            assertTrue(answer.contains("\r\nConnection: close\r\n") && !answer.contains("Transfer-Encoding"), answer);
            assertTrue(answer.endsWith("\r\n\r\nhello world"), answer);
        }
    }

    // The same answer to an HTTP/2 client: the trailer comes as the stream's last HEADERS (curl
    // prints it after the header block), and trailer is announced in the response head.
    @Test
    void responseTrailerReachesAnHttp2Client() throws Exception {
        assumeTrue(Curl.available(), "curl with HTTP/2 is not installed");
        try (RawBackend backend = RawBackend.start((peer, head) -> peer.write(CHUNKED_WITH_TRAILER));
             Sluice proxy = Sluice.builder().route("/", backend.uri()).http2(true).start()) {
            Curl.Result result = Curl.run("--http2-prior-knowledge", "--dump-header", "-", "--output", "/dev/null",
                    "http://127.0.0.1:" + proxy.port() + "/report");

            assertEquals(0, result.exit(), result.err());
            String out = result.out().toLowerCase(java.util.Locale.ROOT);
            assertTrue(out.startsWith("http/2 200"), result.out());
            assertTrue(out.contains("\ntrailer: x-checksum\r\n"), "Trailer header: " + result.out());
            assertTrue(out.contains("\nx-checksum: sha256=abc123"), "trailer field: " + result.out());
        }
    }

    // A chunked upload's Trailer header and trailer field reach the upstream, after the whole
    // body: read into request-body-buffer first (64KiB by default) or streamed on (buffer 0).
    @ParameterizedTest(name = "request-body-buffer {0}")
    @ValueSource(longs = {64 * 1024, 0})
    void requestTrailerReachesTheUpstream(long bodyBuffer) throws Exception {
        BlockingQueue<Upload> uploads = new LinkedBlockingQueue<>();
        try (RawBackend backend = uploadRecorder(uploads);
             Sluice proxy = Sluice.builder().route("/", backend.uri())
                     .limits(LimitsConfig.DEFAULTS.withRequestBodyBuffer(bodyBuffer)).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            RawHttp.Response response = client.write(RawHttp.request("POST", "/upload", "Host: example.com",
                            "Transfer-Encoding: chunked", "Trailer: X-Checksum", "TE: trailers")
                    + "6\r\nhello \r\n5\r\nworld\r\n0\r\nX-Checksum: sha256=abc123\r\n\r\n").readResponse();

            assertEquals(204, response.status(), response.toString());
            Upload upload = uploads.poll(10, TimeUnit.SECONDS);
            assertNotNull(upload, "the upload never reached the backend");
            assertEquals("hello world", upload.body());
            assertEquals("X-Checksum", upload.head().header("Trailer"), upload.head().text());
            assertEquals("chunked", upload.head().header("Transfer-Encoding"), upload.head().text());
            assertEquals(List.of(Map.entry("X-Checksum", "sha256=abc123")), upload.trailers());
        }
    }

    // An HTTP/2 client's trailers (a HEADERS frame after the DATA, ending the stream) reach an
    // HTTP/1.1 upstream as a chunked body's trailer, with the Trailer header the client sent.
    @Test
    void requestTrailerFromAnHttp2ClientReachesTheUpstream() throws Exception {
        BlockingQueue<Upload> uploads = new LinkedBlockingQueue<>();
        try (RawBackend backend = uploadRecorder(uploads);
             Sluice proxy = Sluice.builder().route("/", backend.uri()).http2(true).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            client.write(RawHttp.concat(H2Wire.PREFACE, H2Wire.frame(H2Wire.SETTINGS, 0, 0, new byte[0]),
                    H2Wire.frame(H2Wire.HEADERS, H2Wire.END_HEADERS, 1, H2Wire.headerBlock(":method", "POST",
                            ":scheme", "http", ":path", "/upload", ":authority", "example.com",
                            "trailer", "x-checksum")),
                    H2Wire.frame(H2Wire.DATA, 0, 1, RawHttp.ascii("hello world")),
                    H2Wire.frame(H2Wire.HEADERS, H2Wire.END_HEADERS | H2Wire.END_STREAM, 1,
                            H2Wire.headerBlock("x-checksum", "sha256=abc123"))));

            Upload upload = uploads.poll(10, TimeUnit.SECONDS);
            assertNotNull(upload, "the upload never reached the backend");
            assertEquals("hello world", upload.body());
            assertEquals("x-checksum", upload.head().header("Trailer"), upload.head().text());
            assertEquals(List.of(Map.entry("x-checksum", "sha256=abc123")), upload.trailers());
            H2Wire.Frame frame;
            do {
                frame = H2Wire.read(client.in());
            } while (frame.type() != H2Wire.HEADERS);
            assertEquals(1, frame.stream(), "the answer's head on the request's stream");
        }
    }

    private record Upload(RawHttp.Head head, String body, List<Map.Entry<String, String>> trailers) {
    }

    /** A backend that answers 204 to every upload and hands over its head, body and trailers. */
    private static RawBackend uploadRecorder(BlockingQueue<Upload> uploads) {
        return RawBackend.start((peer, head) -> {
            InputStream body = peer.requestBody(head);
            String text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
            uploads.add(new Upload(head, text, RawHttp.trailers(body)));
            peer.write("HTTP/1.1 204 No Content\r\n\r\n");
        });
    }
}
