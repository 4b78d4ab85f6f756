package dev.sluice.edge;

import dev.sluice.Sluice;
import dev.sluice.config.LimitsConfig;
import dev.sluice.config.WebSocketConfig;
import dev.sluice.testing.LogCapture;
import dev.sluice.testing.DeadServer;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawHttp;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.WsWire;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every way the proxy refuses a request or a handshake, one after another on one proxy: each
 * gets its status and a logged reason, and not one of them puts a stack trace in the log.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RefusalsLogNoStackTraceIT {
    private static final String KEY = "Sec-WebSocket-Key: " + WsWire.SAMPLE_KEY;
    private static final String WS = "Upgrade: websocket\r\nConnection: Upgrade\r\n";

    // 400, 403, 404, 408, 413, 426, 431, 502, 503 and 504 from the proxy itself: the right status
    // each time, and a log without a single stack trace.
    @Test
    void everyRefusalIsAnsweredAndLoggedWithoutAStackTrace() throws Exception {
        LimitsConfig limits = LimitsConfig.DEFAULTS.withMaxRequestHeaderSize(2048).withMaxRequestBodySize(1024)
                .withRequestBodyTimeout(Duration.ofMillis(300));
        List<String> wrong = new ArrayList<>();
        try (LogCapture log = LogCapture.start();
             RawBackend backend = RawBackend.start(RefusalsLogNoStackTraceIT::answer);
             RawBackend tunnels = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().limits(limits).responseTimeout(Duration.ofMillis(300))
                     .route("/app/", backend.uri())
                     .route("/off/", websocket(false, List.of(), 10), backend.uri())
                     .route("/origin/", websocket(true, List.of("https://ok.example"), 10), backend.uri())
                     .route("/full/", websocket(true, List.of(), 1), tunnels.uri())
                     .route("/down/", DeadServer.uri())
                     .start()) {
            WsWire.Answer open = WsWire.open(proxy.port(), "/full/ws");
            assertEquals(101, open.status(), "the tunnel that fills /full/");
            int port = proxy.port();

            expect(wrong, port, 400, "GET /app/../../x HTTP/1.1\r\nHost: x\r\n\r\n");
            expect(wrong, port, 400, "GET /app/a%2Fb HTTP/1.1\r\nHost: x\r\n\r\n");
            expect(wrong, port, 404, "GET /elsewhere HTTP/1.1\r\nHost: x\r\n\r\n");
            expect(wrong, port, 400, "GET /app/ws HTTP/1.1\r\nHost: x\r\n" + WS + "Sec-WebSocket-Version: 13\r\n\r\n");
            expect(wrong, port, 426, "GET /app/ws HTTP/1.1\r\nHost: x\r\n" + WS + KEY + "\r\nSec-WebSocket-Version: 12\r\n\r\n");
            expect(wrong, port, 403, WsWire.handshake("/off/ws"));
            expect(wrong, port, 403, WsWire.handshake("/origin/ws"));
            expect(wrong, port, 403, WsWire.handshake("/origin/ws", "Origin: https://evil.example"));
            expect(wrong, port, 503, WsWire.handshake("/full/ws"));
            expect(wrong, port, 431, "GET /app/x HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(3000) + "\r\n\r\n");
            expect(wrong, port, 413, "POST /app/x HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n");
            expect(wrong, port, 400, "POST /app/x HTTP/1.1\r\nHost: x\r\nContent-Length: 18446744073709551616\r\n\r\n");
            expect(wrong, port, 408, "POST /app/x HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly this");
            expect(wrong, port, 413, "POST /app/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "800\r\n" + "c".repeat(2048) + "\r\n0\r\n\r\n");
            expect(wrong, port, 502, "GET /down/x HTTP/1.1\r\nHost: x\r\n\r\n");
            expect(wrong, port, 504, "GET /app/silent HTTP/1.1\r\nHost: x\r\n\r\n");
            expect(wrong, port, 502, "GET /app/h2c HTTP/1.1\r\nHost: x\r\n\r\n");
            expect(wrong, port, 502, WsWire.handshake("/app/h2c"));
            expect(wrong, port, 502, WsWire.handshake("/app/bad101"));
            open.peer().close();

            assertEquals(List.of(), wrong, "requests that got another answer than expected");
            assertEquals(List.of(), log.stackTraces(), "stack traces in the log");
        }
    }

    /** The backend's answer by path: silence, a 101 to h2c, a 101 with a wrong accept, or 200. */
    private static void answer(RawPeer peer, RawHttp.Head head) throws Exception {
        String line = head.startLine();
        if (line.contains("/silent")) {
            peer.awaitEnd(Duration.ofSeconds(10));
        } else if (line.contains("/h2c")) {
            peer.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n");
        } else if (line.contains("/bad101")) {
            peer.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n");
        } else {
            peer.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        }
    }

    /** Sends {@code request} on a new connection and notes it in {@code wrong} unless the answer is {@code status}. */
    private static void expect(List<String> wrong, int port, int status, String request) throws IOException {
        try (RawPeer client = RawPeer.connect(port)) {
            client.write(request);
            RawHttp.Head head = client.readHeadOrNull();
            int got = head == null ? -1 : head.status();
            if (got != status) {
                wrong.add(status + " expected, got " + (head == null ? "no answer" : head.startLine()) + " for "
                        + request.lines().findFirst().orElse(""));
            }
        }
    }


    private static WebSocketConfig websocket(boolean enabled, List<String> origins, int maxTunnels) {
        return new WebSocketConfig(enabled, Duration.ofHours(1), Duration.ofSeconds(30), origins, maxTunnels);
    }
}
