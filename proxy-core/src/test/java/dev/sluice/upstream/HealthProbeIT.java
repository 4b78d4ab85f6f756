package dev.sluice.upstream;

import dev.sluice.config.HealthCheckConfig;
import dev.sluice.testing.DeadServer;
import dev.sluice.testing.HttpBackend;
import dev.sluice.testing.HttpBackendRequest;
import dev.sluice.testing.HttpBackendResponder;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawHttp;
import dev.sluice.testing.WsEchoBackend;
import dev.sluice.testing.WsWire;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One check against real servers on 127.0.0.1: what counts as healthy, and why not when it is not. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HealthProbeIT {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Far above what a check takes on a loaded machine: only the hanging server's test waits for a deadline. */
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final TestIo io = new TestIo();

    @AfterEach
    void shutDown() throws InterruptedException {
        io.close();
    }

    @Test
    void ok200IsHealthyAndTheRequestIsAPlainClosingGet() throws Exception {
        try (HttpBackend backend = HttpBackend.start()) {
            assertEquals(CheckResult.healthy("status 200"), checkOnce(http("/health?deep=1"), backend.uri()));

            HttpBackendRequest request = backend.takeRequest();
            assertEquals("GET", request.method());
            assertEquals("/health?deep=1", request.uri());
            assertEquals("backend.test:" + backend.port(), request.header("Host"));
            assertEquals("sluice-health-check", request.header("User-Agent"));
            assertEquals("close", request.header("Connection"));
        }
    }

    @Test
    void redirectIsHealthy() throws Exception {
        try (HttpBackend backend = HttpBackend.start((request, reply) ->
                reply.status(302).header("Location", "/elsewhere").send("moved"))) {
            assertEquals(CheckResult.healthy("status 302"), checkOnce(http("/"), backend.uri()));
        }
    }

    @Test
    void status503IsUnhealthy() throws Exception {
        try (HttpBackend backend = HttpBackend.start(HttpBackendResponder.text(503, "overloaded"))) {
            assertEquals(CheckResult.unhealthy("status 503"), checkOnce(http("/"), backend.uri()));
        }
    }

    @Test
    void refusedConnectionIsUnhealthy() throws Exception {
        assertEquals(CheckResult.unhealthy("connection refused"), checkOnce(http("/"), DeadServer.uri()));
    }

    @Test
    void serverThatClosesWithoutAWordIsUnhealthy() throws Exception {
        try (RawBackend backend = RawBackend.start((peer, head) -> peer.socket().close())) {
            assertEquals(CheckResult.unhealthy("connection closed before an answer"), checkOnce(http("/"), backend.uri()));
        }
    }

    // The deadline ends the check, and the check closes its connection rather than leave it to
    // the server; the connection's own failure, which follows the close, is no second result.
    @Test
    void serverThatNeverAnswersIsUnhealthyAndItsConnectionClosed() throws Exception {
        try (RawBackend backend = RawBackend.start((peer, head) -> { })) {
            List<CheckResult> results = new CopyOnWriteArrayList<>();
            TestIo.Server server = TestIo.server(backend.uri());
            new HealthProbe(config("/", null, Duration.ofSeconds(1)), io.bufferPool)
                    .check(io.worker.getIoThread(), server.address(), server.hostHeader(), results::add);

            assertTrue(backend.nextConnectionEnd(WAIT).get(WAIT.toMillis(), TimeUnit.MILLISECONDS).peerClosed(),
                    "the backend saw the check close its connection");
            await().atMost(WAIT).until(() -> !results.isEmpty());
            await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> results.size() == 1);
            assertEquals(CheckResult.unhealthy("no answer within 1s"), results.get(0));
        }
    }

    @Test
    void abortEndsTheCheckOnceAndClosesItsConnection() throws Exception {
        try (RawBackend backend = RawBackend.start((peer, head) -> { })) {
            List<CheckResult> results = new CopyOnWriteArrayList<>();
            HealthProbe probe = new HealthProbe(config("/", null, Duration.ofSeconds(30)), io.bufferPool);
            HealthProbe.Check check = probe.check(io.worker.getIoThread(), TestIo.server(backend.uri()).address(),
                    "backend.test", results::add);
            await().atMost(WAIT).until(() -> backend.requests() == 1);

            check.abort();
            check.abort();

            assertTrue(backend.nextConnectionEnd(WAIT).get(WAIT.toMillis(), TimeUnit.MILLISECONDS).peerClosed());
            await().atMost(WAIT).until(() -> !results.isEmpty());
            assertEquals(List.of(CheckResult.unhealthy("check stopped")), results);
        }
    }

    // A real WebSocket server: the handshake succeeds, and the session it opened is closed
    // the way a client should, with a masked Close 1000 (Undertow refuses unmasked client frames).
    @Test
    void realWebSocketEndpointIsHealthyAndGetsANormalClose() throws Exception {
        try (WsEchoBackend backend = WsEchoBackend.start()) {
            assertEquals(CheckResult.healthy("101 Switching Protocols"), checkOnce(webSocket("/ws"), backend.uri()));
            assertEquals(1, backend.handshakes());
            await().atMost(WAIT).until(() -> !backend.closeCodes().isEmpty());
            assertEquals(List.of(1000), backend.closeCodes());
        }
    }

    @Test
    void switchingProtocolsWithAWrongAcceptIsUnhealthy() throws Exception {
        try (RawBackend backend = RawBackend.start((peer, head) -> peer.write("HTTP/1.1 101 Switching Protocols\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + WsWire.acceptFor("not the key the check sent") + "\r\n\r\n"))) {
            assertEquals(CheckResult.unhealthy("101 without a valid Sec-WebSocket-Accept"),
                    checkOnce(webSocket("/ws"), backend.uri()));

            RawHttp.Head handshake = backend.heads().get(0);
            assertEquals("GET /ws HTTP/1.1", handshake.startLine());
            assertEquals("websocket", handshake.header("Upgrade"));
            assertEquals("Upgrade", handshake.header("Connection"));
            assertEquals("13", handshake.header("Sec-WebSocket-Version"));
            assertEquals(16, Base64.getDecoder().decode(handshake.header("Sec-WebSocket-Key")).length);
        }
    }

    @Test
    void okInsteadOfSwitchingProtocolsIsUnhealthy() throws Exception {
        try (RawBackend backend = RawBackend.start((peer, head) ->
                peer.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))) {
            assertEquals(CheckResult.unhealthy("status 200 instead of 101"), checkOnce(webSocket("/ws"), backend.uri()));
        }
    }

    /** Runs one check and returns its one result. */
    private CheckResult checkOnce(HealthCheckConfig config, URI backend) {
        List<CheckResult> results = new CopyOnWriteArrayList<>();
        TestIo.Server server = TestIo.server(backend);
        new HealthProbe(config, io.bufferPool).check(io.worker.getIoThread(), server.address(), server.hostHeader(),
                results::add);
        await().atMost(WAIT).until(() -> !results.isEmpty());
        assertEquals(1, results.size(), () -> "one result, not " + results);
        return results.get(0);
    }

    private static HealthCheckConfig http(String path) {
        return config(path, null, TIMEOUT);
    }

    private static HealthCheckConfig webSocket(String path) {
        return config(null, path, TIMEOUT);
    }

    private static HealthCheckConfig config(String path, String websocket, Duration timeout) {
        return new HealthCheckConfig(path, websocket, Duration.ofSeconds(5), timeout, 2, 3);
    }
}
