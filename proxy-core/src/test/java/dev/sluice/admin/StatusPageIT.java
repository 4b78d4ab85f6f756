package dev.sluice.admin;

import dev.sluice.Sluice;
import dev.sluice.config.ConfigLoader;
import dev.sluice.config.TlsConfig;
import dev.sluice.testing.TestCertificates;
import dev.sluice.testing.RawBackend;
import dev.sluice.testing.RawPeer;
import dev.sluice.testing.WsWire;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The admin status page in a real browser: headless Chromium (Debian's {@code chromium}, which
 * {@code .ci/run} installs) loads it, its script fetches {@code /status} and renders it. The
 * screenshot is kept as {@code proxy-core/target/status-page.png}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StatusPageIT {
    private static final List<String> BROWSERS = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser");

    // The page shows the tunnel just opened (its id, route, client) with the proxy "ready";
    // loaded again after the tunnel closed, it lists no open tunnel and the closed one with
    // its reason.
    @Test
    void statusPageShowsAnOpenTunnelAndThenItsEnd(@TempDir Path dir) throws Exception {
        Path chromium = chromium();
        try (RawBackend backend = RawBackend.webSocket()) {
            Path file = Files.writeString(dir.resolve("sluice.yaml"), """
                    listeners: [ { address: 127.0.0.1:0 } ]
                    admin: { address: 127.0.0.1:0 }
                    access-log: off
                    upstreams:
                      chat:
                        servers: [ { url: %s } ]
                    routes:
                      - match: { path: /chat/ }
                        upstream: chat
                    """.formatted(backend.uri()));
            try (Sluice proxy = Sluice.start(ConfigLoader.load(file))) {
                String page = "http://127.0.0.1:" + proxy.adminAddress().getPort() + "/";
                WsWire.Answer tunnel = WsWire.open(proxy.port(), "/chat/room");
                RawPeer upstream = backend.takePeer();
                await().until(() -> proxy.tunnels().open() == 1);
                long id = proxy.tunnels().list().get(0).id();

                String open = browse(chromium, dir, "--dump-dom", page);
                assertTrue(open.contains(">ready<"), "the state badge: " + open);
                assertTrue(open.contains("<td class=\"num\">" + id + "</td><td>/chat/</td><td>127.0.0.1:"), open);
                Path screenshot = Path.of("target", "status-page.png").toAbsolutePath();
                browse(chromium, dir, "--screenshot=" + screenshot, "--window-size=1100,900", page);
                assertTrue(Files.size(screenshot) > 10_000, "a screenshot of the rendered page at " + screenshot);

                tunnel.peer().close();
                await().until(upstream::readsEof);
                upstream.close();
                proxy.tunnels().awaitClosed(id, Duration.ofSeconds(5));
                String closed = browse(chromium, dir, "--dump-dom", page);
                assertTrue(closed.contains("no open tunnels"), closed);
                assertTrue(closed.contains("client closed"), "the closed tunnel with its reason: " + closed);
            }
        }
    }

    // A TLS listener's certificates are listed with their names, days left (marked when under 14)
    // and file; the listener shows as https.
    @Test
    void statusPageShowsEachTlsListenersCertificates(@TempDir Path dir) throws Exception {
        Path chromium = chromium();
        TestCertificates ca = TestCertificates.ca();
        TlsConfig.Certificate soon = ca.leaf("EC", Duration.ofDays(10), "soon.test").write(dir, "soon");
        TlsConfig.Certificate later = ca.leaf("EC", Duration.ofDays(200), "later.test", "www.later.test").write(dir, "later");
        Path file = Files.writeString(dir.resolve("sluice.yaml"), """
                listeners:
                  - address: 127.0.0.1:0
                    tls:
                      - { certificate: %s, private-key: %s }
                      - { certificate: %s, private-key: %s }
                admin: { address: 127.0.0.1:0 }
                access-log: off
                upstreams: { demo: { builtin: echo } }
                routes: [ { match: { path: / }, upstream: demo } ]
                """.formatted(soon.certificate(), soon.privateKey(), later.certificate(), later.privateKey()));
        try (Sluice proxy = Sluice.start(ConfigLoader.load(file))) {
            String page = browse(chromium, dir, "--dump-dom", "http://127.0.0.1:" + proxy.adminAddress().getPort() + "/");
            String listener = "<td>https://127.0.0.1:" + proxy.port() + "</td>";
            assertTrue(page.contains(listener + "<td>soon.test</td>"), page);
            assertTrue(page.contains("<td>9 (renew soon)</td><td>" + soon.certificate() + "</td>"), page);
            assertTrue(page.contains(listener + "<td>later.test, www.later.test</td>"), page);
            assertTrue(page.contains("<td class=\"num\">199</td><td>" + later.certificate() + "</td>"), page);
        }
    }

    /** Runs headless Chromium on the page with a fresh profile; returns what it printed. */
    private static String browse(Path chromium, Path dir, String... what) throws Exception {
        Path profile = Files.createTempDirectory(dir, "chromium-profile");
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile, "--virtual-time-budget=5000"));
        command.addAll(List.of(what));
        Path out = dir.resolve("chromium-out.txt");
        Process process = new ProcessBuilder(command).redirectErrorStream(false)
                .redirectOutput(out.toFile()).redirectError(dir.resolve("chromium-err.txt").toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("chromium did not finish within 60 s: " + Files.readString(dir.resolve("chromium-err.txt")));
        }
        assertEquals(0, process.exitValue(), Files.readString(dir.resolve("chromium-err.txt")));
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    /** Chromium, which CI installs; a machine without it skips this test unless it is CI. */
    private static Path chromium() throws IOException {
        try (Stream<String> candidates = BROWSERS.stream()) {
            Path found = candidates.map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
            if (found == null && System.getenv("CI") != null) {
                fail("no chromium on this CI machine: .ci/run installs Debian's chromium");
            }
            assumeTrue(found != null, "no chromium here (apt-get install chromium)");
            return found;
        }
    }
}
