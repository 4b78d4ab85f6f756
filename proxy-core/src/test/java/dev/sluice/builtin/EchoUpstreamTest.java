package dev.sluice.builtin;

import dev.sluice.testing.RawPeer;
import dev.sluice.testing.WsRecorder;
import dev.sluice.testing.WsWire;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

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
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        Echoed echoed = post("/upload", payload, false);

        assertTrue(echoed.head().startsWith("POST /upload HTTP/1.1\n"), echoed.head());
        assertTrue(echoed.head().contains("\nContent-Length: " + payload.length), echoed.head());
        assertArrayEquals(payload, echoed.body());
    }

    // A client that sends "Expect: 100-continue" (curl does above 1 KiB) gets its 100 and then its body echoed.
    @Test
    void expectContinueBodyIsEchoed() throws Exception {
        byte[] payload = randomBytes(64 * 1024, 3);
        Echoed echoed = post("/continue", payload, true);

        assertTrue(echoed.head().toLowerCase(Locale.ROOT).contains("\nexpect: 100-continue\n"), echoed.head());
        assertArrayEquals(payload, echoed.body());
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
        WsRecorder recorder = new WsRecorder();
        WebSocket ws = WsRecorder.connect(CLIENT, wsUri("/ws/any"), recorder);
        byte[] big = randomBytes(1024 * 1024, 2);

        ws.sendText("héllo ✓ 🌊", true).toCompletableFuture().get(10, TimeUnit.SECONDS);
        ws.sendBinary(ByteBuffer.wrap(new byte[] {0, 1, 2, (byte) 0xff}), true).toCompletableFuture().get(10, TimeUnit.SECONDS);
        ws.sendBinary(ByteBuffer.wrap(big), true).toCompletableFuture().get(10, TimeUnit.SECONDS);

        // text() is null for a binary message and binary() for a text one, so each also checks the kind
        assertEquals("héllo ✓ 🌊", recorder.next(TIMEOUT).text());
        assertArrayEquals(new byte[] {0, 1, 2, (byte) 0xff}, recorder.next(TIMEOUT).binary());
        assertArrayEquals(big, recorder.next(TIMEOUT).binary());
        ws.abort();
    }

    // The first subprotocol the client offers is the one negotiated.
    @Test
    void firstOfferedSubprotocolIsNegotiated() throws Exception {
        WebSocket ws = WsRecorder.connect(CLIENT, wsUri("/chat"), new WsRecorder(), "chat", "superchat");

        assertEquals("chat", ws.getSubprotocol());
        ws.abort();
    }

    // A close from the client is answered with a close carrying the same code.
    @Test
    void closeIsAnsweredWithSameCode() throws Exception {
        WsRecorder recorder = new WsRecorder();
        WebSocket ws = WsRecorder.connect(CLIENT, wsUri("/"), recorder);

        ws.sendClose(4001, "bye").toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertEquals(4001, recorder.awaitClose(TIMEOUT).code());
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

    /** The request description and the body after it, from a POST of {@code payload} that got a 200. */
    private record Echoed(String head, byte[] body) {
    }

    private Echoed post(String path, byte[] payload, boolean expectContinue) throws Exception {
        HttpResponse<byte[]> response = CLIENT.send(HttpRequest.newBuilder(echo.uri().resolve(path))
                        .timeout(TIMEOUT)
                        .expectContinue(expectContinue)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertEquals(200, response.statusCode());
        byte[] all = response.body();
        int blank = indexOf(all, "\n\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(blank > 0, "response has a blank line after the description");
        return new Echoed(new String(all, 0, blank, StandardCharsets.UTF_8), Arrays.copyOfRange(all, blank + 2, all.length));
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
}
