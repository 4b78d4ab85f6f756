package dev.sluice.builtin;

import dev.sluice.testing.RawPeer;
import dev.sluice.testing.WsWire;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Talks to the echo upstream directly (no proxy) with the JDK's HTTP and WebSocket clients. */
class EchoUpstreamTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    // Shared by all tests; HttpClient has no close() before Java 21 and its threads are daemons.
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT)
            .build();

    private EchoUpstream echo;

    @BeforeEach
    void start() {
        echo = EchoUpstream.start();
    }

    @AfterEach
    void stop() {
        echo.close();
    }

    // A browser navigation on any path gets the self-contained demo page.
    @Test
    void browserAcceptGetsDemoPage() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(echo.uri().resolve("/any/path"))
                .header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"));

        assertEquals(200, response.statusCode());
        assertEquals("text/html; charset=utf-8", response.headers().firstValue("Content-Type").orElse(""));
        assertTrue(response.body().contains("<title>Sluice WebSocket echo</title>"), response.body());
        assertTrue(response.body().contains("new WebSocket("), "page opens a WebSocket");
        assertFalse(response.body().contains("src=\"http"), "page loads nothing external");
    }

    // curl's default Accept gets the request described line by line, with an empty body after the blank line.
    @Test
    void curlStyleGetIsDescribed() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(echo.uri().resolve("/hello?x=1&y=2"))
                .header("Accept", "*/*")
                .header("X-Forwarded-For", "203.0.113.7")
                .header("X-Multi", "one")
                .header("X-Multi", "two"));

        assertEquals(200, response.statusCode());
        assertEquals("text/plain; charset=utf-8", response.headers().firstValue("Content-Type").orElse(""));
        String body = response.body();
        assertTrue(body.startsWith("GET /hello?x=1&y=2 HTTP/1.1\n"), body);
        assertTrue(body.contains("\nX-Forwarded-For: 203.0.113.7\n"), body);
        assertTrue(body.contains("\nX-Multi: one\nX-Multi: two\n"), body);
        assertTrue(body.contains("\nHost: 127.0.0.1:" + echo.uri().getPort() + "\n"), body);
        assertTrue(body.endsWith("\n\n"), "description ends with a blank line and no body: " + body);
    }

    // A 3 MiB POST body (above Undertow's default 2 MiB cap) comes back byte-exact after the description.
    @Test
    void postBodyIsStreamedBackAfterDescription() throws Exception {
        byte[] payload = randomBytes(3 * 1024 * 1024, 1);
        HttpResponse<byte[]> response = CLIENT.send(HttpRequest.newBuilder(echo.uri().resolve("/upload"))
                        .timeout(TIMEOUT)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertEquals(200, response.statusCode());
        byte[] all = response.body();
        int blank = indexOf(all, "\n\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(blank > 0, "response has a blank line after the description");
        String head = new String(all, 0, blank, StandardCharsets.UTF_8);
        assertTrue(head.startsWith("POST /upload HTTP/1.1\n"), head);
        assertTrue(head.contains("\nContent-Length: " + payload.length), head);
        assertArrayEquals(payload, Arrays.copyOfRange(all, blank + 2, all.length));
    }

    // A client that sends "Expect: 100-continue" (curl does above 1 KiB) gets its 100 and then its body echoed.
    @Test
    void expectContinueBodyIsEchoed() throws Exception {
        byte[] payload = randomBytes(64 * 1024, 3);
        HttpResponse<byte[]> response = CLIENT.send(HttpRequest.newBuilder(echo.uri().resolve("/continue"))
                        .timeout(TIMEOUT)
                        .expectContinue(true)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertEquals(200, response.statusCode());
        byte[] all = response.body();
        int blank = indexOf(all, "\n\n".getBytes(StandardCharsets.US_ASCII));
        String head = new String(all, 0, blank, StandardCharsets.UTF_8);
        assertTrue(head.toLowerCase(Locale.ROOT).contains("\nexpect: 100-continue\n"), head);
        assertArrayEquals(payload, Arrays.copyOfRange(all, blank + 2, all.length));
    }

    // HEAD gets the plain-text response head and no body.
    @Test
    void headGetsHeadOnly() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(echo.uri().resolve("/x"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));

        assertEquals(200, response.statusCode());
        assertEquals("text/plain; charset=utf-8", response.headers().firstValue("Content-Type").orElse(""));
        assertEquals("", response.body());
    }

    // Text stays text and binary stays binary, byte-exact, up to a 1 MiB message.
    @Test
    void webSocketEchoesTextAndBinaryByteExact() throws Exception {
        Recorder recorder = new Recorder();
        WebSocket ws = connect(recorder, "/ws/any");
        byte[] big = randomBytes(1024 * 1024, 2);

        ws.sendText("héllo ✓ 🌊", true).toCompletableFuture().get(10, TimeUnit.SECONDS);
        ws.sendBinary(ByteBuffer.wrap(new byte[] {0, 1, 2, (byte) 0xff}), true).toCompletableFuture().get(10, TimeUnit.SECONDS);
        ws.sendBinary(ByteBuffer.wrap(big), true).toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertEquals("héllo ✓ 🌊", recorder.next());
        assertArrayEquals(new byte[] {0, 1, 2, (byte) 0xff}, assertInstanceOf(byte[].class, recorder.next()));
        assertArrayEquals(big, assertInstanceOf(byte[].class, recorder.next()));
        ws.abort();
    }

    // The first subprotocol the client offers is the one negotiated.
    @Test
    void firstOfferedSubprotocolIsNegotiated() throws Exception {
        WebSocket ws = CLIENT.newWebSocketBuilder()
                .subprotocols("chat", "superchat")
                .connectTimeout(TIMEOUT)
                .buildAsync(wsUri("/chat"), new Recorder())
                .get(10, TimeUnit.SECONDS);

        assertEquals("chat", ws.getSubprotocol());
        ws.abort();
    }

    // A close from the client is answered with a close carrying the same code.
    @Test
    void closeIsAnsweredWithSameCode() throws Exception {
        Recorder recorder = new Recorder();
        WebSocket ws = connect(recorder, "/");

        ws.sendClose(4001, "bye").toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertEquals(new Closed(4001), recorder.next());
    }

    // On a shared worker, close() ends open WebSockets but leaves the caller's worker running.
    // A raw client, so that "ended" is the TCP end itself (the JDK client may report a bare EOF
    // late or not at all).
    @Test
    void closeOnSharedWorkerEndsTunnelsAndKeepsWorker() throws Exception {
        XnioWorker worker = Xnio.getInstance().createWorker(OptionMap.builder()
                .set(Options.WORKER_IO_THREADS, 1).set(Options.THREAD_DAEMON, true).getMap());
        try {
            RawPeer client;
            try (EchoUpstream shared = EchoUpstream.start(worker)) {
                WsWire.Answer answer = WsWire.open(shared.uri().getPort(), "/");
                assertEquals(101, answer.status());
                client = answer.peer();
                client.write(WsWire.clientText("ping"));
                assertEquals("ping", client.readFrame().text());
            }
            try (client) {
                String end = client.awaitEnd(Duration.ofSeconds(5));
                assertTrue(end.equals("EOF") || end.startsWith("reset"), "socket ended, got " + end);
            }
            assertFalse(worker.isShutdown(), "caller's worker still running");
        } finally {
            worker.shutdownNow();
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return CLIENT.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    private WebSocket connect(Recorder recorder, String path) throws Exception {
        return CLIENT.newWebSocketBuilder().connectTimeout(TIMEOUT)
                .buildAsync(wsUri(path), recorder)
                .get(10, TimeUnit.SECONDS);
    }

    private URI wsUri(String path) {
        return URI.create("ws://127.0.0.1:" + echo.uri().getPort() + path);
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    record Closed(int code) {
    }

    /** Collects whole messages (String or byte[]), the close code, or the error, in arrival order. */
    private static final class Recorder implements WebSocket.Listener {
        private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        Object next() throws InterruptedException {
            Object event = events.poll(10, TimeUnit.SECONDS);
            assertNotNull(event, "no WebSocket event within 10 s");
            return event;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                events.add(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.writeBytes(chunk);
            if (last) {
                events.add(binary.toByteArray());
                binary.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            events.add(new Closed(statusCode));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            events.add(error);
        }
    }
}
