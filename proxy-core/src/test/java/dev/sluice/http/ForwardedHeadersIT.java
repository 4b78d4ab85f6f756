package dev.sluice.http;

import dev.sluice.Sluice;
import dev.sluice.testing.HttpBackend;
import dev.sluice.testing.HttpBackendRequest;
import dev.sluice.testing.HttpClients;
import dev.sluice.testing.RawHttp;
import dev.sluice.testing.RawPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the proxy adds, replaces and removes in headers on the way to the backend and back. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ForwardedHeadersIT {
    private static final HttpClient CLIENT = HttpClients.HTTP_1_1;

    private static final List<String> SPOOFED_NAMES = List.of("Forwarded", "X-Real-IP", "X-Forwarded-Prefix",
            "X-Forwarded-Ssl", "X-Forwarded-Scheme", "True-Client-IP");
    private static final String SPOOFED = String.join("\r\n",
            "Forwarded: for=6.6.6.6;proto=https", "X-Real-IP: 6.6.6.6", "X-Forwarded-Prefix: /admin",
            "X-Forwarded-Server: spoof.example", "X-Forwarded-Ssl: on", "X-Forwarded-Scheme: https",
            "True-Client-IP: 6.6.6.6");

    private final HttpBackend backend = HttpBackend.start();

    @AfterEach
    void stopBackend() {
        backend.close();
    }

    // The backend learns the client's address, scheme, host and port, and sees the client's Host unchanged.
    @Test
    void forwardedHeadersDescribeTheClientAndHostIsPreserved() throws Exception {
        try (Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            HttpBackendRequest seen = forwardedOk(proxy, RawHttp.request("GET", "/who", "Host: shop.example"));

            assertEquals(List.of("shop.example"), seen.headerLines("Host"));
            assertForwardedHeadersDescribeTheDirectClient(seen, proxy);
        }
    }

    // Connection, the headers it names, Keep-Alive, TE, Proxy-Connection and Upgrade stop at the proxy; other headers pass.
    @Test
    void hopByHopRequestHeadersDoNotReachTheBackend() throws Exception {
        try (Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            HttpBackendRequest seen = forwardedOk(proxy, RawHttp.request("GET", "/hop",
                    "Host: 127.0.0.1:" + proxy.port(),
                    "Connection: keep-alive, X-Hop",
                    "X-Hop: 1",
                    "Keep-Alive: 5",
                    "TE: trailers",
                    "Proxy-Connection: x",
                    "Upgrade: h2c",
                    "X-Ordinary: kept"));

            assertEquals(List.of("kept"), seen.headerLines("X-Ordinary"));
            for (String hop : List.of("X-Hop", "Keep-Alive", "TE", "Proxy-Connection", "Upgrade")) {
                assertFalse(seen.hasHeader(hop), hop + " reached the backend: " + seen.headerLines(hop));
            }
            assertFalse(tokens(seen.headerLines("Connection")).contains("x-hop"),
                    "Connection at the backend still names X-Hop: " + seen.headerLines("Connection"));
        }
    }

    // An h2c upgrade request is served as plain HTTP/1.1: no 101, and Upgrade/HTTP2-Settings are not forwarded.
    @Test
    void h2cUpgradeIsStrippedAndServedAsPlainHttp() throws Exception {
        try (Sluice proxy = Sluice.builder().route("/", backend.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            String host = "Host: 127.0.0.1:" + proxy.port();
            client.write(RawHttp.request("GET", "/h2c", host,
                    "Connection: Upgrade, HTTP2-Settings",
                    "Upgrade: h2c",
                    "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA"));
            RawHttp.Response response = client.readResponse();
            client.write(RawHttp.request("GET", "/next", host));
            RawHttp.Response next = client.readResponse();

            assertEquals(200, response.status());
            assertEquals("ok", response.bodyText());
            assertEquals(200, next.status(), "the connection stays HTTP/1.1 after the refused upgrade");
            HttpBackendRequest seen = backend.takeRequest();
            assertFalse(seen.hasHeader("Upgrade"), "Upgrade reached the backend: " + seen.headerLines("Upgrade"));
            assertFalse(seen.hasHeader("HTTP2-Settings"), "HTTP2-Settings reached the backend");
            List<String> connection = tokens(seen.headerLines("Connection"));
            assertFalse(connection.contains("upgrade") || connection.contains("http2-settings"),
                    "Connection at the backend: " + seen.headerLines("Connection"));
        }
    }

    // Connection, the headers it names and Keep-Alive from the backend do not reach the client; other headers do.
    @Test
    void hopByHopResponseHeadersDoNotReachTheClient() throws Exception {
        backend.respondWith((request, reply) -> reply
                .header("Connection", "X-Resp-Hop")
                .header("X-Resp-Hop", "1")
                .header("Keep-Alive", "timeout=5")
                .header("X-Resp-Ordinary", "kept")
                .send("ok"));
        RawHttp.Response direct;
        try (RawPeer client = RawPeer.connect(backend.port())) {
            client.write(RawHttp.request("GET", "/direct", "Host: 127.0.0.1:" + backend.port()));
            direct = client.readResponse();
        }
        assertTrue(direct.has("X-Resp-Hop") && direct.has("Keep-Alive"),
                "the backend itself must send the hop-by-hop headers, or this test proves nothing: " + direct);

        try (Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            RawHttp.Response response = exchange(proxy, RawHttp.request("GET", "/hop", "Host: 127.0.0.1:" + proxy.port()));

            assertEquals(200, response.status());
            assertEquals("kept", response.header("X-Resp-Ordinary"));
            assertFalse(response.has("X-Resp-Hop"), "X-Resp-Hop reached the client: " + response);
            assertFalse(response.has("Keep-Alive"), "Keep-Alive reached the client: " + response);
            assertFalse(tokens(response.headers("Connection")).contains("x-resp-hop"),
                    "Connection at the client still names X-Resp-Hop: " + response);
        }
    }

    // An untrusted client cannot spoof its address, host, scheme or port: the proxy replaces its X-Forwarded-*.
    @Test
    void untrustedClientsForwardedHeadersAreReplaced() throws Exception {
        try (Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            HttpBackendRequest seen = forwardedOk(proxy, RawHttp.request("GET", "/spoof",
                    "Host: shop.example",
                    "X-Forwarded-For: 6.6.6.6",
                    "X-Forwarded-Host: spoof.example",
                    "X-Forwarded-Proto: https",
                    "X-Forwarded-Port: 443"));

            assertForwardedHeadersDescribeTheDirectClient(seen, proxy);
        }
    }

    // The other ways to claim an address, scheme, host or prefix (Forwarded, X-Real-IP,
    // X-Forwarded-Prefix/-Server/-Ssl, ...) are dropped from an untrusted client: Spring and
    // Tomcat apps read them.
    @Test
    void untrustedClientsOtherForwardingHeadersAreDropped() throws Exception {
        try (Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            HttpBackendRequest seen = forwardedOk(proxy, RawHttp.request("GET", "/spoof",
                    "Host: shop.example", SPOOFED));

            for (String header : SPOOFED_NAMES) {
                assertFalse(seen.hasHeader(header), header + " reached the backend: " + seen.headerLines(header));
            }
            // Undertow's proxy writes its own X-Forwarded-Server (the Host asked for); the client's is gone.
            assertEquals(List.of("shop.example"), seen.headerLines("X-Forwarded-Server"));
            assertForwardedHeadersDescribeTheDirectClient(seen, proxy);
        }
    }

    // From a trusted proxy the same headers pass unchanged (it is the one who set them).
    @Test
    void trustedPeersOtherForwardingHeadersPass() throws Exception {
        try (Sluice proxy = Sluice.builder().trustedProxies("127.0.0.1/32").route("/", backend.uri()).start()) {
            HttpBackendRequest seen = forwardedOk(proxy, RawHttp.request("GET", "/trusted",
                    "Host: shop.example", SPOOFED));

            assertEquals(List.of("for=6.6.6.6;proto=https"), seen.headerLines("Forwarded"));
            assertEquals(List.of("6.6.6.6"), seen.headerLines("X-Real-IP"));
            assertEquals(List.of("/admin"), seen.headerLines("X-Forwarded-Prefix"));
        }
    }

    // Connection may name headers to drop, but not the ones the proxy sets: Host, X-Request-Id,
    // X-Forwarded-* and Content-Length reach the backend all the same (X-Hop is dropped).
    @Test
    void connectionHeaderCannotStripHeadersTheProxySets() throws Exception {
        try (Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            HttpBackendRequest seen = forwardedOk(proxy, RawHttp.request("POST", "/strip",
                    "Host: shop.example",
                    "Connection: X-Request-Id, X-Forwarded-For, X-Forwarded-Proto, Host, Content-Length, X-Hop",
                    "X-Request-Id: keep-me",
                    "X-Hop: 1",
                    "Content-Length: 5") + "hello");

            assertEquals(List.of("keep-me"), seen.headerLines("X-Request-Id"));
            assertForwardedHeadersDescribeTheDirectClient(seen, proxy);
            assertEquals(List.of("5"), seen.headerLines("Content-Length"));
            assertEquals("hello", seen.bodyText());
            assertFalse(seen.hasHeader("X-Hop"), "X-Hop is still hop-by-hop");
        }
    }

    // A trusted peer's X-Forwarded-For is kept and the peer's own address appended.
    @Test
    void trustedPeersForwardedForIsAppendedTo() throws Exception {
        try (Sluice proxy = Sluice.builder().trustedProxies("127.0.0.1/32").route("/", backend.uri()).start()) {
            HttpBackendRequest seen = forwardedOk(proxy, RawHttp.request("GET", "/chain",
                    "Host: shop.example", "X-Forwarded-For: 6.6.6.6"));

            assertEquals(List.of("6.6.6.6", "127.0.0.1"), seen.headerList("X-Forwarded-For"));
        }
    }

    // DESIGN.md: incoming X-Forwarded-Proto/-Host/-Port are kept from trusted proxies (e.g. a TLS terminator in front).
    @Test
    void trustedPeersForwardedProtoHostAndPortAreKept() throws Exception {
        try (Sluice proxy = Sluice.builder().trustedProxies("127.0.0.1/32").route("/", backend.uri()).start()) {
            HttpBackendRequest seen = forwardedOk(proxy, RawHttp.request("GET", "/tls",
                    "Host: internal.example",
                    "X-Forwarded-Proto: https",
                    "X-Forwarded-Host: public.example",
                    "X-Forwarded-Port: 443"));

            assertEquals(List.of("https"), seen.headerList("X-Forwarded-Proto"));
            assertEquals(List.of("public.example"), seen.headerList("X-Forwarded-Host"));
            assertEquals(List.of("443"), seen.headerList("X-Forwarded-Port"));
        }
    }

    // Without an X-Request-Id the proxy makes one, and the backend and the client see the same id.
    @Test
    void requestIdIsGeneratedWhenAbsentAndReturned() throws Exception {
        try (Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(proxy.uri("http", "/id"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());

            assertEquals(200, response.statusCode());
            List<String> atBackend = backend.takeRequest().headerLines("X-Request-Id");
            assertEquals(1, atBackend.size(), "X-Request-Id lines at the backend: " + atBackend);
            assertFalse(atBackend.get(0).isBlank());
            assertEquals(atBackend, response.headers().allValues("X-Request-Id"));
        }
    }

    // A client's own X-Request-Id is forwarded and returned unchanged.
    @Test
    void requestIdSentByClientIsKept() throws Exception {
        try (Sluice proxy = Sluice.builder().route("/", backend.uri()).start()) {
            HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(proxy.uri("http", "/id"))
                    .timeout(Duration.ofSeconds(10)).header("X-Request-Id", "client-id-42").build(),
                    HttpResponse.BodyHandlers.ofString());

            assertEquals(200, response.statusCode());
            assertEquals(List.of("client-id-42"), backend.takeRequest().headerLines("X-Request-Id"));
            assertNotNull(response.headers().firstValue("X-Request-Id").orElse(null), "X-Request-Id on the response");
            assertEquals(List.of("client-id-42"), response.headers().allValues("X-Request-Id"));
        }
    }

    /** Sends one request on a fresh connection and reads the whole response. */
    private static RawHttp.Response exchange(Sluice proxy, String requestHead) throws Exception {
        try (RawPeer client = RawPeer.connect(proxy.port())) {
            client.write(requestHead);
            return client.readResponse();
        }
    }

    /** Sends {@code requestHead} through {@code proxy}; asserts a 200 and returns the request as the backend saw it. */
    private HttpBackendRequest forwardedOk(Sluice proxy, String requestHead) throws Exception {
        RawHttp.Response response = exchange(proxy, requestHead);
        assertEquals(200, response.status(), response.toString());
        return backend.takeRequest();
    }

    /** X-Forwarded-* as the proxy itself writes them for a client it does not trust, who asked for shop.example. */
    private static void assertForwardedHeadersDescribeTheDirectClient(HttpBackendRequest seen, Sluice proxy) {
        assertEquals(List.of("127.0.0.1"), seen.headerList("X-Forwarded-For"));
        assertEquals(List.of("http"), seen.headerLines("X-Forwarded-Proto"));
        assertEquals(List.of("shop.example"), seen.headerLines("X-Forwarded-Host"));
        assertEquals(List.of(String.valueOf(proxy.port())), seen.headerLines("X-Forwarded-Port"));
    }

    /** The comma-separated tokens of header lines, lower-cased. */
    private static List<String> tokens(List<String> lines) {
        return lines.stream()
                .flatMap(line -> Arrays.stream(line.split(",")))
                .map(token -> token.trim().toLowerCase(Locale.ROOT))
                .filter(token -> !token.isEmpty())
                .toList();
    }
}
