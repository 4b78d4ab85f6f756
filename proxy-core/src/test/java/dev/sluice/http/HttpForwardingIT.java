package dev.sluice.http;

import dev.sluice.Sluice;
import dev.sluice.testing.HttpBackend;
import dev.sluice.testing.HttpBackendRequest;
import dev.sluice.testing.HttpBackendResponder;
import dev.sluice.testing.HttpClients;
import dev.sluice.testing.RawHttp;
import dev.sluice.testing.RawPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Plain HTTP through a real proxy to a real backend: methods, bodies both ways, streaming, connection reuse. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HttpForwardingIT {
    private static final HttpClient CLIENT = HttpClients.HTTP_1_1;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

    private final HttpBackend backend = HttpBackend.start();

    @AfterEach
    void stopBackend() {
        backend.close();
    }

    // The path and the raw query string reach the upstream exactly as the client wrote them.
    @Test
    void getWithQueryStringArrivesUnchanged() throws Exception {
        backend.respondWith(HttpBackendResponder.text("found"));
        String target = "/search/a%20b?q=caf%C3%A9+au+lait&tag=x&tag=y&empty=";
        try (Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            HttpResponse<String> response = CLIENT.send(get(proxy, target), HttpResponse.BodyHandlers.ofString());

            assertEquals(200, response.statusCode());
            assertEquals("found", response.body());
            HttpBackendRequest seen = backend.takeRequest();
            assertEquals("GET", seen.method());
            assertEquals(target, seen.uri());
        }
    }

    // A 100 KiB POST body arrives byte for byte, and the backend's answer (the same bytes) comes back.
    @Test
    void postBodyArrivesByteExactAndResponseBodyComesBack() throws Exception {
        backend.respondWith(HttpBackendResponder.echoBody());
        byte[] body = new DeterministicBytes(1).next(100 * 1024);
        try (Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            HttpRequest request = HttpRequest.newBuilder(proxy.uri("http", "/upload"))
                    .timeout(REQUEST_TIMEOUT)
                    .header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
            HttpResponse<byte[]> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray());

            assertEquals(200, response.statusCode());
            HttpBackendRequest seen = backend.takeRequest();
            assertEquals("POST", seen.method());
            assertEquals("application/octet-stream", seen.header("Content-Type"));
            assertArrayEquals(body, seen.body(), "request body as the backend received it");
            assertArrayEquals(body, response.body(), "response body as the client received it");
        }
    }

    // A ~3 MiB upload sent with Transfer-Encoding: chunked arrives byte for byte.
    @Test
    void chunkedUploadArrivesByteExact() throws Exception {
        backend.respondWith(HttpBackendResponder.text(201, "stored"));
        byte[] body = new DeterministicBytes(2).next(3 * 1024 * 1024 + 123);
        try (Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            HttpURLConnection connection = (HttpURLConnection) proxy.uri("http", "/chunked").toURL().openConnection();
            try {
                connection.setConnectTimeout(5_000);
                connection.setReadTimeout(20_000);
                connection.setRequestMethod("PUT");
                connection.setDoOutput(true);
                connection.setChunkedStreamingMode(16 * 1024);
                try (OutputStream out = connection.getOutputStream()) {
                    for (int offset = 0; offset < body.length; offset += 50_000) {
                        out.write(body, offset, Math.min(50_000, body.length - offset));
                    }
                }
                assertEquals(201, connection.getResponseCode());
                try (InputStream in = connection.getInputStream()) {
                    assertEquals("stored", new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            } finally {
                connection.disconnect();
            }
            HttpBackendRequest seen = backend.takeRequest();
            assertEquals("PUT", seen.method());
            assertEquals(body.length, seen.body().length, "body length at the backend");
            assertArrayEquals(body, seen.body(), "chunked request body as the backend received it");
        }
    }

    /*
     * A 32 MiB response passes byte-exact, and it streams: the backend writes a first piece and
     * then waits until the client has read that piece through the proxy. A proxy that buffered
     * the response would never deliver it, and the client's bounded read fails the test.
     */
    @Test
    void largeResponseStreamsThroughByteExactWithoutBuffering() throws Exception {
        long seed = 3;
        int total = 32 * 1024 * 1024;
        int firstPiece = 32 * 1024;
        int piece = 64 * 1024;
        CountDownLatch clientHasFirstPiece = new CountDownLatch(1);
        backend.respondWith((request, reply) -> {
            DeterministicBytes bytes = new DeterministicBytes(seed);
            reply.header("Content-Type", "application/octet-stream").header("Content-Length", String.valueOf(total));
            OutputStream out = reply.stream();
            out.write(bytes.next(firstPiece));
            out.flush();
            if (!clientHasFirstPiece.await(20, TimeUnit.SECONDS)) {
                throw new AssertionError("client never received the first " + firstPiece + " bytes through the proxy");
            }
            for (int written = firstPiece; written < total; written += piece) {
                out.write(bytes.next(Math.min(piece, total - written)));
            }
            out.close();
        });
        try (Sluice proxy = Sluice.builder().route("/", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            client.write(RawHttp.request("GET", "/download", "Host: 127.0.0.1:" + proxy.port()));

            MessageDigest digest = DeterministicBytes.newSha256();
            byte[] buffer = new byte[64 * 1024];
            long received = 0;
            InputStream body;
            try {
                RawHttp.Head head = client.readHead();
                assertEquals(200, head.status(), "status of " + head);
                body = client.body(head);
                while (received < firstPiece) {
                    int n = body.read(buffer, 0, (int) Math.min(buffer.length, firstPiece - received));
                    assertTrue(n > 0, "body ended after " + received + " bytes");
                    digest.update(buffer, 0, n);
                    received += n;
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the first " + firstPiece + " bytes, which the backend has written and flushed,"
                        + " did not reach the client (" + received + " did): the proxy holds the response back", e);
            }
            clientHasFirstPiece.countDown();
            try (body) {
                for (int n = body.read(buffer); n != -1; n = body.read(buffer)) {
                    digest.update(buffer, 0, n);
                    received += n;
                }
            }
            assertEquals(total, received, "bytes of body received");
            assertEquals(DeterministicBytes.sha256(seed, total, piece), HexFormat.of().formatHex(digest.digest()),
                    "SHA-256 of the body received");
            assertEquals(List.of(), backend.failures());
        }
    }

    // HEAD is answered with the backend's headers (Content-Length) and no body: the next response on the connection parses cleanly.
    @Test
    void headGetsHeadersAndNoBody() throws Exception {
        String resource = "x".repeat(1234);
        backend.respondWith((request, reply) -> reply.header("Content-Type", "text/plain")
                .send(request.uri().equals("/after") ? "after" : resource));
        try (Sluice proxy = Sluice.builder().route("/", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            String host = "Host: 127.0.0.1:" + proxy.port();
            client.write(RawHttp.request("HEAD", "/resource", host));
            RawHttp.Response head = client.readResponse(true);
            client.write(RawHttp.request("GET", "/after", host));
            RawHttp.Response after = client.readResponse();

            assertEquals(200, head.status());
            assertEquals("1234", head.header("Content-Length"));
            assertEquals(200, after.status(), "response after HEAD on the same connection");
            assertEquals("after", after.bodyText(), "a body sent after HEAD would show up here");
            assertEquals("HEAD", backend.takeRequest().method());
        }
    }

    // A 404 from the backend reaches the client with the backend's own body, not one made up by the proxy.
    @Test
    void backendNotFoundIsPassedThroughWithItsBody() throws Exception {
        backend.respondWith(HttpBackendResponder.text(404, "backend: no such widget 17"));
        try (Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            HttpResponse<String> response = CLIENT.send(get(proxy, "/widgets/17"), HttpResponse.BodyHandlers.ofString());

            assertEquals(404, response.statusCode());
            assertEquals("backend: no such widget 17", response.body());
            assertEquals("/widgets/17", backend.takeRequest().uri());
        }
    }

    // Twenty requests one after another on one client connection all succeed: the proxy keeps it alive.
    @Test
    void sequentialRequestsShareOneKeptAliveConnection() throws Exception {
        backend.respondWith(HttpBackendResponder.echoUri());
        try (Sluice proxy = Sluice.builder().route("/", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            for (int i = 0; i < 20; i++) {
                client.write(RawHttp.request("GET", "/k/" + i, "Host: 127.0.0.1:" + proxy.port()));
                RawHttp.Response response = client.readResponse();

                assertEquals(200, response.status(), "request " + i);
                assertEquals("/k/" + i, response.bodyText(), "request " + i);
                String connection = response.header("Connection");
                assertFalse(connection != null && connection.equalsIgnoreCase("close"), "request " + i + " closed the connection");
            }
            assertEquals(20, backend.drainRequests().size());
        }
    }

    // Fifty requests in flight at once each get their own, right answer.
    @Test
    void fiftyConcurrentRequestsAllSucceed() throws Exception {
        backend.respondWith(HttpBackendResponder.echoUri());
        ExecutorService executor = Executors.newFixedThreadPool(4);
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(executor)
                .build();
        try (Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                responses.add(client.sendAsync(get(proxy, "/c/" + i), HttpResponse.BodyHandlers.ofString()));
            }
            CompletableFuture.allOf(responses.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

            for (int i = 0; i < 50; i++) {
                HttpResponse<String> response = responses.get(i).get();
                assertEquals(200, response.statusCode(), "request " + i);
                assertEquals("/c/" + i, response.body(), "request " + i);
            }
            assertEquals(50, backend.drainRequests().size());
        } finally {
            executor.shutdownNow();
        }
    }

    private static HttpRequest get(Sluice proxy, String target) {
        URI uri = proxy.uri("http", target);
        return HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build();
    }
}
