package dev.sluice.record;

import dev.sluice.json.Json;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;

/**
 * Headless Chromium driven over the DevTools protocol, to run the DevTools front end's own code
 * (bundled in the browser at {@code devtools://devtools/bundled/}) on what Sluice writes. Each
 * instance is one browser process with a fresh profile; {@link #close} ends it.
 */
final class ChromeDevTools implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<Map<String, Object>>> calls = new ConcurrentHashMap<>();
    private final StringBuilder partial = new StringBuilder();

    private ChromeDevTools(Process process, URI endpoint) {
        this.process = process;
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(endpoint, new Listener()).join();
    }

    /** Starts the browser (on 127.0.0.1, a port of its choosing) and connects to it. */
    static ChromeDevTools start(Path chromium, Path dir) throws IOException {
        Path profile = Files.createTempDirectory(dir, "chromium-profile");
        Process process = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--disable-background-networking", "--disable-dev-shm-usage",
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                "--user-data-dir=" + profile, "about:blank")
                .redirectErrorStream(true).redirectOutput(dir.resolve("chromium-out.txt").toFile()).start();
        try {
            // The browser writes its port and path here once it listens.
            Path activePort = profile.resolve("DevToolsActivePort");
            await().atMost(START_TIMEOUT).until(() -> Files.exists(activePort)
                    && Files.readAllLines(activePort).size() >= 2);
            List<String> lines = Files.readAllLines(activePort);
            return new ChromeDevTools(process, URI.create("ws://127.0.0.1:" + lines.get(0).trim() + lines.get(1).trim()));
        } catch (RuntimeException | Error e) {
            stop(process);
            throw e;
        }
    }

    /**
     * Opens the bundled DevTools front end in a new tab and returns a session on it, in which
     * its modules can be imported relative to {@code devtools://devtools/bundled/}.
     */
    String openDevToolsFrontEnd() throws Exception {
        Map<String, Object> target = call(null, "Target.createTarget", json -> json.member("url",
                "devtools://devtools/bundled/devtools_app.html"));
        String targetId = (String) target.get("targetId");
        Map<String, Object> attached = call(null, "Target.attachToTarget", json -> json.member("targetId", targetId)
                .member("flatten", true));
        return (String) attached.get("sessionId");
    }

    /** Evaluates a promise-valued expression in the session and returns the string it resolves to. */
    @SuppressWarnings("unchecked")
    String evaluate(String sessionId, String expression) throws Exception {
        Map<String, Object> result = call(sessionId, "Runtime.evaluate", json -> json.member("expression", expression)
                .member("awaitPromise", true).member("returnByValue", true));
        if (result.containsKey("exceptionDetails")) {
            throw new IllegalStateException("DevTools threw: " + result.get("exceptionDetails"));
        }
        return (String) ((Map<String, Object>) result.get("result")).get("value");
    }

    private interface Params {
        void write(Json json);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> call(String sessionId, String method, Params params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<Map<String, Object>> answer = new CompletableFuture<>();
        calls.put(id, answer);
        Json json = new Json().beginObject().member("id", id).member("method", method);
        if (sessionId != null) {
            json.member("sessionId", sessionId);
        }
        json.name("params").beginObject();
        params.write(json);
        socket.sendText(json.endObject().endObject().toString(), true).get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Map<String, Object> message = answer.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (message.containsKey("error")) {
            throw new IllegalStateException(method + " failed: " + message.get("error"));
        }
        return (Map<String, Object>) message.get("result");
    }

    /** Closes the browser, and ends its processes if it does not go. */
    @Override
    public void close() {
        try {
            socket.sendText("{\"id\":0,\"method\":\"Browser.close\"}", true).get(5, TimeUnit.SECONDS);
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // ended below
        } finally {
            stop(process);
        }
    }

    private static void stop(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** Collects each protocol message (which may come in parts) and completes the call it answers. */
    private final class Listener implements WebSocket.Listener {
        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                Map<String, Object> message = new Yaml().load(partial.toString());
                partial.setLength(0);
                Object id = message.get("id");
                if (id instanceof Integer n && calls.containsKey(n)) {
                    calls.remove(n).complete(message);
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
