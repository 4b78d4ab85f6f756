package dev.sluice.tls;

import dev.sluice.Sluice;
import dev.sluice.SluiceException;
import dev.sluice.config.TlsConfig;
import dev.sluice.testing.TestCertificates;
import dev.sluice.testing.WsEchoBackend;
import dev.sluice.testing.WsRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Certificates are re-read on reload without closing the listener or what is open on it. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsReloadIT {
    @TempDir
    Path dir;

    // A wss:// tunnel opened before the reload keeps echoing after it; a new handshake gets the new
    // certificate. A reload to a key that is not its certificate's is refused naming the file, and
    // the certificate in service stays.
    @Test
    void reloadSwapsTheCertificateWhileAWssTunnelKeepsEchoing() throws Exception {
        TestCertificates ca = TestCertificates.ca();
        TestCertificates.Leaf first = ca.leaf("127.0.0.1");
        TestCertificates.Leaf second = ca.leaf("127.0.0.1");
        TlsConfig.Certificate files = first.write(dir, "site");
        try (WsEchoBackend echo = WsEchoBackend.start()) {
            String yaml = """
                    listeners: [ { address: 127.0.0.1:0, tls: { certificate: "%s", private-key: "%s" } } ]
                    upstreams: { echo: { servers: [ { url: "%s" } ] } }
                    routes: [ { match: { path: / }, upstream: echo } ]
                    """.formatted(files.certificate(), files.privateKey(), echo.uri());
            Path config = Files.writeString(dir.resolve("sluice.yaml"), yaml);
            try (Sluice proxy = Sluice.startFile(config)) {
                int port = proxy.port();
                HttpClient client = HttpClient.newBuilder().sslContext(ca.clientContext()).build();
                WsRecorder recorder = new WsRecorder();
                WebSocket socket = WsRecorder.connect(client, proxy.uri("wss", "/echo"), recorder);
                socket.sendText("before", true).get(5, TimeUnit.SECONDS);
                assertEquals("before", recorder.next(Duration.ofSeconds(10)).text());
                assertEquals(first.certificate(), TlsListenerIT.handshake(ca, port, null));

                // the same paths with new contents, as an ACME client renews them
                second.write(dir, "site");
                proxy.reload();

                socket.sendText("after", true).get(5, TimeUnit.SECONDS);
                assertEquals("after", recorder.next(Duration.ofSeconds(10)).text(), "the open tunnel is untouched");
                assertEquals(second.certificate(), TlsListenerIT.handshake(ca, port, null), "a new handshake: the new one");
                assertEquals(port, proxy.port(), "the same listener");

                // a key that is not the certificate's: refused at the file, the second certificate stays
                TlsConfig.Certificate other = ca.leaf("127.0.0.1").write(dir.resolve("other"), "other");
                Files.copy(other.privateKey(), files.privateKey(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                SluiceException refused = assertThrows(SluiceException.class, proxy::reload);
                assertTrue(refused.getMessage().contains(files.privateKey() + ": the private key does not match the"
                        + " certificate " + files.certificate()), refused.getMessage());
                assertEquals(second.certificate(), TlsListenerIT.handshake(ca, port, null));

                socket.sendText("still", true).get(5, TimeUnit.SECONDS);
                assertEquals("still", recorder.next(Duration.ofSeconds(10)).text());
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
                recorder.awaitClose(Duration.ofSeconds(10));
            }
        }
    }

    // Turning TLS off (or on) takes a restart; changing its certificates does not.
    @Test
    void turningTlsOffNeedsARestart() throws Exception {
        TestCertificates ca = TestCertificates.ca();
        TlsConfig.Certificate files = ca.leaf("127.0.0.1").write(dir, "site");
        String tls = "listeners: [ { address: 127.0.0.1:0, tls: { certificate: \"%s\", private-key: \"%s\" } } ]\n"
                .formatted(files.certificate(), files.privateKey());
        String rest = """
                upstreams: { echo: { builtin: echo } }
                routes: [ { match: { path: / }, upstream: echo } ]
                """;
        Path config = Files.writeString(dir.resolve("sluice.yaml"), tls + rest);
        try (Sluice proxy = Sluice.startFile(config)) {
            Files.writeString(config, "listeners: [ { address: 127.0.0.1:0 } ]\n" + rest);
            SluiceException refused = assertThrows(SluiceException.class, proxy::reload);
            assertTrue(refused.getMessage().contains("listeners[0].tls changed from on to off: restart to change it"),
                    refused.getMessage());
        }
    }
}
