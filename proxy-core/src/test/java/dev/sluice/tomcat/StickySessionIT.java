package dev.sluice.tomcat;

import dev.sluice.Sluice;
import dev.sluice.testing.HttpClients;
import dev.sluice.testing.WsRecorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two Tomcats with {@code jvmRoute} node1 and node2 behind one upstream whose servers carry
 * those routes: {@code JSESSIONID=ID.nodeN} keeps a client on node N, for HTTP and for a
 * WebSocket handshake, until node N goes away.
 */
class StickySessionIT {
    private static final HttpClient CLIENT = HttpClients.HTTP_1_1;
    private static final Duration EVENT_WAIT = Duration.ofSeconds(5);

    private TomcatNode node1;
    private TomcatNode node2;
    private Sluice proxy;

    @BeforeEach
    void start() {
        node1 = node("node1");
        node2 = node("node2");
        proxy = TomcatProxy.inFrontOf(node1, node2);
    }

    @AfterEach
    void stop() {
        try (TomcatNode a = node1; TomcatNode b = node2; Sluice p = proxy) {
            // closed in reverse order: the proxy first, then the nodes
        }
    }

    private static TomcatNode node(String name) {
        return TomcatNode.named(name).jvmRoute(name)
                .servlet("/", new SessionCounterServlet(name))
                .webSocket("/ws")
                .start();
    }

    // Proves the cookie's route suffix is the node that created the session, for either node.
    @Test
    void firstRequestsWithoutCookie_areSpreadAndEachGetsACookieEndingInItsNodesRoute() throws Exception {
        Visit a = visit(null);
        Visit b = visit(null);

        assertNotEquals(a.node(), b.node(), "round-robin without a cookie: " + a + " / " + b);
        for (Visit v : new Visit[] {a, b}) {
            assertEquals(1, v.count(), v.toString());
            assertTrue(v.cookie().orElseThrow().matches("JSESSIONID=[0-9A-F]+\\." + v.node()), v.toString());
            assertEquals("JSESSIONID=" + v.session(), v.cookie().orElseThrow());
        }
    }

    // Proves ten requests with the cookie stay on the session's node (round-robin would alternate).
    @Test
    void tenRequestsWithTheCookie_allReachTheSessionsNodeAndItsCounterIncrements() throws Exception {
        Visit first = visit(null);
        String cookie = first.cookie().orElseThrow();

        for (int i = 2; i <= 11; i++) {
            Visit next = visit(cookie);
            assertEquals(first.node(), next.node(), "request " + i + ": " + next);
            assertEquals(i, next.count(), "request " + i + ": " + next);
            assertEquals(first.session(), next.session(), "request " + i + ": " + next);
            assertTrue(next.cookie().isEmpty(), "no new session expected: " + next);
        }
    }

    // Proves a WebSocket handshake is routed by the cookie too, and lands in that node's HttpSession.
    @Test
    void webSocketHandshakeWithTheCookie_reachesTheSessionsNodeEndpoint() throws Exception {
        Visit a = visit(null);
        Visit b = visit(null); // round-robin: the other node, so both routes are exercised

        for (Visit v : new Visit[] {a, b, a, b}) {
            WsRecorder recorder = new WsRecorder();
            WebSocket ws = CLIENT.newWebSocketBuilder()
                    .header("Cookie", v.cookie().orElseThrow())
                    .connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(proxy.uri("ws", "/ws"), recorder)
                    .get(10, TimeUnit.SECONDS);
            assertEquals(v.node() + " session=" + v.session(), recorder.next(EVENT_WAIT).text(),
                    "handshake with the cookie of " + v);
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
            assertEquals(new WsRecorder.Close(WebSocket.NORMAL_CLOSURE, ""), recorder.awaitClose(EVENT_WAIT));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.tunnels().open() == 0);
    }

    // Proves a stopped node's sessions fail over: 200 and a new session on the other node, not an error.
    @Test
    void sessionsNodeStopped_requestWithItsCookieFailsOverToTheOtherNodeWithANewSession() throws Exception {
        Visit first = visit(null);
        String cookie = first.cookie().orElseThrow();
        assertEquals(2, visit(cookie).count()); // a pooled keep-alive connection to the node now exists
        TomcatNode owner = first.node().equals("node1") ? node1 : node2;
        TomcatNode survivor = owner == node1 ? node2 : node1;

        owner.close();
        Visit failedOver = visit(cookie);

        assertEquals(survivor.name(), failedOver.node(), failedOver.toString());
        assertEquals(1, failedOver.count(), "a new session: " + failedOver);
        assertTrue(failedOver.cookie().orElseThrow().endsWith("." + survivor.name()), failedOver.toString());
        Visit after = visit(failedOver.cookie().orElseThrow());
        assertEquals(survivor.name(), after.node(), after.toString());
        assertEquals(2, after.count(), "the new session is kept: " + after);
    }

    private Visit visit(String cookie) throws Exception {
        return Visit.of(proxy, cookie, null);
    }
}
