package dev.sluice.upstream;

import dev.sluice.Sluice;
import dev.sluice.config.Balance;
import dev.sluice.config.HealthCheckConfig;
import dev.sluice.config.RouteConfig;
import dev.sluice.config.ServerConfig;
import dev.sluice.config.UpstreamConfig;
import dev.sluice.runtime.HostResolver;
import dev.sluice.testing.HttpBackend;
import dev.sluice.testing.HttpBackendRequest;
import dev.sluice.testing.HttpBackendResponder;
import dev.sluice.testing.HttpClients;
import dev.sluice.testing.LogCapture;
import dev.sluice.testing.WsEchoBackend;
import dev.sluice.testing.WsRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code resolve-interval}: a name with several addresses is one server per address, as a
 * Kubernetes headless Service gives them. A test resolver stands in for DNS, naming 127.0.0.1
 * and 127.0.0.2 (both this machine on Linux), where backends listen on one port.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DnsUpstreamIT {
    private static final String NAME = "app.test";
    private static final InetAddress ONE = address(1);
    private static final InetAddress TWO = address(2);

    /** What the name resolves to now: addresses, or the exception a lookup throws. */
    private final AtomicReference<Object> dns = new AtomicReference<>(new InetAddress[] {ONE, TWO});
    private final AtomicInteger lookups = new AtomicInteger();
    private final List<String> hostsAsked = new CopyOnWriteArrayList<>();
    private final HostResolver resolver = host -> {
        hostsAsked.add(host);
        lookups.incrementAndGet();
        Object answer = NAME.equals(host) ? dns.get() : new UnknownHostException(host);
        if (answer instanceof UnknownHostException e) {
            throw e;
        }
        return (InetAddress[]) answer;
    };

    // Both addresses are servers: requests alternate, /upstreams lists both by host@address:port;
    // an IP-literal server beside them is one server, never looked up.
    @Test
    void aNameWithTwoAddressesIsTwoServers() throws Exception {
        try (HttpBackend a = HttpBackend.start(HttpBackendResponder.text("a"));
             HttpBackend b = HttpBackend.startOn("127.0.0.2", a.port(), HttpBackendResponder.text("b"));
             Sluice proxy = start(a.port(), null)) {
            assertEquals(Map.of("a", 2, "b", 2), answers(proxy, 4));
            String upstreams = admin(proxy, "/upstreams");
            assertTrue(upstreams.contains("\"name\":\"app.test@127.0.0.1:" + a.port() + "\",\"url\":\"http://app.test:"
                    + a.port() + "\",\"route\":null,\"weight\":1,\"backup\":false,\"state\":\"up\""), upstreams);
            assertTrue(upstreams.contains("\"name\":\"app.test@127.0.0.2:" + a.port() + "\""), upstreams);
            assertEquals(List.of(NAME), hostsAsked.stream().distinct().toList());
            assertTrue(proxy.metrics().scrape().contains("server=\"app.test@127.0.0.2:" + a.port() + "\""));
        }
    }

    // The name loses 127.0.0.2: it takes no new request or handshake, its open tunnel keeps
    // echoing, and once that closes the server is dropped. Back in the name, it joins again.
    @Test
    void aRemovedAddressDrainsItsTunnelsAndIsDroppedThenJoinsAgain() throws Exception {
        try (WsEchoBackend one = WsEchoBackend.startOn("127.0.0.1", 0);
             WsEchoBackend two = WsEchoBackend.startOn("127.0.0.2", one.port());
             LogCapture log = LogCapture.start();
             Sluice proxy = start(one.port(), null)) {
            String leaving = "app.test@127.0.0.2:" + one.port();
            List<WebSocket> sockets = new ArrayList<>();
            List<WsRecorder> recorders = new ArrayList<>();
            for (int i = 0; i < 2; i++) { // round-robin: one tunnel to each
                WsRecorder recorder = new WsRecorder();
                recorders.add(recorder);
                sockets.add(WsRecorder.connect(HttpClients.HTTP_1_1, proxy.uri("ws", "/ws"), recorder));
            }
            assertEquals(1, two.handshakes());
            Server removed = server(proxy, leaving);
            assertEquals(1, removed.openTunnels());
            for (int i = 0; i < 2; i++) {
                sockets.get(i).sendText("which " + i, true).get(5, TimeUnit.SECONDS);
                assertEquals("which " + i, recorders.get(i).next(Duration.ofSeconds(5)).text());
            }

            dns.set(new InetAddress[] {ONE});
            await().until(() -> log.lines().stream().anyMatch(l -> l.contains("SLU6012 server " + leaving)
                    && l.contains("app.test no longer resolves to it") && l.contains("its 1 open tunnel stays")));
            assertEquals(ServerState.REMOVED, removed.state());
            for (int i = 0; i < 4; i++) {
                WsRecorder recorder = new WsRecorder();
                WebSocket ws = WsRecorder.connect(HttpClients.HTTP_1_1, proxy.uri("ws", "/ws"), recorder);
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
                recorder.awaitClose(Duration.ofSeconds(5));
            }
            assertEquals(1, two.handshakes(), "no new handshake went to the removed address");
            for (int i = 0; i < 2; i++) {
                sockets.get(i).sendText("still " + i, true).get(5, TimeUnit.SECONDS);
                assertEquals("still " + i, recorders.get(i).next(Duration.ofSeconds(5)).text(), "every tunnel stays");
            }
            assertTrue(admin(proxy, "/upstreams").contains("\"name\":\"" + leaving + "\",\"url\":\"http://app.test:"
                    + one.port() + "\",\"route\":null,\"weight\":1,\"backup\":false,\"state\":\"removed\""));

            sockets.forEach(ws -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "").join());
            await().until(() -> !admin(proxy, "/upstreams").contains(leaving));
            assertEquals(1, proxy.upstreamServers().get("app").size());
            assertTrue(log.lines().stream().anyMatch(l -> l.contains("SLU6013 server " + leaving)), log.lines().toString());
            await().until(() -> !proxy.metrics().scrape().contains("server=\"" + leaving + "\""));

            dns.set(new InetAddress[] {ONE, TWO});
            await().until(() -> log.lines().stream().anyMatch(l -> l.contains("SLU6011 server " + leaving + " (app.test:"
                    + one.port() + ") of upstream app joins: app.test resolves to it now")));
            for (int i = 0; i < 2; i++) {
                WsRecorder recorder = new WsRecorder();
                WebSocket ws = WsRecorder.connect(HttpClients.HTTP_1_1, proxy.uri("ws", "/ws"), recorder);
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
            }
            assertEquals(2, two.handshakes(), "the address back in the name takes handshakes again");
        }
    }

    // An address the name gains later joins, is health-checked, and gets traffic.
    @Test
    void anAddressAddedLaterGetsTrafficAndChecks() throws Exception {
        dns.set(new InetAddress[] {ONE});
        try (HttpBackend a = HttpBackend.start(HttpBackendResponder.text("a"));
             HttpBackend b = HttpBackend.startOn("127.0.0.2", a.port(), (request, reply) ->
                     reply.status(200).send(request.uri().startsWith("/health") ? "ok" : "b"));
             Sluice proxy = start(a.port(), new HealthCheckConfig("/health", null, Duration.ofMillis(100),
                     Duration.ofSeconds(2), 1, 1))) {
            assertEquals(Map.of("a", 2), answers(proxy, 2));
            dns.set(new InetAddress[] {ONE, TWO});
            await().until(() -> proxy.upstreamServers().get("app").size() == 2);
            HttpBackendRequest check = await().until(() -> b.drainRequests().stream()
                    .filter(r -> r.uri().equals("/health")).findFirst(), java.util.Optional::isPresent).orElseThrow();
            assertEquals("app.test:" + a.port(), check.header("Host"));
            Map<String, Integer> answers = answers(proxy, 4);
            assertEquals(2, answers.get("b"), answers.toString());
        }
    }

    // A lookup that fails keeps the servers the name had, with one WARN however often it fails,
    // and one line when it works again.
    @Test
    void aFailingLookupKeepsTheServersAndWarnsOnce() throws Exception {
        try (HttpBackend a = HttpBackend.start(HttpBackendResponder.text("a"));
             HttpBackend b = HttpBackend.startOn("127.0.0.2", a.port(), HttpBackendResponder.text("b"));
             LogCapture log = LogCapture.start();
             Sluice proxy = start(a.port(), null)) {
            dns.set(new UnknownHostException(NAME + ": Name or service not known"));
            int before = lookups.get();
            await().until(() -> lookups.get() >= before + 3);
            List<String> warnings = log.lines().stream().filter(l -> l.contains("WARN") && l.contains("SLU6014")).toList();
            assertEquals(1, warnings.size(), log.lines().toString());
            assertTrue(warnings.get(0).contains("cannot resolve app.test of upstream app (unknown host: app.test: Name or"
                    + " service not known): its 2 last known addresses stay its servers"), warnings.get(0));
            assertEquals(Map.of("a", 2, "b", 2), answers(proxy, 4));

            dns.set(new InetAddress[] {ONE, TWO});
            await().until(() -> log.lines().stream().anyMatch(l -> l.contains("SLU6015 app.test of upstream app resolves again")));
            assertEquals(2, proxy.upstreamServers().get("app").size());
        }
    }

    private Sluice start(int port, HealthCheckConfig healthCheck) {
        UpstreamConfig app = new UpstreamConfig("app", List.of(new ServerConfig(URI.create("http://" + NAME + ":" + port), null)),
                null, UpstreamConfig.DEFAULT_STICKY_COOKIE, UpstreamConfig.DEFAULT_CONNECT_TIMEOUT,
                UpstreamConfig.DEFAULT_RESPONSE_TIMEOUT, UpstreamConfig.DEFAULT_MAX_CONNECTIONS_PER_SERVER,
                Balance.ROUND_ROBIN, healthCheck, Duration.ofSeconds(1), null);
        return Sluice.builder().admin("127.0.0.1", 0).upstream(app).route(RouteConfig.of("/", "app"))
                .hostResolver(resolver).start();
    }

    private static Server server(Sluice proxy, String name) {
        return proxy.upstreamServers().get("app").stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private static Map<String, Integer> answers(Sluice proxy, int n) throws Exception {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            HttpResponse<String> response = HttpClients.HTTP_1_1.send(HttpRequest.newBuilder(proxy.uri("http", "/"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            counts.merge(response.body(), 1, Integer::sum);
        }
        return counts;
    }

    private static String admin(Sluice proxy, String path) throws Exception {
        return HttpClients.HTTP_1_1.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + proxy.adminAddress().getPort() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static InetAddress address(int last) {
        try {
            return InetAddress.getByAddress(NAME, new byte[] {127, 0, 0, (byte) last});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
