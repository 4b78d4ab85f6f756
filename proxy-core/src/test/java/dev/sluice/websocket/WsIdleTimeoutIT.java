package dev.sluice.websocket;

import dev.sluice.config.WebSocketConfig;

import dev.sluice.Sluice;
import dev.sluice.testing.WsEchoBackend;
import dev.sluice.testing.WsRecorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** websocket.idle-timeout closes a tunnel after silence in both directions, and only then. */
class WsIdleTimeoutIT {
    private static final Duration IDLE = Duration.ofMillis(300);

    private final HttpClient client = HttpClient.newHttpClient();
    private WsEchoBackend backend;
    private Sluice proxy;

    @BeforeEach
    void start() {
        backend = WsEchoBackend.start();
        proxy = Sluice.builder().route("/", idleTimeout(IDLE), backend.uri()).start();
    }

    @AfterEach
    void stop() {
        try {
            if (proxy != null) {
                proxy.close();
            }
        } finally {
            backend.close();
        }
    }

    // After one echo, 300 ms of silence must end the tunnel well within 3 s.
    @Test
    void silentTunnelIsClosedAfterIdleTimeout() throws Exception {
        WsRecorder recorder = new WsRecorder();
        WebSocket ws = WsRecorder.connect(client, proxy.uri("ws", "/echo"), recorder);
        ws.sendText("ping", true).get(5, TimeUnit.SECONDS);
        assertEquals("ping", recorder.next(Duration.ofSeconds(5)).text());

        String end = recorder.awaitEnd(Duration.ofSeconds(3));
        assertTrue(end.startsWith("close") || end.startsWith("error"), end);
        await("idle tunnel removed").atMost(Duration.ofSeconds(3)).until(() -> proxy.tunnels().open() == 0);
        assertEquals(1, proxy.tunnels().total());
    }

    // A message every 100 ms for 1.5 s (five idle timeouts long) keeps the tunnel open throughout.
    @Test
    void tunnelWithMessageEvery100msStaysOpenPastIdleTimeout() throws Exception {
        int messages = 15;
        WsRecorder recorder = new WsRecorder();
        WebSocket ws = WsRecorder.connect(client, proxy.uri("ws", "/echo"), recorder);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger sent = new AtomicInteger();
        long started = System.nanoTime();
        try {
            ticker.scheduleAtFixedRate(() -> {
                int n = sent.getAndIncrement();
                if (n < messages) {
                    ws.sendText("tick " + n, true).join();
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
            for (int n = 0; n < messages; n++) {
                assertEquals("tick " + n, recorder.next(Duration.ofSeconds(2)).text());
            }
        } finally {
            ticker.shutdownNow();
        }
        long aliveMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(aliveMillis >= 1_350, "the traffic should have lasted about 1.5 s, was " + aliveMillis + " ms");
        assertFalse(recorder.hasEnded(), "a busy tunnel must not be closed as idle");
        assertEquals(1, proxy.tunnels().open());
        EchoTunnelContract.closeCleanly(ws, recorder);
    }

    /** WebSocket defaults with only the idle timeout changed. */
    private static WebSocketConfig idleTimeout(Duration idle) {
        WebSocketConfig d = WebSocketConfig.DEFAULTS;
        return new WebSocketConfig(d.enabled(), idle, d.halfCloseTimeout(), d.allowedOrigins(), d.maxTunnels());
    }
}
