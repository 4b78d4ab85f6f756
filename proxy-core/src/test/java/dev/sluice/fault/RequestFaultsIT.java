package dev.sluice.fault;

import dev.sluice.Sluice;
import dev.sluice.config.ConfigLoader;
import dev.sluice.config.FaultConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.record.HttpExchange;
import dev.sluice.testing.HttpBackend;
import dev.sluice.testing.HttpClients;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.WsWire;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Faults that act on requests and handshakes before they reach the upstream: refuse and http-status. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RequestFaultsIT {

    // http-status answers every request on its route with the status, without reaching the
    // upstream; a handshake too; removed, requests reach the upstream again.
    @Test
    void httpStatusAnswersAsConfigured() throws Exception {
        try (HttpBackend backend = HttpBackend.start();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            ActiveFault fault = proxy.faults().add(FaultConfig.httpStatus(503));

            HttpResponse<String> answer = get(proxy, "/api");
            assertEquals(503, answer.statusCode());
            assertTrue(answer.body().contains("answered by fault " + fault.name()), answer.body());
            WsWire.Answer handshake = WsWire.open(proxy.port(), "/ws");
            assertEquals(503, handshake.status());
            assertTrue(backend.drainRequests().isEmpty(), "nothing reached the upstream");

            proxy.faults().remove(fault.name());
            assertEquals(200, get(proxy, "/api").statusCode());
        }
    }

    // latency holds a plain HTTP request back before it is forwarded; removed, requests are
    // no longer held (the fault acts no more).
    @Test
    void latencyHoldsHttpRequestsBack() throws Exception {
        try (HttpBackend backend = HttpBackend.start();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            ActiveFault latency = proxy.faults().add(FaultConfig.latency(java.time.Duration.ofMillis(300)));
            long start = System.nanoTime();
            assertEquals(200, get(proxy, "/slow").statusCode());
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(took >= 300, "answered after " + took + " ms");
            assertEquals(1, latency.acted());

            proxy.faults().clear();
            assertEquals(200, get(proxy, "/fast").statusCode());
            assertEquals(1, latency.acted());
        }
    }

    // refuse resets the connection of every new request on its route: no answer at all; an
    // open tunnel goes on.
    @Test
    void refuseResetsNewConnectionsAndSparesOpenTunnels() throws Exception {
        try (RawBackend backend = RawBackend.webSocket();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            WsWire.Answer open = WsWire.open(proxy.port(), "/ws");
            RawPeer upstream = backend.takePeer();
            proxy.faults().add(FaultConfig.refuse());

            assertThrows(IOException.class, () -> get(proxy, "/"));
            HttpExchange recorded = await().atMost(Duration.ofSeconds(5)).until(
                    () -> proxy.recording().exchanges().stream().filter(e -> e.path().equals("/")).findFirst(),
                    Optional::isPresent).get();
            assertEquals(0, recorded.status(), "recorded as the client saw it: no answer");
            assertEquals("connection refused (reset unanswered)", recorded.error());
            assertEquals("refuse-1", recorded.fault());
            try (RawPeer refused = RawPeer.connect(proxy.port())) {
                refused.write(WsWire.handshake("/ws"));
                assertNull(refused.readHeadOrNull(), "no answer to a refused handshake");
            } catch (IOException reset) {
                // a reset may also surface as an exception on the read
            }
            open.peer().write(WsWire.clientText("still here"));
            assertEquals("still here", upstream.readFrame().text());
        }
    }

    // Probability is rolled per request: at 0.5, a hundred requests see both outcomes; at 0
    // the fault never acts.
    @Test
    void probabilityIsRolledPerRequest() throws Exception {
        try (HttpBackend backend = HttpBackend.start();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            ActiveFault never = proxy.faults().add(FaultConfig.httpStatus(500).withProbability(0));
            assertEquals(200, get(proxy, "/").statusCode());
            assertEquals(0, never.acted());
            proxy.faults().clear();

            proxy.faults().add(FaultConfig.httpStatus(503).withProbability(0.5));
            Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < 100 && seen.size() < 2; i++) {
                seen.add(get(proxy, "/").statusCode());
            }
            assertEquals(Set.of(200, 503), seen);
        }
    }

    // Faults in the YAML act from the start; a reload replaces them with the new file's, and
    // a fault added at run time stays.
    @Test
    void faultsFromYamlActFromTheStartAndReloadReplacesThem() throws Exception {
        try (HttpBackend backend = HttpBackend.start()) {
            String yaml = """
                    listeners: [ { address: 127.0.0.1:0 } ]
                    upstreams: { app: { servers: [ { url: %s } ] } }
                    routes: [ { match: { path: / }, upstream: app }, { match: { path: /down/ }, upstream: app } ]
                    faults:
                      - { name: down, route: /down/, type: http-status, status: 502 }
                    """.formatted(backend.uri());
            try (Sluice proxy = Sluice.startYaml(yaml)) {
                assertEquals(502, get(proxy, "/down/x").statusCode());
                assertEquals(200, get(proxy, "/up").statusCode());
                proxy.faults().add(FaultConfig.httpStatus(418).onRoute("/").named("teapot"));

                SluiceConfig next = ConfigLoader.parse(yaml.replace("status: 502", "status: 504"), "next", Map.of());
                proxy.reload(next);
                assertEquals(504, get(proxy, "/down/x").statusCode());
                assertEquals(418, get(proxy, "/up").statusCode());
                assertEquals(2, proxy.faults().list().size());
            }
        }
    }

    // A fault on a route that does not exist is refused, naming the routes there are.
    @Test
    void faultOnAnUnknownRouteIsRefused() throws Exception {
        try (HttpBackend backend = HttpBackend.start();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> proxy.faults().add(FaultConfig.refuse().onRoute("/nope/")));
            assertTrue(e.getMessage().contains("routes: /"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> {
                proxy.faults().add(FaultConfig.refuse().named("x").withProbability(0));
                proxy.faults().add(FaultConfig.refuse().named("x"));
            });
        }
    }

    private static HttpResponse<String> get(Sluice proxy, String path) throws IOException, InterruptedException {
        return HttpClients.HTTP_1_1.send(HttpRequest.newBuilder(proxy.uri("http", path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
