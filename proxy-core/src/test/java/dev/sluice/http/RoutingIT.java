package dev.sluice.http;

import dev.sluice.Sluice;
import dev.sluice.testing.DeadServer;
import dev.sluice.testing.HttpBackend;
import dev.sluice.testing.HttpBackendResponder;
import dev.sluice.testing.HttpClients;
import dev.sluice.testing.RawHttp;
import dev.sluice.testing.RawPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which upstream a request goes to, how its path is rewritten, and what the proxy answers itself. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RoutingIT {
    private static final HttpClient CLIENT = HttpClients.HTTP_1_1;

    // A route for the request's host beats any host-less route, then the longest matching path prefix wins.
    @Test
    void hostRouteBeatsGenericRouteAndLongestPrefixWins() throws Exception {
        try (HttpBackend generic = HttpBackend.start(HttpBackendResponder.text("generic"));
             HttpBackend statics = HttpBackend.start(HttpBackendResponder.text("static"));
             HttpBackend images = HttpBackend.start(HttpBackendResponder.text("images"));
             HttpBackend api = HttpBackend.start(HttpBackendResponder.text("api"));
             Sluice proxy = Sluice.builder()
                     .route("/", generic.uri())
                     .route("/static/", statics.uri())
                     .route("/static/images/", images.uri())
                     .route("api.example", "/", false, api.uri())
                     .start()) {

            assertEquals("api", answerFrom(proxy, "api.example", "/static/images/logo.png"), "host route, though a generic prefix is longer");
            assertEquals("api", answerFrom(proxy, "API.Example:8080", "/x"), "host match ignores case and port");
            assertEquals("images", answerFrom(proxy, "other.example", "/static/images/logo.png"));
            assertEquals("static", answerFrom(proxy, "other.example", "/static/site.css"));
            assertEquals("generic", answerFrom(proxy, "other.example", "/staticfile"));
            assertEquals("generic", answerFrom(proxy, "other.example", "/"));
        }
    }

    // With strip-prefix the matched prefix is cut off: /api/x?q=1 arrives as /x?q=1, and /api/ as /.
    @Test
    void stripPrefixForwardsTheRestOfThePath() throws Exception {
        try (HttpBackend backend = HttpBackend.start(HttpBackendResponder.echoUri());
             Sluice proxy = Sluice.builder().route(null, "/api/", true, backend.uri()).start()) {

            assertEquals("/x?q=1", send(proxy, "/api/x?q=1").body());
            assertEquals("/x?q=1", backend.takeRequest().uri());
            assertEquals("/", send(proxy, "/api/").body());
            assertEquals("/", backend.takeRequest().uri());
        }
    }

    // A request no route matches gets the proxy's own 404 naming host and path; no upstream is asked.
    @Test
    void requestWithoutRouteGetsNoRoute404() throws Exception {
        try (HttpBackend backend = HttpBackend.start();
             Sluice proxy = Sluice.builder().route("/api/", backend.uri()).start()) {
            HttpResponse<String> response = send(proxy, "/nowhere");

            assertEquals(404, response.statusCode());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
                    "Content-Type: " + response.headers().firstValue("Content-Type"));
            assertTrue(response.body().startsWith("no route for"), "body: " + response.body());
            assertTrue(response.body().contains("127.0.0.1") && response.body().contains("/nowhere"),
                    "body names host and path: " + response.body());
            assertBodyMentionsRequestId(response);
            assertEquals(List.of(), backend.drainRequests());
        }
    }

    // Paths that climb above / or hold an encoded '/', '\' or NUL are refused with a 400 that names
    // the problem; the upstream never sees them.
    @Test
    void pathsThatCannotBeForwardedSafelyGet400AndNeverReachTheUpstream() throws Exception {
        Map<String, String> targets = new LinkedHashMap<>();
        targets.put("/../x", "climbs above /");
        targets.put("/a/%2e%2e/%2e%2e/x", "climbs above /");
        targets.put("/a%2Fb", "encoded '/'");
        targets.put("/a%5Cb", "encoded '\\'");
        targets.put("/a%00b", "encoded NUL");
        try (HttpBackend backend = HttpBackend.start();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            for (Map.Entry<String, String> t : targets.entrySet()) {
                try (RawPeer client = RawPeer.connect(proxy.port())) {
                    RawHttp.Response response = client.write(
                            RawHttp.request("GET", t.getKey(), "Host: example.com", "Connection: close")).readResponse();
                    assertEquals(400, response.status(), t.getKey() + " -> " + response);
                    assertTrue(response.bodyText().startsWith("bad request path: ")
                            && response.bodyText().contains(t.getValue()), t.getKey() + " -> " + response);
                }
            }
            assertEquals(List.of(), backend.drainRequests());
        }
    }

    // A route for the IPv6 host [::1] matches Host: [::1]:port (Undertow hands routing the host without brackets).
    @Test
    void ipv6HostRouteMatchesBracketedHostHeader() throws Exception {
        try (HttpBackend generic = HttpBackend.start(HttpBackendResponder.text("generic"));
             HttpBackend v6 = HttpBackend.start(HttpBackendResponder.text("v6"));
             Sluice proxy = Sluice.builder()
                     .route("/", generic.uri())
                     .route("[::1]", "/", false, v6.uri())
                     .start()) {

            assertEquals("v6", answerFrom(proxy, "[::1]:" + proxy.port(), "/x"));
            assertEquals("v6", answerFrom(proxy, "[::1]", "/x"));
            assertEquals("generic", answerFrom(proxy, "[::2]:" + proxy.port(), "/x"));
        }
    }

    // An upstream that refuses connections gives a 502 text/plain that carries the request id.
    @Test
    void upstreamRefusingConnectionsGives502WithRequestId() throws Exception {
        URI deadServer = DeadServer.uri();
        try (Sluice proxy = Sluice.builder().route("/", deadServer).start()) {
            HttpResponse<String> response = send(proxy, "/down");

            assertEquals(502, response.statusCode());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
                    "Content-Type: " + response.headers().firstValue("Content-Type"));
            assertBodyMentionsRequestId(response);
        }
    }

    private static void assertBodyMentionsRequestId(HttpResponse<String> response) {
        String requestId = response.headers().firstValue("X-Request-Id").orElse(null);
        assertNotNull(requestId, "X-Request-Id on the error response");
        assertTrue(response.body().contains(requestId), "body '" + response.body() + "' mentions request id " + requestId);
    }

    private static HttpResponse<String> send(Sluice proxy, String target) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(proxy.uri("http", target)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The body of the answer to GET {@code target} sent with {@code Host: host}; fails unless 200. */
    private static String answerFrom(Sluice proxy, String host, String target) throws Exception {
        try (RawPeer client = RawPeer.connect(proxy.port())) {
            client.write(RawHttp.request("GET", target, "Host: " + host));
            RawHttp.Response response = client.readResponse();
            assertEquals(200, response.status(), "GET " + target + " Host: " + host + " -> " + response);
            return response.bodyText();
        }
    }
}
