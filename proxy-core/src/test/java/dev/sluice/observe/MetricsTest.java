package dev.sluice.observe;

import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLClassLoader;
import java.time.Instant;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which metrics {@link Metrics#create} picks, and what the ones without Micrometer do. */
class MetricsTest {

    @Test
    void micrometerOnTheClassPathMeansPrometheusMetrics() {
        assertTrue(Metrics.micrometerPresent(MetricsTest.class.getClassLoader()));
        try (Metrics metrics = Metrics.create()) {
            assertTrue(metrics.isOn());
            metrics.request("/", "GET", 200, 1_000);
            assertTrue(metrics.scrape().contains("sluice_requests_total{method=\"GET\",route=\"/\",status=\"2xx\"} 1.0"),
                    metrics.scrape());
            assertEquals(1, metrics.requestsTotal());
        }
    }

    // A class loader that sees only the JDK cannot load the registry: metrics are off.
    @Test
    void withoutMicrometerMetricsAreOffAndStillCountRequests() throws Exception {
        try (URLClassLoader jdkOnly = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())) {
            assertFalse(Metrics.micrometerPresent(jdkOnly));
        }
        try (Metrics metrics = Metrics.create(false)) {
            assertFalse(metrics.isOn());
            metrics.request("/", "GET", 200, 1_000);
            metrics.request(Metrics.NO_ROUTE, "POST", 404, 1_000);
            metrics.tunnelOpened("/");
            metrics.tunnelClosed("client closed");
            metrics.functionCounter("sluice_tunnel_bytes", "to_client", "help", this, t -> 1);
            metrics.routeGauge("sluice_tunnels_open", "/", "help", this, t -> 1);
            metrics.keepRoutes(Set.of());
            metrics.config("abc", Instant.now());
            metrics.reloaded(true);
            assertEquals("", metrics.scrape());
            assertEquals(2, metrics.requestsTotal(), "the status page's request count");
        }
    }
}
