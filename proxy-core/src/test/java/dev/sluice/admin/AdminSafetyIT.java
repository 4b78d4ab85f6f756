package dev.sluice.admin;

import dev.sluice.Sluice;
import dev.sluice.config.ConfigLoader;
import dev.sluice.testing.HttpBackend;
import dev.sluice.testing.LogCapture;
import dev.sluice.testing.RawHttp;
import dev.sluice.testing.RawPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.util.Map;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A web page the operator has open must not be able to drive the admin API on loopback: not by
 * a cross-site form or fetch (CSRF), not by a name of its own pointed at 127.0.0.1 (DNS
 * rebinding). Each test sends what a browser would, byte for byte.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminSafetyIT {
    private static final String JSON = "Content-Type: application/json";

    // DNS rebinding: the browser sends the page's own host name. Probes answer any Host.
    @Test
    void aHostThatIsNotAllowedGets403AndProbesAnswerAnyHost() throws Exception {
        try (LogCapture log = LogCapture.start();
             HttpBackend backend = HttpBackend.start();
             Sluice proxy = Sluice.builder().admin("127.0.0.1", 0).route("/", backend.uri()).start()) {
            int port = proxy.adminAddress().getPort();
            RawHttp.Response rebound = send(port, "GET", "/recording", "Host: evil.example:" + port);
            assertAll(
                    () -> assertEquals(403, rebound.status()),
                    () -> assertTrue(rebound.bodyText().contains("Host evil.example:" + port + " is not allowed"),
                            rebound.bodyText()),
                    () -> assertEquals(200, send(port, "GET", "/healthz", "Host: evil.example").status()),
                    () -> assertEquals(200, send(port, "GET", "/readyz", "Host: evil.example").status()),
                    () -> assertEquals(200, send(port, "GET", "/status", "Host: localhost:" + port).status()),
                    () -> assertEquals(200, send(port, "GET", "/status", "Host: 127.0.0.1:" + port).status()),
                    () -> assertTrue(log.lines().stream().anyMatch(l -> l.contains("SLU0010")), String.join("\n", log.lines())));
        }
    }

    // A page's no-cors POST is text/plain: it must not add a fault. With the right type it may,
    // but only from the admin API's own origin; a preflight is refused.
    @Test
    void aCrossSitePostAddsNoFault() throws Exception {
        try (HttpBackend backend = HttpBackend.start();
             Sluice proxy = Sluice.builder().admin("127.0.0.1", 0).route("/", backend.uri()).start()) {
            int port = proxy.adminAddress().getPort();
            String fault = "{\"type\": \"blackhole\"}";
            String host = "Host: 127.0.0.1:" + port;
            RawHttp.Response form = sendBody(port, "POST", "/faults", fault, host, "Origin: https://evil.example",
                    "Content-Type: text/plain;charset=UTF-8");
            RawHttp.Response plain = sendBody(port, "POST", "/faults", fault, host, "Content-Type: text/plain");
            RawHttp.Response noType = sendBody(port, "POST", "/reload", "", host);
            RawHttp.Response preflight = send(port, "OPTIONS", "/faults", host, "Origin: https://evil.example",
                    "Access-Control-Request-Method: POST");
            RawHttp.Response sameOrigin = sendBody(port, "POST", "/faults", fault, host, "Origin: http://127.0.0.1:" + port, JSON);
            assertAll(
                    () -> assertEquals(403, form.status(), form.toString()),
                    () -> assertTrue(form.bodyText().contains("Origin https://evil.example is not allowed"), form.bodyText()),
                    () -> assertEquals(415, plain.status(), plain.toString()),
                    () -> assertTrue(plain.bodyText().contains("POST /faults takes application/json or application/yaml"),
                            plain.bodyText()),
                    () -> assertEquals(415, noType.status(), noType.toString()),
                    () -> assertEquals(403, preflight.status(), preflight.toString()),
                    () -> assertEquals(201, sameOrigin.status(), sameOrigin.toString()),
                    () -> assertEquals(1, proxy.faults().list().size()));
        }
    }

    // With admin.token every endpoint but the probes wants it: as a Bearer token or the password
    // of HTTP Basic (any user), so that a browser can still open the status page.
    @Test
    void aTokenIsWantedAsBearerOrBasicPassword() throws Exception {
        try (Sluice proxy = Sluice.startYaml(config("token: s3cret"))) {
            int port = proxy.adminAddress().getPort();
            String host = "Host: 127.0.0.1:" + port;
            RawHttp.Response none = send(port, "GET", "/status", host);
            assertAll(
                    () -> assertEquals(401, none.status()),
                    () -> assertTrue(none.header("WWW-Authenticate").startsWith("Basic realm="), none.toString()),
                    () -> assertEquals(401, send(port, "GET", "/status", host, "Authorization: Bearer wrong").status()),
                    () -> assertEquals(200, send(port, "GET", "/status", host, "Authorization: Bearer s3cret").status()),
                    () -> assertEquals(200, send(port, "GET", "/", host, "Authorization: Basic " + basic("anyone:s3cret")).status()),
                    () -> assertEquals(401, send(port, "GET", "/", host, "Authorization: Basic " + basic("s3cret:no")).status()),
                    () -> assertEquals(200, send(port, "GET", "/healthz", host).status()));
        }
    }

    // The token and the allowed hosts change on reload, without a restart: a rotated token is
    // taken at once and the old one refused.
    @Test
    void aReloadRotatesTheTokenAndTheAllowedHosts(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sluice.yaml");
        Files.writeString(file, config("token: first"));
        try (Sluice proxy = Sluice.startFile(file)) {
            int port = proxy.adminAddress().getPort();
            assertEquals(200, send(port, "GET", "/status", "Host: localhost", "Authorization: Bearer first").status());

            Files.writeString(file, config("token: second\n  allowed-hosts: [ admin.example ]"));
            proxy.reload();

            assertAll(
                    () -> assertEquals(401, send(port, "GET", "/status", "Host: admin.example",
                            "Authorization: Bearer first").status()),
                    () -> assertEquals(200, send(port, "GET", "/status", "Host: admin.example:" + port,
                            "Authorization: Bearer second").status()),
                    () -> assertEquals(403, send(port, "GET", "/status", "Host: localhost",
                            "Authorization: Bearer second").status(), "the list replaces the defaults"));
        }
    }

    // A client that never finishes its request head is cut after limits.request-header-timeout,
    // as on the proxy's own listeners: a stuck scraper holds no admin connection for long.
    @Test
    void aClientThatNeverFinishesItsHeadIsCut() throws Exception {
        try (Sluice proxy = Sluice.startYaml(config("allowed-hosts: [ localhost ]")
                + "limits: { request-header-timeout: 1s }\n");
             RawPeer client = RawPeer.connect(proxy.adminAddress().getPort())) {
            client.write("GET /status HTTP/1.1\r\nHost: localhost\r\n");
            String end = client.awaitEnd(java.time.Duration.ofSeconds(10));
            assertTrue(end.equals("EOF") || end.startsWith("reset"), end);
        }
    }

    // Fault injection is for fixtures: a proxy started as bin/sluice starts it serves /faults only
    // when its file asks; a proxy made for tests has it on, and a reload that does not say keeps it.
    @Test
    void faultsAreServedOnlyWhenAskedForOrInATestsProxy(@TempDir Path dir) throws Exception {
        String host = "Host: localhost";
        try (Sluice production = Sluice.start(ConfigLoader.parse(config(""), "sluice.yaml", Map.of()));
             Sluice asked = Sluice.start(ConfigLoader.parse(config("faults: true"), "sluice.yaml", Map.of()))) {
            RawHttp.Response off = send(production.adminAddress().getPort(), "GET", "/faults", host);
            assertAll(
                    () -> assertEquals(404, off.status()),
                    () -> assertTrue(off.bodyText().contains("admin.faults: true"), off.bodyText()),
                    () -> assertEquals(200, send(asked.adminAddress().getPort(), "GET", "/faults", host).status()));
        }
        Path file = dir.resolve("sluice.yaml");
        Files.writeString(file, config(""));
        try (Sluice forTests = Sluice.startFile(file)) {
            int port = forTests.adminAddress().getPort();
            assertEquals(200, send(port, "GET", "/faults", host).status());
            Files.writeString(file, config("") + "# reloaded\n");
            forTests.reload();
            assertEquals(200, send(port, "GET", "/faults", host).status());
            Files.writeString(file, config("faults: false"));
            forTests.reload();
            assertEquals(404, send(port, "GET", "/faults", host).status());
        }
    }

    private static String config(String adminLines) {
        return """
                listeners:
                  - address: 127.0.0.1:0
                admin:
                  address: 127.0.0.1:0
                  %s
                upstreams:
                  echo:
                    builtin: echo
                routes:
                  - match: { path: / }
                    upstream: echo
                """.formatted(adminLines);
    }

    private static String basic(String pair) {
        return Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    private static RawHttp.Response send(int port, String method, String path, String... headerLines) throws IOException {
        return sendBody(port, method, path, null, headerLines);
    }

    private static RawHttp.Response sendBody(int port, String method, String path, String body, String... headerLines)
            throws IOException {
        List<String> lines = new java.util.ArrayList<>(List.of(headerLines));
        if (body != null) {
            lines.add("Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length);
        }
        lines.add("Connection: close");
        try (RawPeer client = RawPeer.connect(port)) {
            client.write(RawHttp.request(method, path, lines.toArray(String[]::new)) + (body == null ? "" : body));
            return client.readResponse(method.equals("HEAD"));
        }
    }
}
