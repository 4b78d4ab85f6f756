package dev.sluice.tls;

import dev.sluice.Sluice;
import dev.sluice.config.ConfigLoader;
import dev.sluice.config.TlsConfig;
import dev.sluice.testing.LogCapture;
import dev.sluice.testing.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Certificate expiry where an operator looks: a gauge per certificate, /status, and a warning within 14 days. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CertificateExpiryIT {
    @TempDir
    Path dir;

    private static final String YAML = """
            listeners:
              - address: 127.0.0.1:0
                tls:
            %s
            admin: { address: 127.0.0.1:0 }
            access-log: off
            upstreams: { demo: { builtin: echo } }
            routes: [ { match: { path: / }, upstream: demo } ]
            """;

    private static String entry(TlsConfig.Certificate c) {
        return "      - { certificate: " + c.certificate() + ", private-key: " + c.privateKey() + " }";
    }

    /** The gauge's value for this certificate name, or null when there is none. */
    private static Double expirySeconds(Sluice proxy, String name) {
        Matcher m = Pattern.compile("(?m)^sluice_tls_certificate_expiry_seconds\\{listener=\"127\\.0\\.0\\.1:"
                + proxy.port() + "\",name=\"" + Pattern.quote(name) + "\"} (\\S+)$").matcher(proxy.metrics().scrape());
        return m.find() ? Double.valueOf(m.group(1)) : null;
    }

    // A certificate that expires in 7 days and one in a year: each has its gauge (seconds left),
    // /status lists both with their names, expiry, days left and file, and the first is logged
    // as SLU4002 at start and again at a reload that keeps it. A reload that drops it removes
    // its gauge and adds the new certificate's.
    @Test
    void expiryIsAGaugeOnStatusAndAWarningWithin14Days() throws Exception {
        TestCertificates ca = TestCertificates.ca();
        TlsConfig.Certificate soon = ca.leaf("EC", Duration.ofDays(7), "soon.test").write(dir, "soon");
        TlsConfig.Certificate later = ca.leaf("EC", Duration.ofDays(365), "later.test", "*.later.test").write(dir, "later");
        TlsConfig.Certificate next = ca.leaf("EC", Duration.ofDays(90), "next.test").write(dir, "next");
        Path file = dir.resolve("sluice.yaml");
        Files.writeString(file, YAML.formatted(entry(soon) + "\n" + entry(later)));
        try (LogCapture log = LogCapture.start();
             Sluice proxy = Sluice.start(ConfigLoader.load(file))) {
            await().atMost(Duration.ofSeconds(5)).until(() -> warnings(log, soon).size() == 1);
            assertTrue(warnings(log, later).isEmpty(), "a year away is no warning");
            double soonLeft = expirySeconds(proxy, "soon.test");
            assertTrue(soonLeft > Duration.ofDays(6).toSeconds() && soonLeft <= Duration.ofDays(7).toSeconds(),
                    "seconds left: " + soonLeft);
            assertTrue(expirySeconds(proxy, "later.test") > Duration.ofDays(364).toSeconds());

            HttpResponse<String> status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + proxy.adminAddress().getPort() + "/status")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String json = status.body();
            assertTrue(json.contains("\"listeners\":[\"https://127.0.0.1:" + proxy.port() + "\"]"), json);
            assertTrue(json.contains("{\"listener\":\"https://127.0.0.1:" + proxy.port() + "\",\"name\":\"soon.test\","
                    + "\"names\":[\"soon.test\"],\"notAfter\":\""), json);
            assertTrue(json.contains("\"daysLeft\":6,\"file\":\"" + soon.certificate() + "\"}"), json);
            assertTrue(json.contains("\"names\":[\"later.test\",\"*.later.test\"]"), json);

            proxy.reload();
            await().atMost(Duration.ofSeconds(5)).until(() -> warnings(log, soon).size() == 2);

            Files.writeString(file, YAML.formatted(entry(later) + "\n" + entry(next)));
            proxy.reload();
            assertEquals(null, expirySeconds(proxy, "soon.test"), "a certificate no longer served has no gauge");
            assertTrue(expirySeconds(proxy, "next.test") > Duration.ofDays(89).toSeconds());
            assertTrue(expirySeconds(proxy, "later.test") > Duration.ofDays(364).toSeconds());
            assertEquals(2, warnings(log, soon).size(), "nothing expiring soon: no new warning");
            assertFalse(proxy.metrics().scrape().contains("soon.test"));
        }
    }

    private static List<String> warnings(LogCapture log, TlsConfig.Certificate c) {
        return log.lines().stream().filter(l -> l.contains("WARN") && l.contains("SLU4002")
                && l.contains(c.certificate().toString())).toList();
    }
}
