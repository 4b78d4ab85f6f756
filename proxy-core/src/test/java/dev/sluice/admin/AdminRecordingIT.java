package dev.sluice.admin;

import dev.sluice.Sluice;
import dev.sluice.SluiceException;
import dev.sluice.config.RecordingConfig;
import dev.sluice.testing.HttpBackend;
import dev.sluice.testing.HttpClients;
import dev.sluice.testing.RawHttp;
import dev.sluice.testing.RawPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /recording} and {@code DELETE /recording}: the recording as a HAR file, for a test in any language. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminRecordingIT {

    // A recording proxy answers GET /recording with a HAR file holding the requests it served;
    // DELETE /recording forgets them.
    @Test
    void recordingIsAHarFileAndCanBeCleared() throws Exception {
        try (HttpBackend backend = HttpBackend.start();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).admin("127.0.0.1", 0).start()) {
            assertEquals(200, send(proxy.uri("http", "/hello?x=1"), "GET").statusCode());
            await().until(() -> proxy.recording().exchanges().size() == 1);

            HttpResponse<String> har = admin(proxy, "GET");
            assertEquals(200, har.statusCode());
            assertEquals("application/json", har.headers().firstValue("Content-Type").orElse(""));
            assertTrue(har.body().startsWith("{\"log\":{\"version\":\"1.2\""), har.body());
            assertTrue(har.body().contains("/hello?x=1"), har.body());

            assertEquals(204, admin(proxy, "DELETE").statusCode());
            assertTrue(admin(proxy, "GET").body().contains("\"entries\":[]"), "forgotten");
            assertEquals(405, admin(proxy, "POST").statusCode());
        }
    }

    // GET /recording is written as it goes, chunked with no Content-Length, and is the same HAR
    // as the recording's own; HEAD gets the head only. 300 requests make it a few hundred KB.
    @Test
    void theHarIsStreamedChunked() throws Exception {
        try (HttpBackend backend = HttpBackend.start();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).admin("127.0.0.1", 0).start()) {
            for (int i = 0; i < 300; i++) {
                assertEquals(200, send(proxy.uri("http", "/item/" + i), "GET").statusCode());
            }
            await().until(() -> proxy.recording().exchanges().size() == 300);
            int port = proxy.adminAddress().getPort();
            RawHttp.Response har = raw(port, "GET");
            assertEquals(200, har.status());
            assertEquals("chunked", har.header("Transfer-Encoding"));
            assertFalse(har.has("Content-Length"), har.head().text());
            assertEquals("application/json", har.header("Content-Type"));
            assertEquals("no-store", har.header("Cache-Control"));
            assertEquals(proxy.recording().har(), har.bodyText());
            assertTrue(har.bodyText().length() > 200_000, har.bodyText().length() + " characters");

            RawHttp.Response head = raw(port, "HEAD");
            assertEquals(200, head.status());
            assertEquals(0, head.body().length);
        }
    }

    // A proxy that records nothing says how to turn recording on; the setting takes a restart.
    @Test
    void aProxyThatRecordsNothingSaysSo() throws Exception {
        try (HttpBackend backend = HttpBackend.start();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).admin("127.0.0.1", 0).recording(false).start()) {
            HttpResponse<String> har = admin(proxy, "GET");
            assertEquals(404, har.statusCode());
            assertTrue(har.body().contains("recording: {}"), har.body());

            SluiceException refused = assertThrows(SluiceException.class,
                    () -> proxy.reload(proxy.config().withRecording(RecordingConfig.METADATA)));
            assertTrue(refused.getMessage().contains("recording changed"), refused.getMessage());
        }
    }

    private static RawHttp.Response raw(int port, String method) throws Exception {
        try (RawPeer client = RawPeer.connect(port)) {
            // kept alive, so that the body must be framed: a HAR built first would have a Content-Length
            client.write(RawHttp.request(method, "/recording", "Host: 127.0.0.1:" + port));
            return client.readResponse(method.equals("HEAD"));
        }
    }

    private static HttpResponse<String> admin(Sluice proxy, String method) throws Exception {
        return send(URI.create("http://127.0.0.1:" + proxy.adminAddress().getPort() + "/recording"), method);
    }

    private static HttpResponse<String> send(URI uri, String method) throws Exception {
        return HttpClients.HTTP_1_1.send(HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody())
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
