package dev.sluice.websocket;

import dev.sluice.Sluice;
import dev.sluice.testing.WsRecorder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a WebSocket echo backend does for a JDK client, run once straight at the backend and
 * once through Sluice: the same results both ways prove the tunnel is transparent.
 * Subclasses start one backend (supporting only the subprotocol {@code chat}) and say
 * whether a proxy sits in front of it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EchoTunnelContract {
    static final Duration MESSAGE_WAIT = Duration.ofSeconds(10);

    /** A started backend: what to close, its {@code http://127.0.0.1:port} and its echo path. */
    protected record Backend(AutoCloseable server, URI http, String echoPath) {
    }

    private final HttpClient client = HttpClient.newHttpClient();
    private Backend backend;
    private Sluice proxy;
    private URI echo;

    /** Starts the echo backend; it must accept the subprotocol {@code chat} and no other. */
    protected abstract Backend startBackend();

    /** True: clients go through a Sluice routing {@code /} to the backend; false: straight to it. */
    protected abstract boolean viaProxy();

    @BeforeAll
    void start() {
        backend = startBackend();
        if (viaProxy()) {
            proxy = Sluice.builder().route("/", backend.http()).start();
            echo = proxy.uri("ws", backend.echoPath());
        } else {
            echo = URI.create("ws://" + backend.http().getAuthority() + backend.echoPath());
        }
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (proxy != null) {
                proxy.close();
            }
        } finally {
            if (backend != null) {
                backend.server().close();
            }
        }
    }

    // Sizes straddle the 7-bit, 16-bit and 64-bit payload length encodings of RFC 6455 5.2.
    @ParameterizedTest(name = "{0} chars")
    @ValueSource(ints = {0, 125, 126, 65535, 65536, 1 << 20})
    void textMessageIsEchoedUnchanged(int size) throws Exception {
        String text = randomAscii(size);
        WsRecorder recorder = new WsRecorder();
        WebSocket ws = WsRecorder.connect(client, echo, recorder);
        ws.sendText(text, true).get(10, TimeUnit.SECONDS);

        WsRecorder.Message reply = recorder.next(MESSAGE_WAIT);
        assertNull(reply.binary(), "a text message must come back as text");
        assertEquals(text, reply.text());
        closeCleanly(ws, recorder);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 125, 126, 65535, 65536, 1 << 20})
    void binaryMessageIsEchoedByteExact(int size) throws Exception {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        WsRecorder recorder = new WsRecorder();
        WebSocket ws = WsRecorder.connect(client, echo, recorder);
        ws.sendBinary(ByteBuffer.wrap(bytes), true).get(10, TimeUnit.SECONDS);

        WsRecorder.Message reply = recorder.next(MESSAGE_WAIT);
        assertNull(reply.text(), "a binary message must come back as binary");
        assertArrayEquals(bytes, reply.binary());
        closeCleanly(ws, recorder);
    }

    // The backend's choice among the offered subprotocols reaches the client.
    @Test
    void offeringSuperchatAndChatToChatOnlyBackendNegotiatesChat() throws Exception {
        WsRecorder recorder = new WsRecorder();
        WebSocket ws = WsRecorder.connect(client, echo, recorder, "superchat", "chat");
        assertEquals("chat", ws.getSubprotocol());
        ws.sendText("hi", true).get(10, TimeUnit.SECONDS);
        assertEquals("hi", recorder.next(MESSAGE_WAIT).text());
        closeCleanly(ws, recorder);
    }

    // 100 tunnels at once, 100 messages each: none lost, none reordered, all counted and closed.
    @Test
    void hundredConcurrentTunnelsKeepEveryMessageInOrder() throws Exception {
        int tunnels = 100;
        int messages = 100;
        Instant deadline = Instant.now().plusSeconds(60);
        long totalBefore = viaProxy() ? proxy.tunnels().total() : 0;

        List<WsRecorder> recorders = new ArrayList<>();
        List<CompletableFuture<WebSocket>> opening = new ArrayList<>();
        for (int t = 0; t < tunnels; t++) {
            WsRecorder recorder = new WsRecorder();
            recorders.add(recorder);
            opening.add(client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).buildAsync(echo, recorder));
        }
        CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        List<WebSocket> sockets = opening.stream().map(CompletableFuture::join).toList();
        if (viaProxy()) {
            await("all " + tunnels + " tunnels open at once").atMost(Duration.ofSeconds(10))
                    .until(() -> proxy.tunnels().open() == tunnels);
        }

        // The JDK allows one outstanding send per WebSocket, so each tunnel chains its sends.
        List<CompletableFuture<WebSocket>> sending = new ArrayList<>();
        for (int t = 0; t < tunnels; t++) {
            WebSocket ws = sockets.get(t);
            CompletableFuture<WebSocket> chain = CompletableFuture.completedFuture(ws);
            for (int m = 0; m < messages; m++) {
                String message = "tunnel " + t + " message " + m;
                chain = chain.thenCompose(w -> w.sendText(message, true));
            }
            sending.add(chain);
        }
        for (int t = 0; t < tunnels; t++) {
            for (int m = 0; m < messages; m++) {
                Duration left = Duration.between(Instant.now(), deadline);
                assertTrue(!left.isNegative(), "60 s passed before every echo arrived");
                assertEquals("tunnel " + t + " message " + m, recorders.get(t).next(left).text());
            }
        }
        CompletableFuture.allOf(sending.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

        for (int t = 0; t < tunnels; t++) {
            sockets.get(t).sendClose(WebSocket.NORMAL_CLOSURE, "done");
        }
        for (WsRecorder recorder : recorders) {
            assertTrue(recorder.awaitEnd(MESSAGE_WAIT).startsWith("close 1000"));
        }
        if (viaProxy()) {
            await("every tunnel closed").atMost(Duration.ofSeconds(10))
                    .until(() -> proxy.tunnels().open() == 0);
            assertEquals(totalBefore + tunnels, proxy.tunnels().total());
        }
    }

    /** Sends a close, expects the backend's close (1000) back. */
    static void closeCleanly(WebSocket ws, WsRecorder recorder) throws Exception {
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
        String end = recorder.awaitEnd(MESSAGE_WAIT);
        assertTrue(end.startsWith("close 1000"), "expected a normal close back, got " + end);
    }

    /** {@code size} printable ASCII characters, the same for the same size. */
    static String randomAscii(int size) {
        Random random = new Random(size);
        char[] chars = new char[size];
        for (int i = 0; i < size; i++) {
            chars[i] = (char) (' ' + random.nextInt(95));
        }
        return new String(chars);
    }
}
