package dev.sluice.upstream;

import dev.sluice.Sluice;
import dev.sluice.testing.HttpBackend;
import dev.sluice.testing.HttpBackendRequest;
import dev.sluice.testing.HttpBackendResponder;
import dev.sluice.testing.HttpClients;
import dev.sluice.testing.LogCapture;
import dev.sluice.testing.WsEchoBackend;
import dev.sluice.testing.WsRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Active health checks in a running proxy: a server its checks find down gets no traffic until they find it up. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HealthCheckedUpstreamIT {

    /** Answers its name, or on /health the status it is told. */
    private static HttpBackendResponder app(String name, AtomicInteger health) {
        return (request, reply) -> {
            if (request.uri().startsWith("/health")) {
                reply.status(health.get()).send("health");
            } else {
                reply.status(200).send(name);
            }
        };
    }

    // a's /health turns 503: after `unhealthy` checks it is down (one SLU6001 line), every request
    // goes to b and none fails; after `healthy` good checks it is up again and shares the load.
    @Test
    void aServerWhoseHealthTurns503IsTakenOutAndBroughtBack() throws Exception {
        AtomicInteger healthA = new AtomicInteger(200);
        try (HttpBackend a = HttpBackend.start(app("a", healthA));
             HttpBackend b = HttpBackend.start(app("b", new AtomicInteger(200)));
             LogCapture log = LogCapture.start();
             Sluice proxy = Sluice.startYaml("""
                     listeners: [ { address: 127.0.0.1:0 } ]
                     access-log: off
                     upstreams:
                       app:
                         servers: [ { url: %s, route: a }, { url: %s, route: b } ]
                         health-check: { path: /health, interval: 100ms, timeout: 2s, healthy: 2, unhealthy: 3 }
                     routes: [ { match: { path: / }, upstream: app } ]
                     """.formatted(a.uri(), b.uri()))) {
            HttpBackendRequest check = await().until(() -> a.drainRequests().stream()
                    .filter(r -> r.uri().equals("/health")).findFirst(), Optional::isPresent).orElseThrow();
            assertEquals("sluice-health-check", check.header("User-Agent"));

            healthA.set(503);
            String down = "SLU6001 server a (127.0.0.1:" + a.port() + ") of upstream app is down: 3 failed checks,"
                    + " last: status 503";
            AtomicInteger served = new AtomicInteger();
            await().until(() -> {
                assertEquals(200, get(proxy).statusCode(), "no request fails while a goes down");
                served.incrementAndGet();
                return log.lines().stream().anyMatch(l -> l.contains(down));
            });
            for (int i = 0; i < 6; i++) {
                assertEquals("b", get(proxy).body());
            }

            healthA.set(200);
            await().until(() -> log.lines().stream().anyMatch(l -> l.contains("SLU6002 server a (127.0.0.1:" + a.port()
                    + ") of upstream app is up: 2 good checks in a row")));
            assertTrue(java.util.stream.IntStream.range(0, 4).mapToObj(i -> {
                try {
                    return get(proxy).body();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).toList().contains("a"), "a takes requests again");
            assertEquals(1, log.lines().stream().filter(l -> l.contains("SLU6001")).count());
        }
    }

    // A WebSocket check does a real handshake: a server whose HTTP side answers 200 to everything
    // but cannot switch is down, and handshakes go to the one that can.
    @Test
    void aWebSocketCheckFindsAServerThatCannotSwitch() throws Exception {
        try (WsEchoBackend good = WsEchoBackend.start();
             HttpBackend broken = HttpBackend.start(HttpBackendResponder.text("no websocket here"));
             LogCapture log = LogCapture.start();
             Sluice proxy = Sluice.startYaml("""
                     listeners: [ { address: 127.0.0.1:0 } ]
                     access-log: off
                     upstreams:
                       ws:
                         servers: [ { url: %s, route: good }, { url: %s, route: broken } ]
                         health-check: { websocket: /ws, interval: 100ms, unhealthy: 2 }
                     routes: [ { match: { path: / }, upstream: ws } ]
                     """.formatted(good.uri(), broken.uri()))) {
            await().until(() -> log.lines().stream().anyMatch(l -> l.contains("SLU6001 server broken (127.0.0.1:"
                    + broken.port() + ") of upstream ws is down: 2 failed checks, last: status 200 instead of 101")));
            await().until(() -> good.closeCodes().contains(1000)); // each good check ends with a Close 1000
            for (int i = 0; i < 4; i++) {
                WsRecorder recorder = new WsRecorder();
                WebSocket ws = WsRecorder.connect(HttpClients.HTTP_1_1, proxy.uri("ws", "/ws"), recorder);
                ws.sendText("hello " + i, true).get(5, TimeUnit.SECONDS);
                assertEquals("hello " + i, recorder.next(Duration.ofSeconds(5)).text());
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
            }
            assertTrue(log.lines().stream().noneMatch(l -> l.contains("SLU6002")), "the broken one stays down");
        }
    }

    private static HttpResponse<String> get(Sluice proxy) throws Exception {
        return HttpClients.HTTP_1_1.send(HttpRequest.newBuilder(proxy.uri("http", "/")).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
