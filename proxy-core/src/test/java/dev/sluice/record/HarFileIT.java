package dev.sluice.record;

import dev.sluice.Sluice;
import dev.sluice.testing.HttpBackend;
import dev.sluice.testing.HttpBackendResponder;
import dev.sluice.testing.HttpClients;
import dev.sluice.testing.WsEchoBackend;
import dev.sluice.testing.WsRecorder;
import dev.sluice.tunnel.Tunnel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A recording written as a HAR file and read back (JSON is YAML, so SnakeYAML reads it). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HarFileIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    // A GET, a WebSocket session (a text and a binary message echoed, then a normal close) and a
    // 404, written to a file in a directory that does not exist yet: the file is HAR 1.2 with the
    // three entries in order; the GET's has its absolute URL, query, status and server address;
    // the handshake's is a "websocket" entry whose _webSocketMessages are the messages each way
    // (send = client to upstream), text as text and binary in base64, times in epoch seconds.
    @Test
    void harHoldsTheExchangesAndEachTunnelsMessages(@TempDir Path dir) throws Exception {
        try (HttpBackend backend = HttpBackend.start(HttpBackendResponder.text("hello"));
             WsEchoBackend echo = WsEchoBackend.start();
             Sluice proxy = Sluice.builder()
                     .route("/api/", backend.uri())
                     .route("/ws/", echo.uri())
                     .recordPayloads(1024)
                     .start()) {
            String base = "http://127.0.0.1:" + proxy.port();
            HttpResponse<String> ok = HttpClients.HTTP_1_1.send(
                    HttpRequest.newBuilder(URI.create(base + "/api/items?q=a%20b&flag")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode());

            WsRecorder recorder = new WsRecorder();
            WebSocket ws = WsRecorder.connect(HttpClients.HTTP_1_1, proxy.uri("ws", "/ws/echo"), recorder);
            ws.sendText("hi", true).get(10, TimeUnit.SECONDS);
            assertEquals("hi", recorder.next(WAIT).text());
            ws.sendBinary(ByteBuffer.wrap(new byte[]{1, 2, 3}), true).get(10, TimeUnit.SECONDS);
            assertArrayEquals(new byte[]{1, 2, 3}, recorder.next(WAIT).binary());
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
            recorder.awaitEnd(WAIT);
            await().atMost(WAIT).until(() -> proxy.tunnels().open() == 0);
            Tunnel tunnel = proxy.tunnels().recentlyClosed().get(0);

            assertEquals(404, HttpClients.HTTP_1_1.send(HttpRequest.newBuilder(URI.create(base + "/none")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
            await().atMost(WAIT).until(() -> proxy.recording().exchanges().size() == 3);

            Path file = dir.resolve("failures/recording.har");
            proxy.recording().writeHar(file);
            Map<String, Object> log = map(new Yaml().<Map<String, Object>>load(Files.readString(file, StandardCharsets.UTF_8)), "log");

            assertEquals("1.2", log.get("version"));
            assertEquals("Sluice", map(log, "creator").get("name"));
            List<Map<String, Object>> entries = list(log, "entries");
            assertEquals(3, entries.size());

            Map<String, Object> get = entries.get(0);
            Instant.parse((String) get.get("startedDateTime"));
            assertTrue(((Number) get.get("time")).doubleValue() >= 0);
            Map<String, Object> request = map(get, "request");
            assertEquals("GET", request.get("method"));
            assertEquals(base + "/api/items?q=a%20b&flag", request.get("url"));
            assertEquals("HTTP/1.1", request.get("httpVersion"));
            assertEquals(List.of(Map.of("name", "q", "value", "a b"), Map.of("name", "flag", "value", "")),
                    request.get("queryString"));
            assertTrue(list(request, "headers").contains(Map.of("name", "Host", "value", "127.0.0.1:" + proxy.port())),
                    request.get("headers").toString());
            Map<String, Object> response = map(get, "response");
            assertEquals(200, response.get("status"));
            assertEquals("OK", response.get("statusText"));
            assertEquals(5, map(response, "content").get("size"));
            assertTrue(((String) map(response, "content").get("mimeType")).startsWith("text/plain"));
            assertEquals("127.0.0.1", get.get("serverIPAddress"));
            assertEquals("127.0.0.1:" + backend.port(), get.get("_upstreamServer"));
            assertTrue(map(get, "timings").keySet().containsAll(List.of("send", "wait", "receive")));
            assertFalse(get.containsKey("_webSocketMessages"));

            Map<String, Object> handshake = entries.get(1);
            assertEquals("ws://127.0.0.1:" + proxy.port() + "/ws/echo", map(handshake, "request").get("url"));
            assertEquals(101, map(handshake, "response").get("status"));
            assertEquals("websocket", handshake.get("_resourceType"));
            assertEquals((int) tunnel.id(), handshake.get("_tunnelId"));
            List<Map<String, Object>> messages = list(handshake, "_webSocketMessages");
            assertEquals(6, messages.size(), messages.toString());
            assertMessage(messages.get(0), "send", 1, "hi");
            assertMessage(messages.get(1), "receive", 1, "hi");
            String binary = Base64.getEncoder().encodeToString(new byte[]{1, 2, 3});
            assertMessage(messages.get(2), "send", 2, binary);
            assertMessage(messages.get(3), "receive", 2, binary);
            assertEquals(8, messages.get(4).get("opcode"));
            assertEquals(8, messages.get(5).get("opcode"));
            for (Map<String, Object> message : messages) {
                assertTrue(((Number) message.get("time")).doubleValue() > 1.6e9, "epoch seconds: " + message);
            }

            Map<String, Object> notFound = entries.get(2);
            assertEquals(404, map(notFound, "response").get("status"));
            assertFalse(notFound.containsKey("serverIPAddress"), "Sluice answered itself");
        }
    }

    private static void assertMessage(Map<String, Object> message, String type, int opcode, String data) {
        assertEquals(type, message.get("type"), message.toString());
        assertEquals(opcode, message.get("opcode"), message.toString());
        assertEquals(data, message.get("data"), message.toString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        return (Map<String, Object>) parent.get(key);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
        return (List<Map<String, Object>>) parent.get(key);
    }
}
