package dev.sluice.admin;

import dev.sluice.Sluice;
import dev.sluice.config.ConfigLoader;
import dev.sluice.testing.HttpBackend;
import dev.sluice.testing.HttpClients;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.WsWire;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin listener: health, readiness, status, reload, and what it answers to bad requests. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminIT {

    // /healthz and /readyz answer 200; /status lists the route, the upstream and an open tunnel
    // with its id, then shows it among the recently closed with its reason.
    @Test
    void healthReadinessAndStatusDescribeTheRunningProxy(@TempDir Path dir) throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.start(ConfigLoader.load(write(dir, config(backend.uri(), "/"))))) {
            assertEquals("ok", admin(proxy, "GET", "/healthz").body().strip());
            HttpResponse<String> ready = admin(proxy, "GET", "/readyz");
            assertEquals(200, ready.statusCode());
            assertEquals("ready", ready.body().strip());

            WsWire.Answer tunnel = WsWire.open(proxy.port(), "/ws");
            RawPeer upstream = backend.takePeer();
            await().until(() -> proxy.tunnels().open() == 1);
            long id = proxy.tunnels().list().get(0).id();
            String status = admin(proxy, "GET", "/status").body();
            assertTrue(status.contains("\"ready\":true"), status);
            assertTrue(status.contains("\"path\":\"/\"") && status.contains("\"upstream\":\"app\""), status);
            assertTrue(status.contains("\"open\":[{\"id\":" + id + ","), status);

            tunnel.peer().close();
            upstream.close();
            proxy.tunnels().awaitClosed(id, Duration.ofSeconds(5));
            String after = admin(proxy, "GET", "/status").body();
            assertTrue(after.contains("\"open\":[]") && after.contains("\"recentlyClosed\":[{\"id\":" + id + ","), after);
            assertTrue(admin(proxy, "GET", "/").body().contains("<title>Sluice status</title>"));
        }
    }

    // POST /reload reads the file again: a new route works at once; a broken file gets 400 with
    // every problem in file:line:column form, and the running routes stay.
    @Test
    void postReloadSwitchesToTheFileOrSaysWhyNot(@TempDir Path dir) throws Exception {
        try (HttpBackend backend = HttpBackend.start()) {
            Path file = write(dir, config(backend.uri(), "/old/"));
            try (Sluice proxy = Sluice.start(ConfigLoader.load(file))) {
                assertEquals(404, get(proxy, "/new/x").statusCode());

                Files.writeString(file, config(backend.uri(), "/new/"));
                HttpResponse<String> reloaded = admin(proxy, "POST", "/reload");
                assertEquals(200, reloaded.statusCode(), reloaded.body());
                assertEquals(200, get(proxy, "/new/x").statusCode());

                Files.writeString(file, config(backend.uri(), "/broken/").replace("upstream: app", "upstream: ap"));
                HttpResponse<String> refused = admin(proxy, "POST", "/reload");
                assertEquals(400, refused.statusCode());
                assertTrue(refused.body().contains(file + ":") && refused.body().contains("did you mean 'app'"),
                        refused.body());
                assertEquals(200, get(proxy, "/new/x").statusCode(), "the running configuration stays");
            }
        }
    }

    // /metrics in the Prometheus text format moves as traffic passes: requests by route, method
    // and status class, their duration, tunnels opened, open and closed by reason, messages
    // each way, reloads; JVM basics are there too.
    @Test
    void metricsMoveAsTrafficPasses(@TempDir Path dir) throws Exception {
        try (HttpBackend http = HttpBackend.start();
             RawBackend ws = RawBackend.webSocket()) {
            String yaml = config(http.uri(), "/") + """
                      - match: { path: /ws/ }
                        upstream: ws
                    """;
            yaml = yaml.replace("upstreams:\n", "upstreams:\n  ws:\n    servers: [ { url: " + ws.uri() + " } ]\n");
            Path file = write(dir, yaml);
            try (Sluice proxy = Sluice.start(ConfigLoader.load(file))) {
                for (int i = 0; i < 3; i++) {
                    assertEquals(200, get(proxy, "/x").statusCode());
                }
                await().until(() -> metric(proxy, "sluice_requests_total", "route=\"/\"", "method=\"GET\"",
                        "status=\"2xx\"") == 3);
                assertEquals(3, metric(proxy, "sluice_request_duration_seconds_count", "route=\"/\""));

                WsWire.Answer tunnel = WsWire.open(proxy.port(), "/ws/chat");
                RawPeer upstream = ws.takePeer();
                tunnel.peer().write(WsWire.clientText("one"));
                assertEquals("one", upstream.readFrame().text());
                await().until(() -> metric(proxy, "sluice_tunnels_open", "route=\"/ws/\"") == 1);
                assertEquals(1, metric(proxy, "sluice_tunnels_opened_total", "route=\"/ws/\""));
                assertEquals(1, metric(proxy, "sluice_tunnel_messages_total", "direction=\"to_upstream\""));
                tunnel.peer().close();
                await().until(() -> upstream.readsEof());
                upstream.close();
                await().until(() -> metric(proxy, "sluice_tunnels_closed_total", "reason=\"client_closed\"") == 1);
                assertEquals(0, metric(proxy, "sluice_tunnels_open", "route=\"/ws/\""));

                assertEquals(200, admin(proxy, "POST", "/reload").statusCode());
                assertEquals(1, metric(proxy, "sluice_config_reloads_total", "result=\"ok\""));
                String scrape = admin(proxy, "GET", "/metrics").body();
                assertTrue(scrape.contains("sluice_config_loaded_timestamp_seconds{hash=\"" + proxy.config().hash()), scrape);
                assertTrue(scrape.contains("jvm_memory_used_bytes"), "JVM basics");
            }
        }
    }

    /** The value of the one sample of {@code name} whose labels include all of {@code labels}; 0 when absent. */
    private static double metric(Sluice proxy, String name, String... labels) throws Exception {
        String scrape = admin(proxy, "GET", "/metrics").body();
        return scrape.lines()
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .filter(line -> java.util.Arrays.stream(labels).allMatch(line::contains))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    // Wrong paths and methods get a 4xx with a plain reason.
    @Test
    void badRequestsGetAClearFourHundred(@TempDir Path dir) throws Exception {
        try (HttpBackend backend = HttpBackend.start();
             Sluice proxy = Sluice.start(ConfigLoader.load(write(dir, config(backend.uri(), "/"))))) {
            HttpResponse<String> missing = admin(proxy, "GET", "/nope");
            assertEquals(404, missing.statusCode());
            assertTrue(missing.body().contains("/status"), missing.body());
            HttpResponse<String> wrongMethod = admin(proxy, "GET", "/reload");
            assertEquals(405, wrongMethod.statusCode());
            assertEquals("POST", wrongMethod.headers().firstValue("Allow").orElse(""));
            assertEquals(405, admin(proxy, "DELETE", "/status").statusCode());
        }
    }

    // A stop: readiness turns 503 at once while the listeners still accept for accept-grace; a
    // slow request in flight completes; the open tunnel gets its Close 1001 at the drain deadline.
    @Test
    void stopTurnsReadinessFirstFinishesRequestsAndClosesTunnelsPolitely(@TempDir Path dir) throws Exception {
        CountDownLatch answerSlowRequest = new CountDownLatch(1);
        try (RawBackend backend = RawBackend.start((peer, head) -> {
                if (head.header("Sec-WebSocket-Key") != null) {
                    peer.write(WsWire.switchingProtocols(head.header("Sec-WebSocket-Key")));
                    peer.awaitEnd(Duration.ofSeconds(20));
                } else {
                    answerSlowRequest.await(20, TimeUnit.SECONDS);
                    peer.write("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nslow");
                }
             })) {
            String yaml = config(backend.uri(), "/") + "shutdown: { accept-grace: 500ms, drain-timeout: 1500ms }\n";
            Sluice proxy = Sluice.start(ConfigLoader.load(write(dir, yaml)));
            WsWire.Answer tunnel = WsWire.open(proxy.port(), "/ws");
            assertEquals(101, tunnel.status());
            CompletableFuture<HttpResponse<String>> slow = CompletableFuture.supplyAsync(() -> {
                try {
                    return get(proxy, "/slow");
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            await().until(() -> backend.requests() == 2);

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(proxy::close);
            await("readiness 503").atMost(Duration.ofSeconds(2))
                    .until(() -> admin(proxy, "GET", "/readyz").statusCode() == 503);
            answerSlowRequest.countDown();
            assertEquals(200, slow.get(10, TimeUnit.SECONDS).statusCode(), "the request in flight completes");
            WsWire.Frame close = tunnel.peer().readFrame();
            assertEquals(8, close.opcode(), "a Close frame at the drain deadline");
            assertEquals(1001, ((close.payload()[0] & 0xFF) << 8) | (close.payload()[1] & 0xFF));
            tunnel.peer().close();
            stopping.get(20, TimeUnit.SECONDS);
        }
    }

    private static String config(URI backend, String path) {
        return """
                listeners: [ { address: 127.0.0.1:0 } ]
                admin: { address: 127.0.0.1:0 }
                access-log: off
                upstreams:
                  app:
                    servers: [ { url: %s } ]
                routes:
                  - match: { path: %s }
                    upstream: app
                """.formatted(backend, path);
    }

    private static Path write(Path dir, String yaml) throws Exception {
        return Files.writeString(dir.resolve("sluice.yaml"), yaml);
    }

    private static HttpResponse<String> admin(Sluice proxy, String method, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + proxy.adminAddress().getPort() + path);
        return HttpClients.HTTP_1_1.send(HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody())
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(Sluice proxy, String path) throws Exception {
        return HttpClients.HTTP_1_1.send(HttpRequest.newBuilder(proxy.uri("http", path)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
