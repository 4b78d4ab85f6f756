package dev.sluice.upstream;

import dev.sluice.Sluice;
import dev.sluice.SluiceException;
import dev.sluice.config.ConfigLoader;
import dev.sluice.testing.HttpBackend;
import dev.sluice.testing.HttpBackendRequest;
import dev.sluice.testing.HttpBackendResponder;
import dev.sluice.testing.HttpClients;
import dev.sluice.testing.LogCapture;
import dev.sluice.testing.TestCertificates;
import dev.sluice.testing.WsEchoBackend;
import dev.sluice.testing.WsRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code https://} upstream servers against real TLS backends: trusted by the upstream's CA file
 * and checked against the name in the URL (SNI too), though the connection goes to the address
 * resolved beforehand; a certificate that is not trusted or names another host is a connect
 * failure (502, and a line saying why); requests, WebSocket tunnels and health checks alike.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpsUpstreamIT {
    private static final TestCertificates CA = TestCertificates.ca();
    private static final TestCertificates OTHER_CA = TestCertificates.ca();

    @TempDir
    Path dir;

    // By name (SNI and a DNS SAN) and by IP literal (an IP SAN): the body arrives, the usual
    // X-Forwarded-* headers with it.
    @Test
    void aServerWithACertificateFromTheConfiguredCaAnswers() throws Exception {
        Path ca = CA.writeCa(dir.resolve("upstream-ca.pem"));
        try (HttpBackend byName = HttpBackend.startTls(CA.leaf("localhost").serverContext(),
                HttpBackendResponder.text("by name"));
             HttpBackend byIp = HttpBackend.startTls(CA.leaf("127.0.0.1").serverContext(),
                     HttpBackendResponder.text("by ip"));
             Sluice proxy = Sluice.startYaml("""
                     listeners: [ { address: 127.0.0.1:0 } ]
                     access-log: off
                     upstreams:
                       named:
                         servers: [ { url: "https://localhost:%d" } ]
                         tls: { ca: "%s" }
                       literal:
                         servers: [ { url: "%s" } ]
                         tls: { ca: "%s" }
                     routes:
                       - { match: { path: /ip }, upstream: literal }
                       - { match: { path: / }, upstream: named }
                     """.formatted(byName.port(), ca, byIp.uri(), ca))) {
            HttpResponse<String> named = get(proxy, "/hello");
            assertEquals(200, named.statusCode(), named.body());
            assertEquals("by name", named.body());
            HttpBackendRequest seen = byName.takeRequest();
            assertEquals("/hello", seen.uri());
            assertEquals(List.of("127.0.0.1"), seen.headerList("X-Forwarded-For"));
            assertEquals("http", seen.header("X-Forwarded-Proto"), "the client's scheme, not the upstream's");

            HttpResponse<String> literal = get(proxy, "/ip");
            assertEquals(200, literal.statusCode(), literal.body());
            assertEquals("by ip", literal.body());
        }
    }

    // Another CA's certificate, and one checked against the JDK's trust store (no tls block):
    // 502 each, and the server's ejection line says the certificate is not trusted.
    @Test
    void aCertificateFromAnotherCaIsNotTrusted() throws Exception {
        Path otherCa = OTHER_CA.writeCa(dir.resolve("other-ca.pem"));
        try (HttpBackend backend = HttpBackend.startTls(CA.leaf("localhost").serverContext(),
                HttpBackendResponder.text("never"));
             LogCapture log = LogCapture.start();
             Sluice proxy = Sluice.startYaml("""
                     listeners: [ { address: 127.0.0.1:0 } ]
                     access-log: off
                     upstreams:
                       other:
                         servers: [ { url: "https://localhost:%d", route: other } ]
                         tls: { ca: "%s" }
                       jdk:
                         servers: [ { url: "https://localhost:%d", route: jdk } ]
                     routes:
                       - { match: { path: /jdk }, upstream: jdk }
                       - { match: { path: / }, upstream: other }
                     """.formatted(backend.port(), otherCa, backend.port()))) {
            assertEquals(502, get(proxy, "/").statusCode());
            assertEquals(502, get(proxy, "/jdk").statusCode());
            for (String route : List.of("other", "jdk")) {
                String line = log.lines().stream().filter(l -> l.contains("SLU6003 server " + route + " (localhost:"
                        + backend.port() + ") of upstream " + route)).findFirst().orElseThrow(() ->
                        new AssertionError("no SLU6003 for " + route + ": " + log.lines()));
                assertTrue(line.contains("certificate for localhost not trusted (PKIX: "), line);
            }
            assertTrue(backend.drainRequests().isEmpty(), "no request reached the backend");
        }
    }

    @Test
    void aCertificateForAnotherNameDoesNotMatch() throws Exception {
        Path ca = CA.writeCa(dir.resolve("upstream-ca.pem"));
        try (HttpBackend backend = HttpBackend.startTls(CA.leaf("backend.example").serverContext(),
                HttpBackendResponder.text("never"));
             LogCapture log = LogCapture.start();
             Sluice proxy = Sluice.startYaml("""
                     listeners: [ { address: 127.0.0.1:0 } ]
                     access-log: off
                     upstreams:
                       app:
                         servers: [ { url: "https://localhost:%d" } ]
                         tls: { ca: "%s" }
                     routes: [ { match: { path: / }, upstream: app } ]
                     """.formatted(backend.port(), ca))) {
            assertEquals(502, get(proxy, "/").statusCode());
            String line = log.lines().stream().filter(l -> l.contains("SLU6003")).findFirst()
                    .orElseThrow(() -> new AssertionError(log.lines().toString()));
            assertTrue(line.contains("certificate does not match localhost"), line);
        }
    }

    // Trusting anything is said loudly: at start and again at each reload.
    @Test
    void insecureSkipVerifyTrustsAnythingAndSaysSo() throws Exception {
        try (HttpBackend backend = HttpBackend.startTls(OTHER_CA.leaf("backend.example").serverContext(),
                HttpBackendResponder.text("unchecked"));
             LogCapture log = LogCapture.start()) {
            String yaml = """
                    listeners: [ { address: 127.0.0.1:0 } ]
                    access-log: off
                    upstreams:
                      lab:
                        servers: [ { url: "https://localhost:%d" } ]
                        tls: { insecure-skip-verify: true }
                    routes: [ { match: { path: / }, upstream: lab } ]
                    """.formatted(backend.port());
            try (Sluice proxy = Sluice.startYaml(yaml)) {
                HttpResponse<String> answer = get(proxy, "/");
                assertEquals(200, answer.statusCode(), answer.body());
                assertEquals("unchecked", answer.body());
                assertEquals(1, warnings(log));
                proxy.reload(ConfigLoader.parse(yaml, "reloaded.yaml", java.util.Map.of()));
                assertEquals(2, warnings(log), "again at the reload, though the upstream is kept");
            }
        }
    }

    private static long warnings(LogCapture log) {
        return log.lines().stream().filter(l -> l.contains("WARN") && l.contains("SLU6010 upstream lab:"
                + " insecure-skip-verify is on")).count();
    }

    // The handshake goes over TLS, the 101 switches, and the tunnel carries the decrypted stream.
    @Test
    void aWebSocketTunnelsThroughAnHttpsServer() throws Exception {
        Path ca = CA.writeCa(dir.resolve("upstream-ca.pem"));
        try (WsEchoBackend backend = WsEchoBackend.startTls(CA.leaf("localhost").serverContext());
             Sluice proxy = Sluice.startYaml("""
                     listeners: [ { address: 127.0.0.1:0 } ]
                     access-log: off
                     upstreams:
                       ws:
                         servers: [ { url: "https://localhost:%d" } ]
                         tls: { ca: "%s" }
                     routes: [ { match: { path: / }, upstream: ws } ]
                     """.formatted(backend.port(), ca))) {
            WsRecorder recorder = new WsRecorder();
            WebSocket ws = WsRecorder.connect(HttpClients.HTTP_1_1, proxy.uri("ws", "/chat"), recorder);
            String big = "x".repeat(100_000);
            for (String message : List.of("hello", big, "bye")) {
                ws.sendText(message, true).get(5, TimeUnit.SECONDS);
                assertEquals(message, recorder.next(Duration.ofSeconds(5)).text());
            }
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
            await().until(() -> backend.closeCodes().contains(1000));
            assertEquals(1, backend.handshakes());
        }
    }

    // Health checks connect as requests do: over TLS, with the same CA and name.
    @Test
    void healthChecksOfAnHttpsServerTakeItOutAndBringItBack() throws Exception {
        Path ca = CA.writeCa(dir.resolve("upstream-ca.pem"));
        AtomicInteger health = new AtomicInteger(200);
        try (HttpBackend backend = HttpBackend.startTls(CA.leaf("localhost").serverContext(),
                (request, reply) -> reply.status(request.uri().startsWith("/health") ? health.get() : 200).send("ok"));
             LogCapture log = LogCapture.start();
             Sluice proxy = Sluice.startYaml("""
                     listeners: [ { address: 127.0.0.1:0 } ]
                     access-log: off
                     upstreams:
                       app:
                         servers: [ { url: "https://localhost:%d", route: a } ]
                         tls: { ca: "%s" }
                         health-check: { path: /health, interval: 100ms, timeout: 2s, healthy: 2, unhealthy: 2 }
                     routes: [ { match: { path: / }, upstream: app } ]
                     """.formatted(backend.port(), ca))) {
            await().until(() -> backend.drainRequests().stream().anyMatch(r -> r.uri().equals("/health")));
            assertEquals(200, get(proxy, "/").statusCode());

            health.set(503);
            await().until(() -> log.lines().stream().anyMatch(l -> l.contains("SLU6001 server a (localhost:"
                    + backend.port() + ") of upstream app is down: 2 failed checks, last: status 503")));
            assertEquals(503, get(proxy, "/").statusCode(), "no server up");

            health.set(200);
            await().until(() -> log.lines().stream().anyMatch(l -> l.contains("SLU6002 server a (localhost:"
                    + backend.port() + ") of upstream app is up")));
            assertEquals(200, get(proxy, "/").statusCode());
        }
    }

    // A CA file that cannot be read stops a start, and a reload keeps the running configuration.
    @Test
    void aCaFileThatCannotBeReadIsRefusedWithItsName() throws Exception {
        Path missing = dir.resolve("missing-ca.pem");
        String yaml = """
                listeners: [ { address: 127.0.0.1:0 } ]
                access-log: off
                upstreams:
                  app:
                    servers: [ { url: "https://localhost:%d" } ]
                    tls: { ca: "%s" }
                routes: [ { match: { path: / }, upstream: app } ]
                """;
        SluiceException start = assertThrows(SluiceException.class, () -> Sluice.startYaml(yaml.formatted(1, missing)));
        assertTrue(start.getMessage().contains("upstreams.app.tls: " + missing + ": no such CA certificate file"),
                start.getMessage());
        assertEquals(java.util.List.of("upstreams.app.tls: " + missing + ": no such CA certificate file"),
                Sluice.check(ConfigLoader.parse(yaml.formatted(1, missing), "t.yaml", java.util.Map.of())),
                "sluice --check reads the CA file too");

        Path ca = CA.writeCa(dir.resolve("upstream-ca.pem"));
        try (HttpBackend backend = HttpBackend.startTls(CA.leaf("localhost").serverContext(),
                HttpBackendResponder.text("still here"));
             Sluice proxy = Sluice.startYaml(yaml.formatted(backend.port(), ca))) {
            assertEquals(200, get(proxy, "/").statusCode());
            SluiceException reload = assertThrows(SluiceException.class, () -> proxy.reload(ConfigLoader.parse(
                    yaml.formatted(backend.port(), missing), "next.yaml", java.util.Map.of())));
            assertTrue(reload.getMessage().contains("reload refused: upstreams.app.tls: " + missing), reload.getMessage());
            HttpResponse<String> after = get(proxy, "/");
            assertEquals(200, after.statusCode());
            assertEquals("still here", after.body());
        }
    }

    private static HttpResponse<String> get(Sluice proxy, String path) throws Exception {
        return HttpClients.HTTP_1_1.send(HttpRequest.newBuilder(proxy.uri("http", path)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
