package dev.sluice.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The proxy's metrics in Micrometer's Prometheus registry: what {@code GET /metrics} on the
 * admin listener shows. Meters are looked up once and kept, so that counting a request costs
 * two map lookups and two increments on the IO thread, no allocation. Only {@link Metrics#create}
 * names this class, and only once it has found Micrometer on the class path.
 */
final class MicrometerMetrics extends Metrics {
    private static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "other"};
    private static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    private final Map<String, RouteMeters> routes = new ConcurrentHashMap<>();
    /** Per-route gauges, by route and name. */
    private final Map<String, Map<String, Meter>> routeGauges = new ConcurrentHashMap<>();
    private final Map<String, Counter> byKey = new ConcurrentHashMap<>();
    private Meter configInfo;
    /** The certificate expiry gauges, by listener and name. */
    private final Map<String, CertificateGauge> certificates = new HashMap<>();
    /** Each server's meters, by identity: a server a reload keeps is the same object. */
    private final Map<MeteredServer, List<Meter>> serverMeters = new java.util.IdentityHashMap<>();

    private boolean jvmMetersBound;

    private static final String RELOADS_HELP = "configuration reloads";
    private static final String CONNECT_ERRORS_HELP = "connections to an upstream that failed";
    private static final String TIMEOUTS_HELP = "requests whose upstream did not answer in time";

    MicrometerMetrics() {
        zero("sluice_config_reloads", "result", "ok", RELOADS_HELP);
        zero("sluice_config_reloads", "result", "failed", RELOADS_HELP);
    }

    @Override
    public boolean isOn() {
        return true;
    }

    /**
     * The Prometheus text exposition of every meter. The JVM's meters are bound at the first
     * scrape: loading their classes is a fifth of a cold start, which a test's proxy that is
     * never scraped should not pay. (GC pauses are timed from then on.)
     */
    @Override
    public String scrape() {
        synchronized (this) {
            if (!jvmMetersBound) {
                jvmMetersBound = true;
                new JvmMemoryMetrics().bindTo(registry);
                gc.bindTo(registry);
                new JvmThreadMetrics().bindTo(registry);
                new ClassLoaderMetrics().bindTo(registry);
                new ProcessorMetrics().bindTo(registry);
                new UptimeMetrics().bindTo(registry);
            }
        }
        return registry.scrape();
    }

    /** One HTTP exchange has completed (a WebSocket handshake too, with its 101 or refusal). */
    @Override
    public void request(String route, String method, int status, long nanos) {
        RouteMeters meters = routes.computeIfAbsent(route, this::routeMeters);
        int m = methodIndex(method);
        int s = Math.min(Math.max(status / 100, 1), 5) - 1;
        Counter counter = meters.requests[m][s];
        if (counter == null) {
            // Made when first used: five routes made 200 series of zeros up front. Two threads
            // racing here get the same counter from the registry.
            counter = Counter.builder("sluice_requests").tag("route", route).tag("method", METHODS[m])
                    .tag("status", STATUS_CLASSES[s]).description("HTTP requests and WebSocket handshakes answered")
                    .register(registry);
            meters.requests[m][s] = counter;
        }
        counter.increment();
        meters.duration.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Every exchange counted so far, for the status page's request rate. */
    @Override
    public long requestsTotal() {
        long total = 0;
        for (RouteMeters meters : routes.values()) {
            for (Counter[] byStatus : meters.requests) {
                for (Counter counter : byStatus) {
                    total += counter == null ? 0 : (long) counter.count();
                }
            }
        }
        return total;
    }

    /** No connection to the upstream could be had for a request. */
    @Override
    public void connectFailure(String upstream) {
        counter("sluice_upstream_connect_errors", "upstream", upstream, CONNECT_ERRORS_HELP);
    }

    /** An upstream took a request and sent no response head within its response-timeout. */
    @Override
    public void responseTimeout(String upstream) {
        counter("sluice_upstream_timeouts", "upstream", upstream, TIMEOUTS_HELP);
    }

    @Override
    public void strayBytes(String upstream) {
        counter("sluice_upstream_stray_responses", "upstream", upstream,
                "upstream connections closed because bytes came while no request was outstanding");
    }

    @Override
    public void tunnelOpened(String route) {
        counter("sluice_tunnels_opened", "route", route, "WebSocket tunnels opened");
    }

    @Override
    public void tunnelClosed(String reason) {
        counter("sluice_tunnels_closed", "reason", reasonClass(reason), "WebSocket tunnels closed, by why");
    }

    /** A counter whose value is read from elsewhere (the tunnel registry) when scraped. */
    @Override
    public <T> void functionCounter(String name, String direction, String help, T source, ToDoubleFunction<T> value) {
        FunctionCounter.builder(name, source, value).tag("direction", direction)
                .description(help).register(registry);
    }

    /** A per-route gauge, registered the first time it is asked for on the route (later calls: nothing). */
    @Override
    public <T> void routeGauge(String name, String route, String help, T source, ToDoubleFunction<T> value) {
        routeGauges.computeIfAbsent(route, r -> new ConcurrentHashMap<>()).computeIfAbsent(name,
                n -> Gauge.builder(n, source, value).tag("route", route).description(help).register(registry));
    }

    /**
     * Forgets the per-route meters of routes no longer served (a reload removed them), so that a
     * scrape does not list them for ever; {@link #NO_ROUTE} stays.
     */
    @Override
    public void keepRoutes(Set<String> served) {
        routes.entrySet().removeIf(e -> {
            if (served.contains(e.getKey()) || e.getKey().equals(NO_ROUTE)) {
                return false;
            }
            for (Counter[] byStatus : e.getValue().requests()) {
                for (Counter counter : byStatus) {
                    if (counter != null) {
                        registry.remove(counter);
                    }
                }
            }
            registry.remove(e.getValue().duration());
            return true;
        });
        routeGauges.entrySet().removeIf(e -> {
            if (served.contains(e.getKey())) {
                return false;
            }
            e.getValue().values().forEach(registry::remove);
            return true;
        });
    }

    @Override
    public synchronized void servers(List<? extends MeteredServer> next) {
        for (MeteredServer s : next) {
            zero("sluice_upstream_connect_errors", "upstream", s.upstream(), CONNECT_ERRORS_HELP);
            zero("sluice_upstream_timeouts", "upstream", s.upstream(), TIMEOUTS_HELP);
        }
        Map<MeteredServer, List<Meter>> kept = new java.util.IdentityHashMap<>();
        for (MeteredServer s : next) {
            List<Meter> meters = serverMeters.remove(s);
            kept.put(s, meters != null ? meters : serverMeters(s));
        }
        serverMeters.values().forEach(meters -> meters.forEach(registry::remove));
        serverMeters.clear();
        serverMeters.putAll(kept);
    }

    private List<Meter> serverMeters(MeteredServer s) {
        String[] tags = {"upstream", s.upstream(), "server", s.name()};
        return List.of(
                Gauge.builder("sluice_upstream_server_up", s, x -> x.isUp() ? 1 : 0).tags(tags)
                        .description("1 when the server takes new requests and handshakes; 0 when down, ejected,"
                                + " draining or disabled").register(registry),
                Gauge.builder("sluice_upstream_server_open_requests", s, MeteredServer::openRequests).tags(tags)
                        .description("requests to the server waiting for or reading their answer").register(registry),
                Gauge.builder("sluice_upstream_server_open_tunnels", s, MeteredServer::openTunnels).tags(tags)
                        .description("open WebSocket tunnels to the server").register(registry),
                FunctionCounter.builder("sluice_upstream_server_requests", s, MeteredServer::requests).tags(tags)
                        .description("requests and handshakes sent to the server").register(registry),
                FunctionCounter.builder("sluice_upstream_server_connect_errors", s, MeteredServer::connectErrors)
                        .tags(tags).description("connections to the server that could not be made").register(registry),
                FunctionCounter.builder("sluice_upstream_server_timeouts", s, MeteredServer::timeouts).tags(tags)
                        .description("requests the server did not answer within response-timeout").register(registry),
                FunctionCounter.builder("sluice_upstream_server_resets", s, MeteredServer::resets).tags(tags)
                        .description("connections the server lost before its answer").register(registry));
    }

    @Override
    public void reloaded(boolean ok) {
        counter("sluice_config_reloads", "result", ok ? "ok" : "failed", RELOADS_HELP);
    }

    @Override
    public synchronized void certificates(List<ServedCertificate> served) {
        Map<String, ServedCertificate> next = new HashMap<>();
        for (ServedCertificate c : served) {
            next.merge(c.listener() + '\u0000' + c.name(), c,
                    (a, b) -> a.notAfter().isBefore(b.notAfter()) ? a : b);
        }
        certificates.entrySet().removeIf(e -> {
            if (next.containsKey(e.getKey())) {
                return false;
            }
            registry.remove(e.getValue().gauge);
            return true;
        });
        next.forEach((key, c) -> {
            CertificateGauge kept = certificates.get(key);
            if (kept != null) {
                kept.notAfter = c.notAfter(); // a renewed certificate under the same name
                return;
            }
            CertificateGauge gauge = new CertificateGauge(c.notAfter());
            gauge.gauge = Gauge.builder("sluice_tls_certificate_expiry_seconds", gauge,
                            g -> g.notAfter.getEpochSecond() - Instant.now().getEpochSecond())
                    .tag("listener", c.listener()).tag("name", c.name())
                    .description("seconds until the certificate expires (negative once it has)").register(registry);
            certificates.put(key, gauge);
        });
    }

    /** The configuration in force: its hash as a label, the time it was loaded as the value. */
    @Override
    public synchronized void config(String hash, Instant loaded) {
        if (configInfo != null) {
            registry.remove(configInfo);
        }
        double seconds = loaded.toEpochMilli() / 1000.0;
        configInfo = Gauge.builder("sluice_config_loaded_timestamp_seconds", () -> seconds).tag("hash", hash)
                .description("when the configuration in force was loaded, labelled with its hash").register(registry);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    private void counter(String name, String tag, String value, String help) {
        zero(name, tag, value, help).increment();
    }

    /** The counter, made at zero if it is not yet: a series the README lists exists before its first event. */
    private Counter zero(String name, String tag, String value, String help) {
        return byKey.computeIfAbsent(name + '\u0000' + value,
                k -> Counter.builder(name).tag(tag, value).description(help).register(registry));
    }

    private RouteMeters routeMeters(String route) {
        Timer duration = Timer.builder("sluice_request_duration").tag("route", route).publishPercentileHistogram()
                .description("from the request's arrival to the end of its response").register(registry);
        return new RouteMeters(new Counter[METHODS.length][STATUS_CLASSES.length], duration);
    }

    private static int methodIndex(String method) {
        for (int i = 0; i < METHODS.length - 1; i++) {
            if (METHODS[i].equals(method)) {
                return i;
            }
        }
        return METHODS.length - 1;
    }

    private static final class CertificateGauge {
        volatile Instant notAfter;
        Meter gauge;

        CertificateGauge(Instant notAfter) {
            this.notAfter = notAfter;
        }
    }

    private record RouteMeters(Counter[][] requests, Timer duration) {
    }
}
