package dev.sluice.tomcat;

import dev.sluice.Sluice;
import dev.sluice.testing.AdminClient;
import dev.sluice.testing.HttpClients;
import dev.sluice.testing.LogCapture;
import dev.sluice.testing.WsRecorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two Tomcats with jvmRoute node1 and node2 behind Sluice, as an operator runs a cluster: taking
 * one out for a deploy through the admin API, least-connections weighing open tunnels, sessions
 * kept in the URL, and a node that dies.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TomcatClusterIT {
    private static final HttpClient CLIENT = HttpClients.HTTP_1_1;
    private static final Duration EVENT_WAIT = Duration.ofSeconds(10);

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private TomcatNode node(String name, boolean cookies) {
        TomcatNode.Builder builder = TomcatNode.named(name).jvmRoute(name)
                .servlet("/", new SessionCounterServlet(name)).webSocket("/ws");
        TomcatNode node = (cookies ? builder : builder.withoutCookies()).start();
        open.add(node);
        return node;
    }

    private Sluice proxy(String balance, TomcatNode... nodes) throws Exception {
        StringBuilder servers = new StringBuilder();
        for (TomcatNode n : nodes) {
            servers.append("      - { url: ").append(n.httpUri()).append(", route: ").append(n.name()).append(" }\n");
        }
        Sluice proxy = Sluice.startYaml("""
                listeners: [ { address: 127.0.0.1:0 } ]
                admin: { address: 127.0.0.1:0 }
                access-log: off
                upstreams:
                  tomcat:
                    balance: %s
                    servers:
                %s
                routes: [ { match: { path: / }, upstream: tomcat } ]
                """.formatted(balance, servers));
        open.add(proxy);
        return proxy;
    }

    // Drain node2 under steady load: no request fails, new requests and node2's sessions go to
    // node1, node2's open tunnel keeps echoing until the deadline and then both peers get 1001;
    // enable brings node2 back.
    @Test
    void drainThroughTheAdminApiLosesNoRequestAndClosesTunnelsAtTheDeadline() throws Exception {
        TomcatNode node1 = node("node1", true);
        TomcatNode node2 = node("node2", true);
        Sluice proxy = proxy("round-robin", node1, node2);
        Visit onNode2 = visit(proxy, null, null);
        if (!onNode2.node().equals("node2")) {
            onNode2 = visit(proxy, null, null);
        }
        String node2Cookie = onNode2.cookie().orElseThrow();
        WsRecorder recorder = new WsRecorder();
        WebSocket tunnel = CLIENT.newWebSocketBuilder().header("Cookie", node2Cookie)
                .buildAsync(proxy.uri("ws", "/ws"), recorder).get(10, TimeUnit.SECONDS);
        assertEquals("node2 session=" + onNode2.session(), recorder.next(EVENT_WAIT).text());

        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        Thread load = new Thread(() -> {
            while (loading.get()) {
                try {
                    visit(proxy, null, null);
                    done.incrementAndGet();
                } catch (Exception | AssertionError e) {
                    failures.incrementAndGet();
                }
            }
        });
        load.start();
        await().until(() -> done.get() >= 20);

        HttpResponse<String> drained = AdminClient.post(proxy, "/upstreams/tomcat/servers/node2/drain", "{\"deadline\": \"2s\"}");
        assertEquals(200, drained.statusCode(), drained.body());
        assertTrue(drained.body().contains("\"state\":\"draining\""), drained.body());
        int before = done.get();
        await().until(() -> done.get() >= before + 20);
        for (int i = 0; i < 6; i++) {
            assertEquals("node1", visit(proxy, null, null).node(), "no new request reaches a draining server");
        }
        Visit moved = visit(proxy, node2Cookie, null);
        assertEquals("node1", moved.node(), "node2's session fails over");
        assertEquals(1, moved.count(), moved.toString());

        tunnel.sendText("still here", true).get(5, TimeUnit.SECONDS);
        assertEquals("still here", recorder.next(EVENT_WAIT).text(), "an open tunnel stays during the drain");
        assertEquals(1001, recorder.awaitClose(EVENT_WAIT).code(), "the deadline closes it with 1001");
        assertEquals(1001, node2.webSocketCloses().poll(10, TimeUnit.SECONDS).getCloseCode().getCode());

        loading.set(false);
        load.join();
        assertEquals(0, failures.get(), "failed requests during the drain");

        HttpResponse<String> enabled = AdminClient.post(proxy, "/upstreams/tomcat/servers/node2/enable", "");
        assertEquals(200, enabled.statusCode(), enabled.body());
        assertTrue(enabled.body().contains("\"state\":\"up\""), enabled.body());
        assertTrue(List.of(visit(proxy, null, null).node(), visit(proxy, null, null).node()).contains("node2"));
    }

    // Two tunnels held on node1 by its session: least-connections sends the next two new tunnels
    // to node2 (round-robin would give node1 one of them).
    @Test
    void leastConnectionsSendsNewTunnelsToTheServerWithFewer() throws Exception {
        TomcatNode node1 = node("node1", true);
        TomcatNode node2 = node("node2", true);
        Sluice proxy = proxy("least-connections", node1, node2);
        Visit session = visit(proxy, null, null);
        if (!session.node().equals("node1")) {
            session = visit(proxy, null, null);
        }
        List<WebSocket> held = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            WsRecorder r = new WsRecorder();
            held.add(CLIENT.newWebSocketBuilder().header("Cookie", session.cookie().orElseThrow())
                    .buildAsync(proxy.uri("ws", "/ws"), r).get(10, TimeUnit.SECONDS));
            assertTrue(r.next(EVENT_WAIT).text().startsWith("node1 "));
        }
        for (int i = 0; i < 2; i++) {
            WsRecorder r = new WsRecorder();
            held.add(CLIENT.newWebSocketBuilder().buildAsync(proxy.uri("ws", "/ws"), r).get(10, TimeUnit.SECONDS));
            assertEquals("node2 session=none", r.next(EVENT_WAIT).text(), "new tunnel " + (i + 1));
        }
        String upstreams = AdminClient.get(proxy, "/upstreams").body();
        assertTrue(upstreams.contains("\"name\":\"node1\"") && upstreams.contains("\"openTunnels\":2"), upstreams);
        for (WebSocket ws : held) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
        }
        await().until(() -> proxy.tunnels().open() == 0);
    }

    // A tunnel's end closes its upstream connection: that is no failure of the server, even when
    // the handshake was the connection's first request.
    @Test
    void tunnelsThatEndDoNotEjectTheirServer() throws Exception {
        TomcatNode node1 = node("node1", true);
        TomcatNode node2 = node("node2", true);
        Sluice proxy = proxy("round-robin", node1, node2);
        try (LogCapture log = LogCapture.start()) {
            for (int i = 0; i < 4; i++) {
                WsRecorder recorder = new WsRecorder();
                WebSocket ws = CLIENT.newWebSocketBuilder().buildAsync(proxy.uri("ws", "/ws"), recorder)
                        .get(10, TimeUnit.SECONDS);
                assertTrue(recorder.next(EVENT_WAIT).text().endsWith("session=none"));
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
                recorder.awaitClose(EVENT_WAIT);
            }
            await().until(() -> proxy.tunnels().open() == 0);
            String upstreams = AdminClient.get(proxy, "/upstreams").body();
            assertEquals(2, upstreams.split("\"state\":\"up\"", -1).length - 1, upstreams);
            assertTrue(log.lines().stream().noneMatch(l -> l.contains("SLU6003")), log.lines().toString());
        }
    }

    // Tomcat without cookies keeps the session in the URL (;jsessionid=ID.node2): such requests
    // stay on the session's node, as cookie requests do.
    @Test
    void aSessionInTheUrlStaysOnItsNode() throws Exception {
        node("node1", false);
        node("node2", false);
        Sluice proxy = proxy("round-robin", (TomcatNode) open.get(0), (TomcatNode) open.get(1));
        Visit first = visit(proxy, null, null);
        assertTrue(first.cookie().isEmpty(), "no cookie: " + first);
        for (int i = 2; i <= 7; i++) {
            Visit again = visit(proxy, null, "/;jsessionid=" + first.session());
            assertEquals(first.node(), again.node(), "request " + i);
            assertEquals(i, again.count(), "the same session: " + again);
        }
    }

    // A node that dies is ejected with one log line naming it and why; requests fail over, and
    // /upstreams and the metrics show it.
    @Test
    void aDeadNodeIsEjectedWithALogLineAndTrafficFailsOver() throws Exception {
        TomcatNode node1 = node("node1", true);
        TomcatNode node2 = node("node2", true);
        Sluice proxy = proxy("round-robin", node1, node2);
        visit(proxy, null, null);
        visit(proxy, null, null);
        int port = node2.port();
        try (LogCapture log = LogCapture.start()) {
            node2.close();
            for (int i = 0; i < 6; i++) {
                assertEquals("node1", visit(proxy, null, null).node());
            }
            String line = "SLU6003 server node2 (127.0.0.1:" + port + ") of upstream tomcat is ejected for 2 s: ";
            await().until(() -> log.lines().stream().anyMatch(l -> l.contains(line)));
            assertEquals(1, log.lines().stream().filter(l -> l.contains("SLU6003")).count(), log.lines().toString());
        }
        String upstreams = AdminClient.get(proxy, "/upstreams").body();
        assertTrue(upstreams.contains("\"state\":\"ejected\""), upstreams);
        String metrics = AdminClient.get(proxy, "/metrics").body();
        assertTrue(metrics.contains("sluice_upstream_server_up{server=\"node2\",upstream=\"tomcat\"} 0.0"), metrics);
        assertTrue(metrics.contains("sluice_upstream_server_connect_errors_total{server=\"node2\",upstream=\"tomcat\"} 1.0"),
                metrics);
    }


    private static Visit visit(Sluice proxy, String cookie, String path) throws Exception {
        return Visit.of(proxy, cookie, path);
    }
}
