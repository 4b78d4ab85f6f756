package dev.sluice.http;

import dev.sluice.Sluice;
import dev.sluice.config.RouteConfig;
import dev.sluice.config.ServerConfig;
import dev.sluice.config.UpstreamConfig;
import dev.sluice.config.WebSocketConfig;
import dev.sluice.testing.Curl;
import dev.sluice.testing.HttpBackend;
import dev.sluice.testing.HttpBackendReply;
import dev.sluice.testing.HttpBackendRequest;
import dev.sluice.testing.RawHttp;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.WsWire;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An app that knows nothing of the prefix it is mounted under, behind {@code strip-prefix}: the
 * URLs it writes in Location, Content-Location and Refresh reach the client with the prefix
 * back, and with {@code rewrite-cookie-path} so do its cookies' paths. Routes without
 * strip-prefix pass them as written.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StripPrefixAnswersIT {
    private HttpBackend app;

    @BeforeEach
    void startApp() {
        app = HttpBackend.start();
        URI self = app.uri();
        app.respondWith((request, reply) -> answer(request, reply, self));
    }

    @AfterEach
    void stopApp() {
        app.close();
    }

    /** The app: a directory redirect at /sub, and a redirect of each kind of URL at the other paths. */
    private static void answer(HttpBackendRequest request, HttpBackendReply reply, URI self) throws IOException {
        String host = request.header("Host");
        String location = switch (request.uri()) {
            case "/sub" -> "/sub/";
            case "/site" -> "http://" + host + "/sub/?from=site";
            case "/https" -> "https://" + host.replaceFirst(":\\d+$", "") + "/login";
            case "/self" -> self + "/sub/";
            case "/other" -> "https://cdn.example/sub/";
            case "/relative" -> "sub/";
            default -> null;
        };
        if (location == null) {
            reply.header("Content-Type", "text/plain").send("page " + request.uri());
            return;
        }
        reply.status(302).header("Location", location)
                .header("Content-Location", "/sub/index.html")
                .header("Refresh", "5; url=/sub/")
                .header("Set-Cookie", "a=1; Path=/")
                .header("Set-Cookie", "b=2; Path=/account; HttpOnly")
                .header("Set-Cookie", "c=3")
                .send("moved");
    }

    private Sluice proxyWith(RouteConfig route) {
        return Sluice.builder().upstream(UpstreamConfig.of("app", List.of(new ServerConfig(app.uri(), null))))
                .route(route).start();
    }

    private static RouteConfig route(String path, boolean stripPrefix, boolean rewriteCookiePath) {
        return new RouteConfig(path, null, "app", stripPrefix, rewriteCookiePath, WebSocketConfig.DEFAULTS, null);
    }

    private static RawHttp.Response get(Sluice proxy, String target) throws IOException {
        return get(proxy, target, "example.com:8080");
    }

    private static RawHttp.Response get(Sluice proxy, String target, String host) throws IOException {
        try (RawPeer client = RawPeer.connect(proxy.port())) {
            return client.write(RawHttp.request("GET", target, "Host: " + host)).readResponse();
        }
    }

    // The directory redirect of an app mounted at /static/: /static/sub is told /static/sub/, not /sub/.
    @Test
    void locationContentLocationRefreshAndCookiePathsGetThePrefixBack() throws Exception {
        try (Sluice proxy = proxyWith(route("/static/", true, true))) {
            RawHttp.Response moved = get(proxy, "/static/sub");

            assertEquals("/sub", app.takeRequest().uri(), "the app saw the stripped path");
            assertEquals(302, moved.status(), moved.toString());
            assertEquals("/static/sub/", moved.header("Location"));
            assertEquals("/static/sub/index.html", moved.header("Content-Location"));
            assertEquals("5; url=/static/sub/", moved.header("Refresh"));
            assertEquals(List.of("a=1; Path=/static/", "b=2; Path=/static/account; HttpOnly", "c=3"),
                    moved.headers("Set-Cookie"), "a cookie without Path is scoped by the browser already");
            assertEquals("moved", moved.bodyText());
        }
    }

    // Absolute URLs: on the site the client asked for (the Host the app was sent; a port that is
    // the scheme's default counts as none) they keep scheme and host, on the app's own address
    // they become a path on the client's site, others (another host or port) stay.
    @Test
    void absoluteUrlsOnTheClientsSiteOrTheAppsAddressGetThePrefixBack() throws Exception {
        try (Sluice proxy = proxyWith(route("/static/", true, false))) {
            assertEquals("http://example.com:8080/static/sub/?from=site", get(proxy, "/static/site").header("Location"));
            assertEquals("https://example.com/static/login", get(proxy, "/static/https", "example.com").header("Location"));
            assertEquals("https://example.com/login", get(proxy, "/static/https").header("Location"),
                    "port 443 is another site than the client's example.com:8080");
            assertEquals("/static/sub/", get(proxy, "/static/self").header("Location"));
            assertEquals("https://cdn.example/sub/", get(proxy, "/static/other").header("Location"));
            assertEquals("sub/", get(proxy, "/static/relative").header("Location"));
        }
    }

    // Without rewrite-cookie-path the cookies keep their paths, while Location still gets the prefix.
    @Test
    void cookiePathsChangeOnlyWhenAskedFor() throws Exception {
        try (Sluice proxy = proxyWith(route("/static/", true, false))) {
            RawHttp.Response moved = get(proxy, "/static/sub");

            assertEquals("/static/sub/", moved.header("Location"));
            assertEquals(List.of("a=1; Path=/", "b=2; Path=/account; HttpOnly", "c=3"), moved.headers("Set-Cookie"));
        }
    }

    // Route /static (no slash) strips /static/sub to /sub and /static to /: /sub/ comes back as
    // /static/sub/, and Path=/ as /static, which the browser sends to /static and below.
    @Test
    void aPrefixWithoutSlashIsPutBackAsStripPrefixTookIt() throws Exception {
        try (Sluice proxy = proxyWith(route("/static", true, true))) {
            RawHttp.Response moved = get(proxy, "/static/sub");

            assertEquals("/sub", app.takeRequest().uri());
            assertEquals("/static/sub/", moved.header("Location"));
            assertEquals(List.of("a=1; Path=/static", "b=2; Path=/static/account; HttpOnly", "c=3"),
                    moved.headers("Set-Cookie"));
        }
    }

    // A route that strips nothing passes the answer's headers exactly as the app wrote them.
    @Test
    void withoutStripPrefixNothingChanges() throws Exception {
        try (Sluice proxy = proxyWith(route("/", false, false))) {
            RawHttp.Response moved = get(proxy, "/sub");

            assertEquals("/sub/", moved.header("Location"));
            assertEquals("/sub/index.html", moved.header("Content-Location"));
            assertEquals("5; url=/sub/", moved.header("Refresh"));
            assertEquals(List.of("a=1; Path=/", "b=2; Path=/account; HttpOnly", "c=3"), moved.headers("Set-Cookie"));
        }
    }

    // An HTTP/2 client gets the same answer.
    @Test
    void anHttp2ClientGetsThePrefixBackToo() throws Exception {
        assumeTrue(Curl.available(), "curl with HTTP/2 is not installed");
        try (Sluice proxy = Sluice.builder()
                .upstream(UpstreamConfig.of("app", List.of(new ServerConfig(app.uri(), null))))
                .route(route("/static/", true, true)).http2(true).start()) {
            Curl.Result result = Curl.run("--http2-prior-knowledge", "--dump-header", "-", "--output", "/dev/null",
                    "http://127.0.0.1:" + proxy.port() + "/static/sub");

            assertEquals(0, result.exit(), result.err());
            String head = result.out().toLowerCase(Locale.ROOT);
            assertTrue(head.startsWith("http/2 302"), result.out());
            assertTrue(head.contains("\nlocation: /static/sub/\r\n"), result.out());
            assertTrue(head.contains("\nset-cookie: a=1; path=/static/\r\n"), result.out());
        }
    }

    // A WebSocket handshake the app answers with a redirect (to a login page, say) is relayed as
    // HTTP with the prefix back, as any other answer.
    @Test
    void aHandshakeAnsweredWithARedirectGetsThePrefixBack() throws Exception {
        try (Sluice proxy = proxyWith(route("/static/", true, true))) {
            WsWire.Answer answer = WsWire.open(proxy.port(), "/static/sub");
            try (RawPeer ignored = answer.peer()) {
                assertEquals(302, answer.status(), answer.head().text());
                assertEquals("/static/sub/", answer.head().header("Location"));
                assertEquals("a=1; Path=/static/", answer.head().header("Set-Cookie"));
            }
        }
    }
}
