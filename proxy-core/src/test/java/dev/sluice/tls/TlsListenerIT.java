package dev.sluice.tls;

import dev.sluice.Sluice;
import dev.sluice.SluiceException;
import dev.sluice.config.TlsConfig;
import dev.sluice.testing.HttpBackend;
import dev.sluice.testing.HttpBackendRequest;
import dev.sluice.testing.LogCapture;
import dev.sluice.testing.TestCertificates;
import dev.sluice.testing.WsEchoBackend;
import dev.sluice.testing.WsRecorder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A TLS listener with real certificates and real clients: HTTPS and wss:// to plain upstreams, SNI, refusals. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsListenerIT {
    private static TestCertificates ca;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeCa() {
        ca = TestCertificates.ca();
    }

    private HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(ca.clientContext())
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The leaf certificate a handshake with this SNI name (null: none) gets. */
    static X509Certificate handshake(TestCertificates ca, int port, String sni) throws IOException {
        try (SSLSocket socket = (SSLSocket) ca.clientContext().getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(10_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    // An HTTPS request reaches a plain-HTTP upstream, which learns the client used https on this
    // port; a wss:// WebSocket reaches a ws:// upstream and echoes.
    @Test
    void httpsAndWssReachPlainUpstreamsWhichLearnTheScheme() throws Exception {
        TlsConfig tls = TlsConfig.of(ca.leaf("localhost", "127.0.0.1").write(dir, "leaf"));
        try (HttpBackend http = HttpBackend.start();
             WsEchoBackend ws = WsEchoBackend.start();
             Sluice proxy = Sluice.builder().route("/ws/", ws.uri()).route("/", http.uri()).tls(tls).start()) {
            HttpResponse<String> response = client().send(HttpRequest.newBuilder(proxy.uri("https", "/hello?x=1")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals("https", response.uri().getScheme());
            HttpBackendRequest seen = http.takeRequest();
            assertEquals("/hello?x=1", seen.uri());
            assertEquals("https", seen.header("X-Forwarded-Proto"));
            assertEquals(String.valueOf(proxy.port()), seen.header("X-Forwarded-Port"));

            WsRecorder recorder = new WsRecorder();
            WebSocket socket = WsRecorder.connect(client(), proxy.uri("wss", "/ws/echo"), recorder);
            socket.sendText("over tls", true).get(5, TimeUnit.SECONDS);
            assertEquals("over tls", recorder.next(Duration.ofSeconds(10)).text());
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
            recorder.awaitClose(Duration.ofSeconds(10));
        }
    }

    // Two certificates on one listener: the client's SNI name picks one (a wildcard too); no SNI,
    // or a name neither covers, gets the first.
    @Test
    void sniChoosesTheCertificateAndTheFirstIsTheDefault() throws Exception {
        TestCertificates.Leaf a = ca.leaf("a.test");
        TestCertificates.Leaf b = ca.leaf("RSA", Duration.ofDays(30), "b.test", "*.b.test");
        TlsConfig tls = TlsConfig.of(a.write(dir, "a"), b.write(dir, "b", TestCertificates.KeyForm.TRADITIONAL, null));
        try (HttpBackend http = HttpBackend.start();
             Sluice proxy = Sluice.builder().route("/", http.uri()).tls(tls).start()) {
            assertEquals(b.certificate(), handshake(ca, proxy.port(), "b.test"));
            assertEquals(b.certificate(), handshake(ca, proxy.port(), "www.b.test"));
            assertEquals(a.certificate(), handshake(ca, proxy.port(), "a.test"));
            assertEquals(a.certificate(), handshake(ca, proxy.port(), null));
            assertEquals(a.certificate(), handshake(ca, proxy.port(), "unknown.test"));
        }
    }

    // Plain HTTP sent to a TLS port is not a TLS record: the connection is closed, not left hanging.
    @Test
    void plaintextOnATlsPortIsClosed() throws Exception {
        TlsConfig tls = TlsConfig.of(ca.leaf("127.0.0.1").write(dir, "leaf"));
        try (HttpBackend http = HttpBackend.start();
             Sluice proxy = Sluice.builder().route("/", http.uri()).tls(tls).start();
             Socket socket = new Socket("127.0.0.1", proxy.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            try {
                while (in.read() >= 0) {
                    // a TLS alert may come first; then the end
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the connection was left open", e);
            } catch (IOException e) {
                // a reset is a close too
            }
            assertTrue(http.drainRequests().isEmpty(), "nothing was forwarded");
        }
    }

    // A client that offers only TLS 1.1 fails the handshake; TLS 1.2 and 1.3 pass (openssl s_client,
    // when installed: the JDK's own client cannot offer TLS 1.1 without changing java.security).
    @Test
    void onlyTls12And13AreAccepted() throws Exception {
        assumeTrue(installed("openssl"), "openssl is not installed");
        TlsConfig tls = TlsConfig.of(ca.leaf("127.0.0.1").write(dir, "leaf"));
        Path caFile = ca.writeCa(dir.resolve("ca.pem"));
        try (HttpBackend http = HttpBackend.start();
             Sluice proxy = Sluice.builder().route("/", http.uri()).tls(tls).start()) {
            String tls11 = sClient(proxy.port(), caFile, "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0");
            assertTrue(tls11.contains("alert protocol version"), tls11);
            for (String version : List.of("-tls1_2", "-tls1_3")) {
                String ok = sClient(proxy.port(), caFile, version);
                assertTrue(ok.contains("Verify return code: 0 (ok)"), ok);
            }
        }
    }

    // Handshakes whichever key exchange and certificate a client ends up with: X25519 (BouncyCastle's,
    // see HandshakeCrypto) and P-256 (the JDK's), with the EC certificate's signature (BouncyCastle's)
    // and the RSA one's (the JDK's), on TLS 1.2 and 1.3 (openssl s_client, when installed). A TLS 1.2
    // client must offer P-256 to get a P-256 certificate (RFC 8422), so X25519 comes with it, first.
    @Test
    void everyKeyExchangeAndCertificateKindCompletesTheHandshake() throws Exception {
        assumeTrue(installed("openssl"), "openssl is not installed");
        TlsConfig tls = TlsConfig.of(ca.leaf("127.0.0.1").write(dir, "ec"),
                ca.leaf("RSA", Duration.ofDays(30), "rsa.test").write(dir, "rsa"));
        Path caFile = ca.writeCa(dir.resolve("ca.pem"));
        try (HttpBackend http = HttpBackend.start();
             Sluice proxy = Sluice.builder().route("/", http.uri()).tls(tls).start()) {
            for (String version : List.of("-tls1_2", "-tls1_3")) {
                for (String groups : List.of("X25519:P-256", "P-256")) {
                    String ec = sClient(proxy.port(), caFile, version, "-groups", groups);
                    assertTrue(ec.contains("Verify return code: 0 (ok)") && ec.contains("Peer signature type: ECDSA")
                            && ec.contains("Server Temp Key: " + (groups.startsWith("X25519") ? "X25519" : "ECDH, prime256v1")),
                            version + " " + groups + ": " + ec);
                    String rsa = sClient(proxy.port(), caFile, version, "-groups", groups, "-servername", "rsa.test");
                    assertTrue(rsa.contains("Verify return code: 0 (ok)") && rsa.contains("Peer signature type: RSA"),
                            version + " " + groups + " (RSA): " + rsa);
                }
            }
        }
    }

    // What cannot start says why: an unknown cipher suite, a key that is not the certificate's
    // (naming the file). A certificate for no routed host is only a warning.
    @Test
    void badTlsStopsTheStartAndNamesTheFile() throws Exception {
        TlsConfig.Certificate a = ca.leaf("a.test").write(dir, "a");
        TlsConfig.Certificate b = ca.leaf("b.test").write(dir, "b");
        SluiceException cipher = assertThrows(SluiceException.class, () -> Sluice.builder()
                .route("/", java.net.URI.create("http://127.0.0.1:9"))
                .tls(TlsConfig.of(a).withCiphers(List.of("TLS_AES_128_GCM_SHA256", "TLS_NO_SUCH_SUITE"))).start());
        assertTrue(cipher.getMessage().contains("ciphers: this JDK does not support TLS_NO_SUCH_SUITE"),
                cipher.getMessage());
        SluiceException mismatch = assertThrows(SluiceException.class, () -> Sluice.builder()
                .route("/", java.net.URI.create("http://127.0.0.1:9"))
                .tls(TlsConfig.of(TlsConfig.Certificate.pem(a.certificate(), b.privateKey()))).start());
        assertTrue(mismatch.getMessage().startsWith("listeners[0].tls (127.0.0.1:0): " + b.privateKey()
                + ": the private key does not match the certificate " + a.certificate()), mismatch.getMessage());

        try (LogCapture log = LogCapture.start();
             Sluice proxy = Sluice.builder().route("api.test", "/", false, java.net.URI.create("http://127.0.0.1:9"))
                     .tls(TlsConfig.of(a)).start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> log.lines().stream().anyMatch(l ->
                    l.contains("WARN") && l.contains("SLU4001") && l.contains(a.certificate().toString())
                            && l.contains("a.test") && l.contains("api.test")));
        }
    }

    static boolean installed(String command) {
        for (String path : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(path, command))) {
                return true;
            }
        }
        return false;
    }

    /** Runs {@code openssl s_client} against the port; its output, stdout and stderr together. */
    static String sClient(int port, Path caFile, String... options) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl", "s_client", "-connect",
                "127.0.0.1:" + port, "-CAfile", caFile.toString()));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close(); // no input: s_client ends after the handshake
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "openssl s_client ended");
        return new String(output, StandardCharsets.UTF_8);
    }

    // A client that connects and stalls in the handshake (here: half a ClientHello record) is
    // closed once limits.request-header-timeout has passed, not left to the 60 s idle timeout.
    @Test
    void aStalledHandshakeIsCutAtTheHeaderTimeout() throws Exception {
        TlsConfig tls = TlsConfig.of(ca.leaf("localhost", "127.0.0.1").write(dir, "leaf"));
        try (HttpBackend http = HttpBackend.start();
             Sluice proxy = Sluice.builder().route("/", http.uri()).tls(tls)
                     .limits(dev.sluice.config.LimitsConfig.DEFAULTS.withRequestHeaderTimeout(Duration.ofSeconds(1)))
                     .start();
             dev.sluice.testing.RawPeer client = dev.sluice.testing.RawPeer.connect(proxy.port())) {
            client.write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00}); // a record header, then nothing
            String end = client.awaitEnd(Duration.ofSeconds(10));
            assertTrue(end.startsWith("EOF") || end.startsWith("reset"), end);
            assertEquals(200, client().send(java.net.http.HttpRequest.newBuilder(proxy.uri("https", "/")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode(), "others are served");
        }
    }

    // The handshake deadline ends with the handshake: a wss:// tunnel that finished its handshake
    // stays open and echoes well past request-header-timeout (1 s here).
    @Test
    void theHandshakeDeadlineEndsWithTheHandshake() throws Exception {
        TlsConfig tls = TlsConfig.of(ca.leaf("localhost", "127.0.0.1").write(dir, "leaf"));
        try (dev.sluice.testing.WsEchoBackend ws = dev.sluice.testing.WsEchoBackend.start();
             Sluice proxy = Sluice.builder().route("/", ws.uri()).tls(tls)
                     .limits(dev.sluice.config.LimitsConfig.DEFAULTS.withRequestHeaderTimeout(Duration.ofSeconds(1)))
                     .start()) {
            dev.sluice.testing.WsRecorder recorder = new dev.sluice.testing.WsRecorder();
            java.net.http.WebSocket socket = dev.sluice.testing.WsRecorder.connect(client(), proxy.uri("wss", "/echo"), recorder);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> !recorder.hasEnded());
            socket.sendText("still here", true).get(5, TimeUnit.SECONDS);
            assertEquals("still here", recorder.next(Duration.ofSeconds(5)).text());
        }
    }
}
