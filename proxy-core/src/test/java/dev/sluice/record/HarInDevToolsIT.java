package dev.sluice.record;

import dev.sluice.Sluice;
import dev.sluice.testing.HttpBackend;
import dev.sluice.testing.HttpBackendResponder;
import dev.sluice.testing.HttpClients;
import dev.sluice.testing.WsEchoBackend;
import dev.sluice.testing.WsRecorder;
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
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A recording's HAR file opened by Chrome DevTools' own HAR importer: headless Chromium (which
 * {@code .ci/run} installs) loads its bundled DevTools front end, whose {@code models/har} module
 * reads the file as the network panel's "Import HAR file" does.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HarInDevToolsIT {
    private static final List<String> BROWSERS = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser");
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Imports the HAR (given in base64) as DevTools does; resolves to its requests as JSON. */
    private static final String IMPORT = """
            import('./models/har/har.js').then(har => {
              const text = new TextDecoder().decode(Uint8Array.from(atob('%s'), c => c.charCodeAt(0)));
              const log = new har.HARFormat.HARRoot(JSON.parse(text)).log;
              return JSON.stringify(har.Importer.Importer.requestsFromHARLog(log).map(r => ({
                url: r.url(), status: r.statusCode, type: r.resourceType().name(),
                frames: r.frames().map(f => ({type: f.type, opcode: f.opCode, text: f.text}))
              })));
            })""";

    // A GET and a WebSocket session (a text and a binary message echoed, then a close): DevTools
    // imports two requests, the second a "websocket" one whose frames are the six messages, each
    // way, text as text and binary in base64, as its Messages tab shows them.
    @Test
    void devToolsImportsTheRequestsAndTheWebSocketFrames(@TempDir Path dir) throws Exception {
        Path chromium = chromium();
        String har;
        int port;
        try (HttpBackend backend = HttpBackend.start(HttpBackendResponder.text("hello"));
             WsEchoBackend echo = WsEchoBackend.start();
             Sluice proxy = Sluice.builder().route("/api/", backend.uri()).route("/ws/", echo.uri())
                     .recordPayloads(100).start()) {
            port = proxy.port();
            HttpClients.HTTP_1_1.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/x")).build(),
                    HttpResponse.BodyHandlers.discarding());
            WsRecorder recorder = new WsRecorder();
            WebSocket ws = WsRecorder.connect(HttpClients.HTTP_1_1, proxy.uri("ws", "/ws/chat"), recorder);
            ws.sendText("hi", true).get(10, TimeUnit.SECONDS);
            recorder.next(WAIT);
            ws.sendBinary(ByteBuffer.wrap(new byte[]{1, 2, 3}), true).get(10, TimeUnit.SECONDS);
            recorder.next(WAIT);
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
            recorder.awaitEnd(WAIT);
            await().atMost(WAIT).until(() -> proxy.tunnels().open() == 0 && proxy.recording().exchanges().size() == 2);
            Path file = dir.resolve("recording.har");
            proxy.recording().writeHar(file);
            har = Files.readString(file);
        }

        List<Map<String, Object>> requests;
        try (ChromeDevTools browser = ChromeDevTools.start(chromium, dir)) {
            String session = browser.openDevToolsFrontEnd();
            String expression = IMPORT.formatted(Base64.getEncoder().encodeToString(har.getBytes(StandardCharsets.UTF_8)));
            // until the front end's page has loaded, its modules cannot be imported
            String imported = await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> browser.evaluate(session, expression), Objects::nonNull);
            requests = new Yaml().load(imported);
        }
        assertEquals(2, requests.size(), requests.toString());
        assertEquals("http://127.0.0.1:" + port + "/api/x", requests.get(0).get("url"));
        assertEquals(200, requests.get(0).get("status"));
        Map<String, Object> ws = requests.get(1);
        assertEquals("ws://127.0.0.1:" + port + "/ws/chat", ws.get("url"));
        assertEquals(101, ws.get("status"));
        assertEquals("websocket", ws.get("type"));
        assertEquals(6, ((List<?>) ws.get("frames")).size(), ws.toString());
        assertEquals(List.of(
                Map.of("type", "send", "opcode", 1, "text", "hi"),
                Map.of("type", "receive", "opcode", 1, "text", "hi"),
                Map.of("type", "send", "opcode", 2, "text", "AQID"),
                Map.of("type", "receive", "opcode", 2, "text", "AQID")), ((List<?>) ws.get("frames")).subList(0, 4));
    }

    /** Chromium, which CI installs; a machine without it skips this test unless it is CI. */
    private static Path chromium() {
        try (Stream<String> candidates = BROWSERS.stream()) {
            Path found = candidates.map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
            if (found == null && System.getenv("CI") != null) {
                fail("no chromium on this CI machine: .ci/run installs Debian's chromium");
            }
            assumeTrue(found != null, "no chromium here (apt-get install chromium)");
            return found;
        }
    }
}
