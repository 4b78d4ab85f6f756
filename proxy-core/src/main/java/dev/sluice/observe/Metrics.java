package dev.sluice.observe;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * The proxy's metrics: what the proxy counts, and what {@code GET /metrics} on the admin listener
 * shows. Micrometer is optional: {@link #create()} keeps them in Micrometer's Prometheus registry
 * when {@code io.micrometer:micrometer-registry-prometheus} is on the class path (as in
 * {@code bin/sluice}), and otherwise counts only what the status page needs and scrapes nothing
 * ({@link #isOn()} false, {@code /metrics} answers 404 saying what to add). A test's class path
 * stays small: proxy-core declares Micrometer {@code <optional>}.
 */
public abstract class Metrics implements AutoCloseable {
    /** The route label of an exchange that matched no route. */
    public static final String NO_ROUTE = "none";
    /** The class whose presence turns metrics on (micrometer-registry-prometheus 1.13 and later). */
    static final String REGISTRY_CLASS = "io.micrometer.prometheusmetrics.PrometheusMeterRegistry";
    /** What {@code /metrics} says without Micrometer. */
    public static final String OFF_MESSAGE = "metrics are off: Micrometer is not on the class path; add the"
            + " dependency io.micrometer:micrometer-registry-prometheus (bin/sluice has it)\n";

    private static final Logger log = LoggerFactory.getLogger(Metrics.class);

    Metrics() {
    }

    /** Micrometer's Prometheus registry when it is on the class path, else metrics that scrape nothing. */
    public static Metrics create() {
        return create(micrometerPresent(Metrics.class.getClassLoader()));
    }

    /** As {@link #create()}, told whether Micrometer is there (tests of the choice). */
    static Metrics create(boolean micrometer) {
        if (micrometer) {
            try {
                return new MicrometerMetrics();
            } catch (LinkageError e) {
                // e.g. micrometer-core there, but the Prometheus client it needs left out
                log.warn("SLU0012 metrics are off: Micrometer is on the class path but cannot start ({})", e.toString());
            }
        }
        return new NoMetrics();
    }

    /** Whether the Prometheus registry's class, and so Micrometer's core, can be loaded. */
    static boolean micrometerPresent(ClassLoader loader) {
        try {
            Class.forName(REGISTRY_CLASS, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Whether {@link #scrape()} has anything to show: false without Micrometer. */
    public abstract boolean isOn();

    /** The Prometheus text exposition of every meter; empty when {@linkplain #isOn() off}. */
    public abstract String scrape();

    /** One HTTP exchange has completed (a WebSocket handshake too, with its 101 or refusal). */
    public abstract void request(String route, String method, int status, long nanos);

    /** Every exchange counted so far, for the status page's request rate (counted with or without Micrometer). */
    public abstract long requestsTotal();

    /** No connection to the upstream could be had for a request. */
    public abstract void connectFailure(String upstream);

    /** An upstream took a request and sent no response head within its response-timeout. */
    public abstract void responseTimeout(String upstream);

    /** An upstream connection was closed because bytes came while no request was outstanding. */
    public abstract void strayBytes(String upstream);

    public abstract void tunnelOpened(String route);

    public abstract void tunnelClosed(String reason);

    /** A counter whose value is read from elsewhere (the tunnel registry) when scraped. */
    public abstract <T> void functionCounter(String name, String direction, String help, T source,
                                             ToDoubleFunction<T> value);

    /** A per-route gauge, registered the first time it is asked for on the route (later calls: nothing). */
    public abstract <T> void routeGauge(String name, String route, String help, T source, ToDoubleFunction<T> value);

    /**
     * Forgets the per-route meters of routes no longer served (a reload removed them), so that a
     * scrape does not list them for ever; {@link #NO_ROUTE} stays.
     */
    public abstract void keepRoutes(Set<String> served);

    public abstract void reloaded(boolean ok);

    /**
     * The upstream servers in force (at start, and again after each reload), each with
     * {@code sluice_upstream_server_up}, its open requests and tunnels, and its requests, connect
     * errors, timeouts and resets, labelled {@code upstream} and {@code server}, read at each
     * scrape; the meters of servers no longer named are removed.
     */
    public abstract void servers(List<? extends MeteredServer> servers);

    /**
     * The certificates the TLS listeners serve now (at start, and again after each reload):
     * {@code sluice_tls_certificate_expiry_seconds{listener,name}} for each, the seconds left until
     * it expires (negative once it has), read at each scrape; the gauges of certificates no longer
     * served are removed. Two certificates with one listener and name (an RSA and an ECDSA one)
     * share a gauge, showing the one that expires first.
     */
    public abstract void certificates(List<ServedCertificate> served);

    /** The configuration in force: its hash as a label, the time it was loaded as the value. */
    public abstract void config(String hash, Instant loaded);

    @Override
    public abstract void close();

    /** A tunnel's close reason without its details: "idle for 300 ms" is "idle". */
    static String reasonClass(String reason) {
        String r = reason.toLowerCase(Locale.ROOT);
        for (String kind : new String[] {"client closed", "upstream closed", "idle", "drain", "reset by client",
                "reset by upstream", "half-close timeout", "send-timeout"}) {
            if (r.startsWith(kind) || r.contains("(limits." + kind)) {
                return kind.replace(' ', '_').replace('-', '_');
            }
        }
        return "other";
    }

    /** Without Micrometer: counts requests for the status page, keeps nothing else. */
    static final class NoMetrics extends Metrics {
        private final LongAdder requests = new LongAdder();

        @Override
        public boolean isOn() {
            return false;
        }

        @Override
        public String scrape() {
            return "";
        }

        @Override
        public void request(String route, String method, int status, long nanos) {
            requests.increment();
        }

        @Override
        public long requestsTotal() {
            return requests.sum();
        }

        @Override
        public void connectFailure(String upstream) {
        }

        @Override
        public void responseTimeout(String upstream) {
        }

        @Override
        public void strayBytes(String upstream) {
        }

        @Override
        public void tunnelOpened(String route) {
        }

        @Override
        public void tunnelClosed(String reason) {
        }

        @Override
        public <T> void functionCounter(String name, String direction, String help, T source,
                                        ToDoubleFunction<T> value) {
        }

        @Override
        public <T> void routeGauge(String name, String route, String help, T source, ToDoubleFunction<T> value) {
        }

        @Override
        public void keepRoutes(Set<String> served) {
        }

        @Override
        public void reloaded(boolean ok) {
        }

        @Override
        public void servers(List<? extends MeteredServer> servers) {
        }

        @Override
        public void certificates(List<ServedCertificate> served) {
        }

        @Override
        public void config(String hash, Instant loaded) {
        }

        @Override
        public void close() {
        }
    }
}
