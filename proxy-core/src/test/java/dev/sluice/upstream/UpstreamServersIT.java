package dev.sluice.upstream;

import dev.sluice.Sluice;
import dev.sluice.testing.HttpBackend;
import dev.sluice.testing.HttpBackendResponder;
import dev.sluice.testing.AdminClient;
import dev.sluice.testing.HttpClients;
import dev.sluice.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An upstream's servers as the file and the admin API set them: weights, backups, disabled
 * servers, drains that outlive reloads, and the answer when no server may take a request.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UpstreamServersIT {
    @TempDir
    Path dir;
    private HttpBackend a;
    private HttpBackend b;
    private HttpBackend backup;
    private Path file;
    private Sluice proxy;

    @BeforeEach
    void start() {
        a = HttpBackend.start(HttpBackendResponder.text("a"));
        b = HttpBackend.start(HttpBackendResponder.text("b"));
        backup = HttpBackend.start(HttpBackendResponder.text("backup"));
    }

    @AfterEach
    void stop() {
        try (HttpBackend x = a; HttpBackend y = b; HttpBackend z = backup; Sluice p = proxy) {
            // closed in reverse order
        }
    }

    private void run(String serverOptionsA, String serverOptionsB) throws Exception {
        file = dir.resolve("sluice.yaml");
        write(serverOptionsA, serverOptionsB);
        proxy = Sluice.startFile(file);
    }

    private void write(String serverOptionsA, String serverOptionsB) throws Exception {
        Files.writeString(file, """
                listeners: [ { address: 127.0.0.1:0 } ]
                admin: { address: 127.0.0.1:0 }
                access-log: off
                upstreams:
                  app:
                    servers:
                      - { url: %s, route: a%s }
                      - { url: %s, route: b%s }
                      - { url: %s, route: spare, backup: true }
                routes: [ { match: { path: / }, upstream: app } ]
                """.formatted(a.uri(), serverOptionsA, b.uri(), serverOptionsB, backup.uri()));
    }

    // weight: 3 against 1 is three requests in four
    @Test
    void weightsShareRoundRobin() throws Exception {
        run(", weight: 3", "");
        assertEquals(Map.of("a", 6, "b", 2), answers(8));
    }

    // disabled: true keeps a server out from the start; a reload without it brings it back
    @Test
    void disabledInTheFileUntilAReloadSaysOtherwise() throws Exception {
        run(", disabled: true", "");
        assertEquals(Map.of("b", 4), answers(4));
        try (LogCapture log = LogCapture.start()) {
            write("", "");
            proxy.reload();
            assertEquals(Map.of("a", 2, "b", 2), answers(4));
            assertTrue(log.lines().stream().anyMatch(l -> l.contains("SLU6006 server a (127.0.0.1:" + a.port()
                    + ") of upstream app is enabled again by the file")), log.lines().toString());
        }
        HttpResponse<String> enable = AdminClient.post(proxy, "/upstreams/app/servers/a/enable", "");
        assertEquals(200, enable.statusCode(), "enabling a server that is up changes nothing: " + enable.body());
    }

    // A drain through the API holds across a reload that still names the server, until enable;
    // the backup takes over only when no other server is up.
    @Test
    void aDrainOutlivesAReloadAndTheBackupStepsInLast() throws Exception {
        run("", "");
        assertEquals(200, AdminClient.post(proxy, "/upstreams/app/servers/a/drain", "").statusCode());
        assertEquals(Map.of("b", 4), answers(4));
        write("", ", weight: 2"); // a changed upstream: new pools, the same servers
        proxy.reload();
        assertEquals(Map.of("b", 4), answers(4), "still draining after the reload");
        assertTrue(AdminClient.get(proxy, "/upstreams").body().contains("\"name\":\"a\",\"url\":\"" + a.uri()
                + "\",\"route\":\"a\",\"weight\":1,\"backup\":false,\"state\":\"draining\""));

        assertEquals(200, AdminClient.post(proxy, "/upstreams/app/servers/127.0.0.1:" + b.port() + "/drain", "{\"deadline\": \"1m\"}")
                .statusCode(), "a server named by host:port");
        assertEquals(Map.of("backup", 3), answers(3));

        assertEquals(200, AdminClient.post(proxy, "/upstreams/app/servers/" + java.net.URLEncoder.encode(a.uri().toString(),
                java.nio.charset.StandardCharsets.UTF_8) + "/enable", "").statusCode(), "a server named by URL");
        assertEquals(Map.of("a", 3), answers(3));
    }

    // With every server out the answer is 503 naming the upstream, and the log line says why
    // each is out.
    @Test
    void noServerUpIs503WithEachServersState() throws Exception {
        run(", disabled: true", "");
        AdminClient.post(proxy, "/upstreams/app/servers/b/drain", "");
        AdminClient.post(proxy, "/upstreams/app/servers/spare/drain", "");
        try (LogCapture log = LogCapture.start()) {
            HttpResponse<String> response = get("/");
            assertEquals(503, response.statusCode());
            assertTrue(response.body().startsWith("no server of upstream app is up"), response.body());
            String id = response.headers().firstValue("X-Request-Id").orElseThrow();
            await().until(() -> log.lines().stream().anyMatch(l -> l.contains(id)
                    && l.contains("a disabled, b draining, spare draining")));
        }
    }

    // The API's mistakes are the caller's: 404 naming what exists, 409 for a file's decision,
    // 400 for a bad deadline at its line and column, 415 without a JSON content type.
    @Test
    void theApiSaysWhatIsWrong() throws Exception {
        run(", disabled: true", "");
        HttpResponse<String> noUpstream = AdminClient.post(proxy, "/upstreams/nope/servers/a/drain", "");
        assertEquals(404, noUpstream.statusCode());
        assertTrue(noUpstream.body().contains("no upstream named 'nope'"), noUpstream.body());
        HttpResponse<String> noServer = AdminClient.post(proxy, "/upstreams/app/servers/z/drain", "");
        assertEquals(404, noServer.statusCode());
        assertTrue(noServer.body().contains("a, b, spare"), noServer.body());
        HttpResponse<String> fileSays = AdminClient.post(proxy, "/upstreams/app/servers/a/enable", "");
        assertEquals(409, fileSays.statusCode());
        assertTrue(fileSays.body().contains("disabled by the configuration file"), fileSays.body());
        HttpResponse<String> badDeadline = AdminClient.post(proxy, "/upstreams/app/servers/b/drain", "{\"deadline\": \"soon\"}");
        assertEquals(400, badDeadline.statusCode());
        assertTrue(badDeadline.body().startsWith("POST /upstreams/app/servers/b/drain:1:14: deadline: "), badDeadline.body());
        HttpResponse<String> unknownKey = AdminClient.post(proxy, "/upstreams/app/servers/b/drain", "{\"deadlin\": \"5m\"}");
        assertEquals(400, unknownKey.statusCode());
        assertTrue(unknownKey.body().contains("did you mean 'deadline'"), unknownKey.body());
        HttpResponse<String> noType = HttpClients.HTTP_1_1.send(HttpRequest.newBuilder(AdminClient.uri(proxy,
                "/upstreams/app/servers/b/drain")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(415, noType.statusCode());
        assertEquals(Map.of("b", 2), answers(2), "nothing was drained by a refused call");
    }

    private Map<String, Integer> answers(int n) throws Exception {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            HttpResponse<String> response = get("/");
            assertEquals(200, response.statusCode(), response.body());
            counts.merge(response.body(), 1, Integer::sum);
        }
        return counts;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClients.HTTP_1_1.send(HttpRequest.newBuilder(proxy.uri("http", path)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
    }


}
