package dev.sluice.observe;

import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLClassLoader;
import java.time.Instant;
import java.util.List;
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

    // Series the README lists exist at zero before their first event (a dashboard or an alert on
    // a rate sees 0, not "no data"); the route × method × status combinations are made when used.
    @Test
    void listedSeriesStartAtZeroAndCombinationsAreMadeWhenUsed() {
        try (Metrics metrics = Metrics.create()) {
            metrics.servers(List.of(new Served("app", "node1")));
            String scrape = metrics.scrape();
            assertTrue(scrape.contains("sluice_config_reloads_total{result=\"ok\"} 0.0"), scrape);
            assertTrue(scrape.contains("sluice_config_reloads_total{result=\"failed\"} 0.0"), scrape);
            assertTrue(scrape.contains("sluice_upstream_connect_errors_total{upstream=\"app\"} 0.0"), scrape);
            assertTrue(scrape.contains("sluice_upstream_timeouts_total{upstream=\"app\"} 0.0"), scrape);
            assertFalse(scrape.contains("sluice_requests_total{"), scrape);

            metrics.request("/", "GET", 200, 1_000);
            long series = metrics.scrape().lines().filter(l -> l.startsWith("sluice_requests_total{")).count();
            assertEquals(1, series, "one request, one series");
        }
    }

    private record Served(String upstream, String name) implements MeteredServer {
        @Override
        public boolean isUp() {
            return true;
        }

        @Override
        public int openRequests() {
            return 0;
        }

        @Override
        public int openTunnels() {
            return 0;
        }

        @Override
        public long requests() {
            return 0;
        }

        @Override
        public long connectErrors() {
            return 0;
        }

        @Override
        public long timeouts() {
            return 0;
        }

        @Override
        public long resets() {
            return 0;
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
