package dev.sluice.tls;

import dev.sluice.Sluice;
import dev.sluice.config.AccessLogConfig;
import dev.sluice.testing.HttpBackend;
import dev.sluice.testing.RawHttp;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.WsWire;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code redirect-to-https: PORT}: every request on the plain listener is a 308 to the same place on HTTPS. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedirectToHttpsIT {
    @TempDir
    Path dir;

    private static RawHttp.Response send(int port, String request) throws Exception {
        try (RawPeer peer = RawPeer.connect(port)) {
            return peer.write(request).readResponse();
        }
    }

    // Same host (its port dropped), path as written (still encoded) and query, on the HTTPS port;
    // :443 left out; an IPv6 host stays bracketed; a POST, a HEAD and a WebSocket handshake get the
    // same 308; a Host that is no host name is a 400. Nothing reaches the upstream, and every
    // answer is in the access log.
    @Test
    void everyRequestIsRedirectedToTheSameHostPathAndQueryOnHttps() throws Exception {
        Path log = dir.resolve("access.log");
        try (HttpBackend backend = HttpBackend.start();
             Sluice proxy = Sluice.builder().route("/", backend.uri()).redirectToHttps(8443)
                     .accessLog(new AccessLogConfig(AccessLogConfig.Target.FILE, log)).start();
             Sluice on443 = Sluice.builder().route("/", backend.uri()).redirectToHttps(443).start()) {
            RawHttp.Response get = send(proxy.port(), RawHttp.request("GET", "/a%20b/c?x=1&y=%2F",
                    "Host: Example.COM:" + proxy.port()));
            assertEquals(308, get.status(), get.toString());
            assertEquals("https://Example.COM:8443/a%20b/c?x=1&y=%2F", get.header("Location"));
            assertTrue(get.bodyText().length() < 200 && get.bodyText().contains("https://"), get.bodyText());

            assertEquals("https://example.com/p", send(on443.port(),
                    RawHttp.request("GET", "/p", "Host: example.com")).header("Location"));
            assertEquals("https://[::1]/?q", send(on443.port(),
                    RawHttp.request("GET", "/?q", "Host: [::1]:80")).header("Location"));

            RawHttp.Response post = send(proxy.port(), RawHttp.request("POST", "/form",
                    "Host: example.com", "Content-Length: 5") + "a=b&c");
            assertEquals(308, post.status(), "308 keeps the method: the browser posts again over https");
            assertEquals("https://example.com:8443/form", post.header("Location"));
            try (RawPeer peer = RawPeer.connect(proxy.port())) {
                RawHttp.Head head = peer.write(RawHttp.request("HEAD", "/h", "Host: example.com")).readHead();
                assertEquals(308, head.status());
                assertEquals("https://example.com:8443/h", head.header("Location"));
            }

            WsWire.Answer ws = WsWire.open(proxy.port(), "/chat?room=1");
            try (RawPeer peer = ws.peer()) {
                assertEquals(308, ws.head().status(), ws.head().toString());
                assertEquals("https://127.0.0.1:8443/chat?room=1", ws.head().header("Location"));
            }

            assertEquals(400, send(proxy.port(), RawHttp.request("GET", "/", "Host: evil.com@x")).status());

            assertTrue(backend.drainRequests().isEmpty(), "nothing was proxied");
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.readAllLines(log).stream()
                    .filter(l -> l.contains(" 308 ")).count() == 4);
            assertTrue(Files.readAllLines(log).stream().anyMatch(l -> l.contains("\"GET /a%20b/c?x=1&y=%2F HTTP/1.1\" 308 ")
                    && l.contains(" route=- ")), String.join("\n", Files.readAllLines(log)));
        }
    }
}
