package dev.sluice.edge;

import dev.sluice.Sluice;
import dev.sluice.config.AccessLogConfig;
import dev.sluice.testing.HttpBackend;
import dev.sluice.testing.HttpClients;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.WsEchoBackend;
import dev.sluice.testing.WsRecorder;
import dev.sluice.testing.WsWire;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The access log written to a file: one line per request, carrying what an operator greps for. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AccessLogIT {

    // A GET through the proxy produces exactly one line with the client address, the request
    // line as sent, the status, route=, upstream= and the id returned in X-Request-Id.
    @Test
    void getWritesOneLineWithClientRequestStatusRouteUpstreamAndRequestId(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("access.log");
        try (HttpBackend backend = HttpBackend.start();
             Sluice proxy = Sluice.builder()
                     .accessLog(new AccessLogConfig(AccessLogConfig.Target.FILE, file))
                     .route("/", backend.uri())
                     .start()) {
            HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                    .send(HttpRequest.newBuilder(proxy.uri("http", "/path?q=1")).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            String id = response.headers().firstValue("X-Request-Id").orElseThrow();

            await("an access log line with id=" + id).atMost(Duration.ofSeconds(5))
                    .until(() -> linesWith(file, "id=" + id).size() == 1);
            String line = linesWith(file, "id=" + id).get(0);
            assertTrue(line.startsWith("127.0.0.1 "), line);
            assertTrue(line.contains("\"GET /path?q=1 HTTP/1.1\""), line);
            assertTrue(line.contains(" 200 "), line);
            assertTrue(line.contains(" route=/ "), line);
            assertTrue(line.contains(" upstream=upstream-1 "), line);
            assertTrue(line.endsWith(" id=" + id), line);
            assertEquals(1, Files.readAllLines(file).size(), "one request, one line: " + Files.readAllLines(file));
        }
    }

    // A tunnel has two lines: its handshake's (101) when the tunnel opens, and one when it
    // closes, with its duration, bytes and messages each way, close codes and reason.
    @Test
    void closedTunnelWritesALineWithTrafficCodesAndReason(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("access.log");
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder()
                     .accessLog(new AccessLogConfig(AccessLogConfig.Target.FILE, file))
                     .route("/", backend.uri())
                     .start()) {
            WsWire.Answer client = WsWire.open(proxy.port(), "/chat");
            RawPeer upstream = backend.takePeer();
            client.peer().write(WsWire.clientText("hello"));
            assertEquals("hello", upstream.readFrame().text());
            upstream.write(WsWire.serverFrame(8, new byte[] {0x03, (byte) 0xE8})); // Close 1000
            client.peer().readFrame();
            client.peer().write(WsWire.clientFrame(8, new byte[] {0x03, (byte) 0xE8}));
            upstream.readFrame();
            upstream.close();
            client.peer().awaitEnd(Duration.ofSeconds(5)); // the upstream's FIN passed on: it ended the tunnel
            client.peer().close();

            await("the tunnel's line").atMost(Duration.ofSeconds(5)).until(() -> linesWith(file, "TUNNEL").size() == 1);
            String line = linesWith(file, "TUNNEL").get(0);
            assertTrue(line.matches("127\\.0\\.0\\.1 - - \\[[^]]+] \"TUNNEL /chat HTTP/1\\.1\" 101 4 \"-\" \"-\" \\d+ms .*"), line);
            assertTrue(line.contains(" up=" + (6 + 5 + 6 + 2) + "B/1 ") && line.contains(" down=4B/0 "), line);
            assertTrue(line.contains(" codes=1000/1000 ") && line.endsWith(" reason=\"upstream closed\""), line);
            assertEquals(1, linesWith(file, "\"GET /chat HTTP/1.1\" 101 ").size(), "the handshake's own line");
        }
    }

    // format: json writes one object per line that a log shipper parses back: an exchange's
    // fields and a closed tunnel's, under stable names.
    @Test
    void jsonLinesParseBackWithStableFieldNames(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("access.json");
        try (WsEchoBackend backend = WsEchoBackend.start();
             Sluice proxy = Sluice.builder()
                     .accessLog(new AccessLogConfig(AccessLogConfig.Target.FILE, file, AccessLogConfig.Format.JSON))
                     .route("/", backend.uri())
                     .start()) {
            WsRecorder recorder = new WsRecorder();
            WebSocket ws = HttpClients.HTTP_1_1.newWebSocketBuilder().header("User-Agent", "test \"agent\"")
                    .buildAsync(proxy.uri("ws", "/echo?room=1"), recorder).get(5, TimeUnit.SECONDS);
            ws.sendText("hi", true).get(5, TimeUnit.SECONDS);
            assertEquals("hi", recorder.next(Duration.ofSeconds(5)).text());
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
            recorder.awaitClose(Duration.ofSeconds(5));

            await().until(() -> Files.exists(file) && Files.readAllLines(file).size() == 2);
            List<Map<String, Object>> entries = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                entries.add(new Yaml(new SafeConstructor(new LoaderOptions())).load(line) instanceof Map<?, ?> m
                        ? castMap(m) : Map.of());
            }
            Map<String, Object> handshake = entries.get(0);
            assertEquals("http", handshake.get("type"));
            assertEquals("GET", handshake.get("method"));
            assertEquals("/echo?room=1", handshake.get("target"));
            assertEquals(101, handshake.get("status"));
            assertEquals("test \"agent\"", handshake.get("user_agent"));
            assertEquals("127.0.0.1", handshake.get("client"));
            assertEquals("127.0.0.1:" + backend.port(), handshake.get("server"));
            Map<String, Object> tunnel = entries.get(1);
            assertEquals("tunnel", tunnel.get("type"));
            assertEquals(handshake.get("request_id"), tunnel.get("request_id"));
            assertEquals(1, tunnel.get("messages_to_upstream"));
            assertEquals(1, tunnel.get("messages_to_client"));
            assertEquals(1000, tunnel.get("client_close_code"));
            assertTrue(tunnel.get("time").toString().endsWith("Z"), tunnel.toString());
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    // A client's X-Request-Id with a space would forge a field of the line: a new id is made,
    // forwarded, returned and logged instead; a clean one is kept.
    @Test
    void aClientsRequestIdIsKeptOnlyWhenItCannotForgeALogField(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("access.log");
        try (HttpBackend backend = HttpBackend.start();
             Sluice proxy = Sluice.builder()
                     .accessLog(new AccessLogConfig(AccessLogConfig.Target.FILE, file))
                     .route("/", backend.uri())
                     .start()) {
            HttpResponse<String> forged = HttpClient.newHttpClient().send(HttpRequest.newBuilder(proxy.uri("http", "/"))
                    .header("X-Request-Id", "x fault=reset").build(), HttpResponse.BodyHandlers.ofString());
            String id = forged.headers().firstValue("X-Request-Id").orElseThrow();
            assertTrue(id.matches("[0-9a-f]{32}"), id);
            assertEquals(id, backend.takeRequest().header("X-Request-Id"));
            await().until(() -> linesWith(file, "id=" + id).size() == 1);
            assertTrue(linesWith(file, "fault=reset").isEmpty());

            HttpResponse<String> clean = HttpClient.newHttpClient().send(HttpRequest.newBuilder(proxy.uri("http", "/"))
                    .header("X-Request-Id", "trace-42").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("trace-42", clean.headers().firstValue("X-Request-Id").orElseThrow());
        }
    }

    private static List<String> linesWith(Path file, String text) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        return Files.readAllLines(file).stream().filter(line -> line.contains(text)).toList();
    }
}
