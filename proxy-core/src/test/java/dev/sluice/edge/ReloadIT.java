package dev.sluice.edge;

import dev.sluice.Sluice;
import dev.sluice.SluiceException;
import dev.sluice.config.AccessLogConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.config.WebSocketConfig;
import dev.sluice.testing.HttpBackend;
import dev.sluice.testing.HttpClients;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.WsWire;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.nio.file.Files;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code Sluice.reload}: new requests see the new configuration, what is under way keeps the old one. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReloadIT {

    // A tunnel opened before a reload keeps passing bytes both ways after it; a new request
    // sees the route the reload added; the route's new Origin rule applies to new handshakes only.
    // A route a reload removed leaves the metrics with it: a scrape does not list it for ever.
    @Test
    void aRemovedRoutesMetersGoWithIt(@TempDir Path dir) throws Exception {
        String both = """
                listeners: [ { address: 127.0.0.1:0 } ]
                shutdown: { drain-timeout: 0s }
                upstreams: { echo: { builtin: echo } }
                routes:
                  - match: { path: /kept/ }
                    upstream: echo
                  - match: { path: /gone/ }
                    upstream: echo
                """;
        Path file = dir.resolve("sluice.yaml");
        Files.writeString(file, both);
        try (Sluice proxy = Sluice.startFile(file)) {
            for (String path : List.of("/kept/a", "/gone/a")) {
                HttpClients.HTTP_1_1.send(HttpRequest.newBuilder(proxy.uri("http", path)).build(),
                        HttpResponse.BodyHandlers.discarding());
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.metrics().scrape().contains("route=\"/gone/\""));

            Files.writeString(file, both.substring(0, both.indexOf("  - match: { path: /gone/ }")));
            proxy.reload();

            String scrape = proxy.metrics().scrape();
            assertTrue(scrape.contains("route=\"/kept/\""), scrape);
            assertTrue(!scrape.contains("route=\"/gone/\""), scrape);
        }
    }

    @Test
    void openTunnelKeepsRunningWhileNewRequestsSeeTheNewRoutes() throws Exception {
        try (RawBackend wsBackend = RawBackend.webSocket();
             HttpBackend http = HttpBackend.start();
             Sluice proxy = Sluice.builder().route("/", wsBackend.uri()).start()) {
            WsWire.Answer before = WsWire.open(proxy.port(), "/ws");
            assertEquals(101, before.status());
            RawPeer upstream = wsBackend.takePeer();

            proxy.reload(Sluice.builder()
                    .route("/", new WebSocketConfig(true, Duration.ofHours(1), Duration.ofSeconds(30),
                            List.of("https://ok.example"), 10_000), wsBackend.uri())
                    .route("/api/", http.uri())
                    .config());

            before.peer().write(WsWire.clientText("still here"));
            assertEquals("still here", upstream.readFrame().text());
            upstream.write(WsWire.serverText("and here"));
            assertEquals("and here", before.peer().readFrame().text());
            assertEquals(200, get(proxy, "/api/x").statusCode(), "the route the reload added");
            assertEquals(1, http.drainRequests().size());
            assertEquals(403, WsWire.open(proxy.port(), "/ws").status(), "the new Origin rule, for a new handshake");
            assertEquals(101, WsWire.open(proxy.port(), "/ws", "Origin: https://ok.example").status());
            before.peer().close();
        }
    }

    // A reload that changes what only a restart can (the listeners, the access log) is refused
    // with a message naming it, and the running routes stay.
    @Test
    void reloadChangingTheListenersIsRefusedAndTheRunningConfigStays() throws Exception {
        try (HttpBackend http = HttpBackend.start();
             Sluice proxy = Sluice.builder().route("/", http.uri()).start()) {
            SluiceConfig otherListener = Sluice.builder().listen("127.0.0.2", 0).route("/", http.uri()).config();
            SluiceException refused = assertThrows(SluiceException.class, () -> proxy.reload(otherListener));
            assertTrue(refused.getMessage().contains("listeners") && refused.getMessage().contains("restart"),
                    refused.getMessage());
            SluiceConfig logging = Sluice.builder().accessLog(AccessLogConfig.STDOUT)
                    .route("/", http.uri()).config();
            assertTrue(assertThrows(SluiceException.class, () -> proxy.reload(logging)).getMessage().contains("access-log"));

            assertEquals(200, get(proxy, "/still").statusCode());
            assertEquals("builder", proxy.config().source());
        }
    }

    // 100 reloads, between two configs, while two clients send requests without pause: not
    // one request fails.
    @Test
    void hundredReloadsUnderLoadLoseNoRequest() throws Exception {
        try (HttpBackend http = HttpBackend.start();
             Sluice proxy = Sluice.builder().route("/", http.uri()).start()) {
            SluiceConfig a = Sluice.builder().route("/", http.uri()).config();
            SluiceConfig b = Sluice.builder().route("/", http.uri()).route("/extra/", URI.create("http://127.0.0.1:9")).config();
            AtomicBoolean reloading = new AtomicBoolean(true);
            AtomicInteger ok = new AtomicInteger();
            List<CompletableFuture<String>> clients = List.of(load(proxy, reloading, ok), load(proxy, reloading, ok));
            for (int i = 0; i < 100; i++) {
                proxy.reload(i % 2 == 0 ? b : a);
            }
            reloading.set(false);
            for (CompletableFuture<String> client : clients) {
                assertEquals("", client.get(60, TimeUnit.SECONDS), "failures seen by a client");
            }
            assertTrue(ok.get() > 0);
            System.out.printf("100 reloads: %d requests, all 200%n", ok.get());
        }
    }

    /** Sends GETs until {@code running} turns false; returns the failures, empty when every one got 200. */
    private static CompletableFuture<String> load(Sluice proxy, AtomicBoolean running, AtomicInteger ok) {
        return CompletableFuture.supplyAsync(() -> {
            StringBuilder failures = new StringBuilder();
            while (running.get() || ok.get() < 20) {
                try {
                    int status = get(proxy, "/load").statusCode();
                    if (status == 200) {
                        ok.incrementAndGet();
                    } else {
                        failures.append(status).append(' ');
                    }
                } catch (Exception e) {
                    failures.append(e).append(' ');
                }
            }
            return failures.toString();
        });
    }

    private static HttpResponse<String> get(Sluice proxy, String path) throws Exception {
        return HttpClients.HTTP_1_1.send(HttpRequest.newBuilder(proxy.uri("http", path)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
