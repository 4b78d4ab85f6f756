package dev.sluice.proxyprotocol;

import dev.sluice.Sluice;
import dev.sluice.SluiceBuilder;
import dev.sluice.config.AccessLogConfig;
import dev.sluice.config.LimitsConfig;
import dev.sluice.testing.H2Wire;
import dev.sluice.testing.HttpBackend;
import dev.sluice.testing.HttpBackendRequest;
import dev.sluice.testing.LogCapture;
import dev.sluice.testing.ProxyHeaders;
import dev.sluice.testing.RawHttp;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.WsEchoBackend;
import dev.sluice.testing.WsWire;
import dev.sluice.tunnel.Tunnel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@code proxy-protocol: true} listener end to end, with real sockets: each header form from a
 * trusted balancer (127.0.0.1 here) makes its carried address the client upstream (X-Forwarded-For),
 * in the access log and in the tunnel registry; everything else is closed without an answer, with
 * one log line naming the peer and what was wrong, and never a stack trace.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyProtocolIT {
    private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(1);
    private static final byte[] GET = RawHttp.ascii(RawHttp.request("GET", "/x", "Host: app"));

    @TempDir
    Path dir;
    private HttpBackend backend;
    private LogCapture log;

    @BeforeEach
    void start() {
        backend = HttpBackend.start();
        log = LogCapture.start();
    }

    @AfterEach
    void stop() {
        log.close();
        backend.close();
        assertEquals(List.of(), log.stackTraces(), "log lines with a stack trace");
    }

    private SluiceBuilder proxy(String... trusted) {
        return Sluice.builder().proxyProtocol(true).trustedProxies(trusted)
                .limits(LimitsConfig.DEFAULTS.withRequestHeaderTimeout(HEADER_TIMEOUT))
                .accessLog(new AccessLogConfig(AccessLogConfig.Target.FILE, dir.resolve("access.log")))
                .route("/", backend.uri());
    }

    /** Sends {@code header} then a GET on one connection; returns what the upstream saw. */
    private HttpBackendRequest forward(Sluice proxy, byte[] header, String... extraHeaderLines) throws Exception {
        try (RawPeer client = RawPeer.connect(proxy.port())) {
            byte[] request = RawHttp.ascii(RawHttp.request("GET", "/x", extraHeaderLines.length == 0
                    ? new String[] {"Host: app"} : prepend("Host: app", extraHeaderLines)));
            client.write(RawHttp.concat(header, request));
            RawHttp.Response response = client.readResponse();
            assertEquals(200, response.status(), response.toString());
        }
        return backend.takeRequest();
    }

    private static String[] prepend(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private List<String> accessLines() throws IOException {
        Path file = dir.resolve("access.log");
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }

    private static String host(String literal) throws Exception {
        return InetAddress.getByName(literal).getHostAddress();
    }

    /** The connection ends without a byte of answer. */
    private static void assertClosedWithoutAnswer(RawPeer client) throws IOException {
        String end = client.awaitEnd(Duration.ofSeconds(5));
        assertTrue(end.equals("EOF") || end.startsWith("reset"), end);
    }

    private void awaitLog(String... parts) {
        await("a log line with " + List.of(parts)).atMost(Duration.ofSeconds(5)).until(() -> log.lines().stream()
                .anyMatch(line -> List.of(parts).stream().allMatch(line::contains)));
    }

    // v1 TCP4: the carried address is the client for X-Forwarded-For and the access log, the carried
    // destination port is X-Forwarded-Port; the balancer's own address appears nowhere.
    @Test
    void v1Tcp4CarriesTheClientToTheUpstreamAndTheAccessLog() throws Exception {
        try (Sluice proxy = proxy("127.0.0.1").start()) {
            HttpBackendRequest seen = forward(proxy, ProxyHeaders.v1("203.0.113.7", "192.0.2.1", 51000, 443));
            assertEquals("203.0.113.7", seen.header("X-Forwarded-For"));
            assertEquals("443", seen.header("X-Forwarded-Port"));
            await().atMost(Duration.ofSeconds(5)).until(() -> !accessLines().isEmpty());
            assertTrue(accessLines().get(0).startsWith("203.0.113.7 "), accessLines().toString());
        }
    }

    @Test
    void v1Tcp6CarriesTheClient() throws Exception {
        try (Sluice proxy = proxy("127.0.0.1").start()) {
            HttpBackendRequest seen = forward(proxy, ProxyHeaders.v1("2001:db8::7", "2001:db8::1", 51000, 8443));
            assertEquals(host("2001:db8::7"), seen.header("X-Forwarded-For"));
            assertEquals("8443", seen.header("X-Forwarded-Port"));
        }
    }

    // v2 over IPv4 (with TLVs, skipped) and IPv6, and several requests on the connection: all the
    // carried client's.
    @Test
    void v2CarriesIpv4AndIpv6ClientsForEveryRequestOnTheConnection() throws Exception {
        try (Sluice proxy = proxy("127.0.0.1").start()) {
            byte[] tlvs = ProxyHeaders.tlv(0x01, "http/1.1".getBytes(StandardCharsets.US_ASCII));
            assertEquals("198.51.100.9", forward(proxy, ProxyHeaders.v2("198.51.100.9", "192.0.2.1", 4000, 80, tlvs))
                    .header("X-Forwarded-For"));
            assertEquals(host("2001:db8::9"), forward(proxy, ProxyHeaders.v2("2001:db8::9", "2001:db8::1", 4000, 80,
                    new byte[0])).header("X-Forwarded-For"));
            try (RawPeer client = RawPeer.connect(proxy.port())) {
                client.write(RawHttp.concat(ProxyHeaders.v2("198.51.100.10", "192.0.2.1", 1, 80, new byte[0]), GET));
                assertEquals(200, client.readResponse().status());
                client.write(GET);
                assertEquals(200, client.readResponse().status());
            }
            assertEquals("198.51.100.10", backend.takeRequest().header("X-Forwarded-For"));
            assertEquals("198.51.100.10", backend.takeRequest().header("X-Forwarded-For"));
        }
    }

    // v2 LOCAL (a balancer's own health check) is served as a connection from the balancer.
    @Test
    void v2LocalIsServedAsTheBalancersOwnConnection() throws Exception {
        try (Sluice proxy = proxy("127.0.0.1").start()) {
            assertEquals("127.0.0.1", forward(proxy, ProxyHeaders.v2Local()).header("X-Forwarded-For"));
        }
    }

    // Each byte of the header and of the request in its own write: the header is read as it comes.
    @Test
    void aHeaderSplitAcrossReadsByteByByteIsRead() throws Exception {
        try (Sluice proxy = proxy("127.0.0.1").start()) {
            for (byte[] header : List.of(ProxyHeaders.v1("203.0.113.8", "192.0.2.1", 1, 80),
                    ProxyHeaders.v2("203.0.113.9", "192.0.2.1", 1, 80, ProxyHeaders.tlv(0xEA, new byte[40])))) {
                try (RawPeer client = RawPeer.connect(proxy.port())) {
                    for (byte b : RawHttp.concat(header, GET)) {
                        client.write(new byte[] {b});
                    }
                    assertEquals(200, client.readResponse().status());
                }
            }
            assertEquals("203.0.113.8", backend.takeRequest().header("X-Forwarded-For"));
            assertEquals("203.0.113.9", backend.takeRequest().header("X-Forwarded-For"));
        }
    }

    // X-Forwarded-* a client sent are believed only when the carried address is itself trusted.
    @Test
    void forwardedHeadersAreBelievedOnlyFromATrustedCarriedAddress() throws Exception {
        try (Sluice proxy = proxy("127.0.0.0/8").start()) {
            HttpBackendRequest untrusted = forward(proxy, ProxyHeaders.v1("203.0.113.7", "192.0.2.1", 1, 443),
                    "X-Forwarded-For: 6.6.6.6", "X-Forwarded-Proto: https");
            assertEquals("203.0.113.7", untrusted.header("X-Forwarded-For"));
            assertEquals("http", untrusted.header("X-Forwarded-Proto"));
            HttpBackendRequest trusted = forward(proxy, ProxyHeaders.v1("127.0.0.9", "192.0.2.1", 1, 443),
                    "X-Forwarded-For: 198.51.100.4", "X-Forwarded-Proto: https");
            assertEquals("198.51.100.4,127.0.0.9", trusted.header("X-Forwarded-For"));
            assertEquals("https", trusted.header("X-Forwarded-Proto"));
        }
    }

    // The tunnel registry (and so /status) names the carried client.
    @Test
    void aTunnelsClientIsTheCarriedAddress() throws Exception {
        try (WsEchoBackend ws = WsEchoBackend.start();
             Sluice proxy = Sluice.builder().proxyProtocol(true).trustedProxies("127.0.0.1")
                     .route("/ws/", ws.uri()).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            client.write(RawHttp.concat(ProxyHeaders.v2("203.0.113.20", "192.0.2.1", 40000, 80, new byte[0]),
                    RawHttp.ascii(WsWire.handshake("/ws/chat"))));
            assertEquals(101, client.readHead().status());
            client.write(WsWire.clientText("hello"));
            assertEquals("hello", client.readFrame().text());
            Tunnel tunnel = proxy.tunnels().list().get(0);
            assertEquals(host("203.0.113.20"), tunnel.client().getAddress().getHostAddress());
            assertEquals(40000, tunnel.client().getPort());
        }
    }

    // A peer not in trusted-proxies is closed before a byte is read, even with a valid header.
    @Test
    void anUntrustedSenderIsClosedWithoutAnAnswer() throws Exception {
        try (Sluice proxy = proxy("10.0.0.0/8").start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            client.write(RawHttp.concat(ProxyHeaders.v1("203.0.113.7", "192.0.2.1", 1, 80), GET));
            assertClosedWithoutAnswer(client);
            awaitLog("SLU5001", "127.0.0.1:", "not in trusted-proxies");
            assertEquals(List.of(), backend.drainRequests());
        }
    }

    // No header (a plain request), garbage, an oversize v1 line, a v2 length shorter than its
    // addresses: each closed at once without an answer, each with its reason logged.
    @Test
    void missingGarbageAndMalformedHeadersAreClosedWithoutAnAnswer() throws Exception {
        String longLine = "PROXY TCP4 " + "1".repeat(120) + "\r\n";
        List<byte[]> bad = List.of(GET, new byte[] {0x16, 0x03, 0x01, 0x00, 0x10},
                longLine.getBytes(StandardCharsets.US_ASCII),
                ProxyHeaders.v2(ProxyHeaders.PROXY, ProxyHeaders.TCP4, 8, new byte[8]));
        List<String> reasons = List.of("no PROXY header: the connection starts with 'GET /x", "no PROXY header",
                "PROXY v1 line longer than 107 bytes", "PROXY v2 length 8 is shorter than its address block");
        try (Sluice proxy = proxy("127.0.0.1").start()) {
            for (int i = 0; i < bad.size(); i++) {
                try (RawPeer client = RawPeer.connect(proxy.port())) {
                    client.write(RawHttp.concat(bad.get(i), GET));
                    assertClosedWithoutAnswer(client);
                }
                awaitLog("SLU5002", "127.0.0.1:", reasons.get(i));
            }
            assertEquals(List.of(), backend.drainRequests());
        }
    }

    // A stalled header (part of a v1 line; a v2 length that claims more than comes) is cut by the
    // header deadline, counted from accept, without an answer.
    @Test
    void aStalledHeaderIsCutByTheDeadline() throws Exception {
        try (Sluice proxy = proxy("127.0.0.1").start()) {
            for (byte[] partial : List.of("PROXY TCP4 1.2".getBytes(StandardCharsets.US_ASCII),
                    RawHttp.concat(ProxyHeaders.v2(ProxyHeaders.PROXY, ProxyHeaders.TCP4, 500, new byte[12]), GET))) {
                try (RawPeer client = RawPeer.connect(proxy.port())) {
                    client.write(partial);
                    long started = System.nanoTime();
                    assertClosedWithoutAnswer(client);
                    assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(4), "closed by the deadline");
                }
            }
            awaitLog("SLU5003", "sent no complete PROXY header within 1000 ms", "14 bytes of it came");
            assertEquals(List.of(), backend.drainRequests());
        }
    }

    // The bytes that arrived with the header, past it, are the request: a body too.
    @Test
    void bytesThatCameWithTheHeaderAreTheRequest() throws Exception {
        try (Sluice proxy = proxy("127.0.0.1").start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            byte[] post = RawHttp.ascii(RawHttp.request("POST", "/x", "Host: app", "Content-Length: 5") + "hello");
            client.write(RawHttp.concat(ProxyHeaders.v1("203.0.113.7", "192.0.2.1", 1, 80), post));
            assertEquals(200, client.readResponse().status());
            assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), backend.takeRequest().body());
        }
    }

    // With tls on the same listener the PROXY header comes first, then the TLS handshake: an
    // HTTPS request behind a v1 header reaches the upstream as from the carried client, over https.
    @Test
    void aProxyHeaderThenTls() throws Exception {
        dev.sluice.testing.TestCertificates ca = dev.sluice.testing.TestCertificates.ca();
        dev.sluice.config.TlsConfig tls = dev.sluice.config.TlsConfig.of(ca.leaf("localhost", "127.0.0.1").write(dir, "leaf"));
        try (Sluice proxy = proxy("127.0.0.1").tls(tls).start();
             java.net.Socket raw = new java.net.Socket("127.0.0.1", proxy.port())) {
            raw.getOutputStream().write("PROXY TCP4 203.0.113.7 10.0.0.1 51000 443\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            try (javax.net.ssl.SSLSocket secure = (javax.net.ssl.SSLSocket) ca.clientContext().getSocketFactory()
                    .createSocket(raw, "127.0.0.1", proxy.port(), true)) {
                secure.setSoTimeout(5000);
                secure.startHandshake();
                secure.getOutputStream().write(GET);
                String status = new java.io.BufferedReader(new java.io.InputStreamReader(secure.getInputStream(),
                        java.nio.charset.StandardCharsets.US_ASCII)).readLine();
                assertEquals("HTTP/1.1 200 OK", status);
            }
        }
        HttpBackendRequest seen = backend.takeRequest();
        assertEquals("203.0.113.7", seen.header("X-Forwarded-For"));
        assertEquals("https", seen.header("X-Forwarded-Proto"));
    }

    // h2c after the header: a v1 header, then HTTP/2 by prior knowledge in the same write; the
    // stream is answered and reaches the upstream as from the carried client.
    @Test
    void aProxyHeaderThenH2c() throws Exception {
        try (Sluice proxy = proxy("127.0.0.1").http2(true).start();
             RawPeer client = RawPeer.connect(proxy.port())) {
            client.write(RawHttp.concat(ProxyHeaders.v1("203.0.113.7", "192.0.2.1", 51000, 80), H2Wire.PREFACE,
                    H2Wire.frame(H2Wire.SETTINGS, 0, 0, new byte[0]),
                    H2Wire.frame(H2Wire.HEADERS, H2Wire.END_HEADERS | H2Wire.END_STREAM, 1, H2Wire.headerBlock(
                            ":method", "GET", ":scheme", "http", ":path", "/x", ":authority", "app"))));
            H2Wire.Frame frame;
            do {
                frame = H2Wire.read(client.in());
            } while (frame.stream() != 1 || frame.type() != H2Wire.HEADERS);
            assertEquals(0x88, frame.payload()[0] & 0xFF, "stream 1 answered 200 (HPACK :status 200 is 0x88)");
        }
        HttpBackendRequest seen = backend.takeRequest();
        assertEquals("203.0.113.7", seen.header("X-Forwarded-For"));
        assertEquals("80", seen.header("X-Forwarded-Port"));
    }
}
