package dev.sluice;

import dev.sluice.config.AccessLogConfig;
import dev.sluice.config.AdminConfig;
import dev.sluice.config.Cidr;
import dev.sluice.config.FaultConfig;
import dev.sluice.config.HostPort;
import dev.sluice.config.Http2Config;
import dev.sluice.config.LimitsConfig;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.RecordingConfig;
import dev.sluice.config.RouteConfig;
import dev.sluice.config.ServerConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.config.TlsConfig;
import dev.sluice.config.UpstreamConfig;
import dev.sluice.config.WebSocketConfig;
import dev.sluice.runtime.HostResolver;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds a proxy for a test: listens on 127.0.0.1 port 0, no access log, records exchanges and
 * message metadata ({@link Sluice#recording()}), and closes at once (drain timeout 0) unless
 * told otherwise. Each {@code route(..., URI...)} gets an upstream of
 * its own, named {@code upstream-1}, {@code upstream-2}, ... in the order of the calls, skipping
 * any name given to {@link #upstream}; {@link #upstream} and {@link #route(RouteConfig)} take whole
 * config records for anything else (sticky jvmRoutes, several routes to one upstream).
 *
 * <p>The order of the calls does not matter: every setting (e.g. {@link #responseTimeout}) applies
 * to the whole proxy, routes added before it included, since the configuration is made only by
 * {@link #config()} and {@link #start()}.
 */
public final class SluiceBuilder {
    /** What {@code route(...)} was given: a route record, or the parts of one whose upstream is made at build time. */
    private sealed interface RouteSpec {
    }

    private record GivenRoute(RouteConfig route) implements RouteSpec {
    }

    private record ServersRoute(String host, String pathPrefix, boolean stripPrefix, WebSocketConfig websocket,
                                List<URI> servers) implements RouteSpec {
    }

    private static final String GENERATED_PREFIX = "upstream-";

    private final Map<String, UpstreamConfig> upstreams = new LinkedHashMap<>();
    private final List<RouteSpec> routes = new ArrayList<>();
    private final List<FaultConfig> faults = new ArrayList<>();
    private HostPort listen = new HostPort("127.0.0.1", 0);
    private boolean proxyProtocol;
    private AdminConfig admin;
    private List<Cidr> trustedProxies = List.of();
    private LimitsConfig limits = LimitsConfig.DEFAULTS;
    private Duration drainTimeout = Duration.ZERO;
    private AccessLogConfig accessLog = AccessLogConfig.OFF;
    private Duration responseTimeout = UpstreamConfig.DEFAULT_RESPONSE_TIMEOUT;
    private RecordingConfig recording = RecordingConfig.METADATA;
    private HostResolver resolver = HostResolver.SYSTEM;

    SluiceBuilder() {
    }

    /** Routes requests under this path prefix to these servers, WebSocket defaults. */
    public SluiceBuilder route(String pathPrefix, URI... servers) {
        return route(pathPrefix, WebSocketConfig.DEFAULTS, servers);
    }

    /** Routes requests under this path prefix to these servers, with these WebSocket settings. */
    public SluiceBuilder route(String pathPrefix, WebSocketConfig websocket, URI... servers) {
        return serversRoute(null, pathPrefix, false, websocket, servers);
    }

    /**
     * Routes requests for this host (null: any) under this path prefix, optionally stripping the
     * prefix (and putting it back into the answers' Location and the like; for cookie paths too,
     * give {@link #route(RouteConfig)} a route with {@code rewriteCookiePath}).
     */
    public SluiceBuilder route(String host, String pathPrefix, boolean stripPrefix, URI... servers) {
        return serversRoute(host, pathPrefix, stripPrefix, WebSocketConfig.DEFAULTS, servers);
    }

    /** Adds a route as the YAML file would; its upstream must be added with {@link #upstream}. */
    public SluiceBuilder route(RouteConfig route) {
        routes.add(new GivenRoute(Objects.requireNonNull(route, "route")));
        return this;
    }

    /**
     * Adds an upstream as the YAML file would, e.g. servers with their Tomcat jvmRoutes. Its name
     * is the caller's: the upstreams that {@code route(..., URI...)} makes take other names.
     *
     * @throws IllegalArgumentException when an upstream of that name was added already
     */
    public SluiceBuilder upstream(UpstreamConfig upstream) {
        Objects.requireNonNull(upstream, "upstream");
        if (upstreams.containsKey(upstream.name())) {
            throw new IllegalArgumentException("upstream: an upstream named " + upstream.name()
                    + " was added already (each upstream(...) needs a name of its own)");
        }
        upstreams.put(upstream.name(), upstream);
        return this;
    }

    /** A fault switched on from the start, as in the YAML file's {@code faults:}; see also {@link Sluice#faults()}. */
    public SluiceBuilder fault(FaultConfig fault) {
        faults.add(fault);
        return this;
    }

    /**
     * {@code response-timeout} of the upstreams that {@code route(..., URI...)} makes, those
     * routes added before this call included (upstreams given to {@link #upstream} keep theirs).
     */
    public SluiceBuilder responseTimeout(Duration responseTimeout) {
        this.responseTimeout = responseTimeout;
        return this;
    }

    private TlsConfig tls;
    private Http2Config http2;
    private Duration hsts;
    private Integer redirectToHttps;

    public SluiceBuilder listen(String host, int port) {
        this.listen = new HostPort(host, port);
        return this;
    }

    /**
     * Serves the listener over TLS with these certificates (e.g. {@code TlsConfig.of(Certificate.pem(cert, key))});
     * null for plain HTTP, the default. Use {@code uri("https", ...)} and {@code uri("wss", ...)}.
     */
    public SluiceBuilder tls(TlsConfig tls) {
        this.tls = tls;
        return this;
    }

    /** Whether the listener also speaks HTTP/2 (h2 by ALPN with {@link #tls}, else h2c), 100 streams a connection. */
    public SluiceBuilder http2(boolean on) {
        this.http2 = on ? Http2Config.DEFAULTS : null;
        return this;
    }

    /** {@code hsts: maxAge}: every response on the (TLS) listener gets {@code Strict-Transport-Security: max-age=N}. */
    public SluiceBuilder hsts(Duration maxAge) {
        this.hsts = maxAge;
        return this;
    }

    /** {@code redirect-to-https: port}: the (plain) listener answers every request with a 308 to HTTPS on that port. */
    public SluiceBuilder redirectToHttps(int port) {
        this.redirectToHttps = port;
        return this;
    }

    /**
     * Makes the listener a PROXY protocol one ({@code proxy-protocol: true}): each connection must
     * start with a v1 or v2 header from one of the {@link #trustedProxies}, whose carried address
     * is then the client's.
     */
    public SluiceBuilder proxyProtocol(boolean on) {
        this.proxyProtocol = on;
        return this;
    }

    /** Opens the admin API (health, status, metrics, faults) here, e.g. {@code admin("127.0.0.1", 0)}. */
    public SluiceBuilder admin(String host, int port) {
        this.admin = new AdminConfig(new HostPort(host, port)).withFaults(true);
        return this;
    }

    public SluiceBuilder trustedProxies(Cidr... blocks) {
        this.trustedProxies = List.of(blocks);
        return this;
    }

    /** Believes X-Forwarded-* from these blocks, e.g. {@code "127.0.0.1/32"}. */
    public SluiceBuilder trustedProxies(String... blocks) {
        return trustedProxies(Arrays.stream(blocks).map(Cidr::parse).toArray(Cidr[]::new));
    }

    public SluiceBuilder limits(LimitsConfig limits) {
        this.limits = limits;
        return this;
    }

    public SluiceBuilder drainTimeout(Duration drainTimeout) {
        this.drainTimeout = drainTimeout;
        return this;
    }

    public SluiceBuilder accessLog(AccessLogConfig accessLog) {
        this.accessLog = accessLog;
        return this;
    }

    /**
     * Whether the proxy records its HTTP exchanges and WebSocket messages ({@link Sluice#recording()});
     * on by default, message metadata only; turning it on keeps what {@link #recordPayloads}, {@link #recordingBudget}
     * and {@link #recordSecrets} set. Off, nothing is added to the request or tunnel path.
     */
    public SluiceBuilder recording(boolean on) {
        this.recording = on ? recordingOrDefault() : null;
        return this;
    }

    /**
     * Records WebSocket payloads too, the first {@code maxBytesPerMessage} bytes of each message
     * (a message's recorded length stays its whole length); 0 records none (the default).
     * Turns recording on.
     */
    public SluiceBuilder recordPayloads(int maxBytesPerMessage) {
        this.recording = recordingOrDefault().withPayloadBytes(maxBytesPerMessage);
        return this;
    }

    /**
     * How much the recording may hold ({@code recording.budget}; 16MiB by default): past it the
     * oldest exchanges and messages are forgotten. Turns recording on.
     */
    public SluiceBuilder recordingBudget(long bytes) {
        this.recording = recordingOrDefault().withBudget(bytes);
        return this;
    }

    /**
     * Whether the recording keeps the values of {@code Cookie}, {@code Set-Cookie},
     * {@code Authorization} and {@code Proxy-Authorization} as sent ({@code recording.keep-secrets});
     * by default they are recorded as {@code [redacted]}. Turns recording on.
     */
    public SluiceBuilder recordSecrets(boolean keep) {
        this.recording = recordingOrDefault().withKeepSecrets(keep);
        return this;
    }

    private RecordingConfig recordingOrDefault() {
        return recording == null ? RecordingConfig.METADATA : recording;
    }

    /**
     * The configuration this builder describes, made now from every call so far (so that their
     * order does not matter).
     */
    public SluiceConfig config() {
        Map<String, UpstreamConfig> allUpstreams = new LinkedHashMap<>(upstreams);
        List<RouteConfig> allRoutes = new ArrayList<>();
        int generated = 0;
        for (RouteSpec spec : routes) {
            if (spec instanceof GivenRoute given) {
                allRoutes.add(given.route());
            } else if (spec instanceof ServersRoute r) {
                String name;
                do {
                    name = GENERATED_PREFIX + (++generated);
                } while (upstreams.containsKey(name));
                allUpstreams.put(name, new UpstreamConfig(name,
                        r.servers().stream().map(uri -> new ServerConfig(uri, null)).toList(), null,
                        UpstreamConfig.DEFAULT_STICKY_COOKIE, UpstreamConfig.DEFAULT_CONNECT_TIMEOUT, responseTimeout,
                        UpstreamConfig.DEFAULT_MAX_CONNECTIONS_PER_SERVER));
                allRoutes.add(new RouteConfig(r.pathPrefix(), r.host(), name, r.stripPrefix(), r.websocket()));
            }
        }
        return new SluiceConfig("builder", List.of(new ListenerConfig(listen, tls, http2, proxyProtocol, hsts,
                        redirectToHttps)), admin,
                allUpstreams, allRoutes,
                limits, trustedProxies, accessLog, SluiceConfig.DEFAULT_ACCEPT_GRACE, drainTimeout, faults, recording,
                null);
    }

    /**
     * Looks up the host names of upstreams with {@code resolve-interval} with this rather than
     * DNS, e.g. a name that resolves to 127.0.0.1 and 127.0.0.2 (on Linux both are this machine).
     * Not in the YAML file: it stands in for DNS in tests.
     */
    public SluiceBuilder hostResolver(HostResolver resolver) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        return this;
    }

    public Sluice start() {
        return Sluice.start(config(), resolver);
    }

    private SluiceBuilder serversRoute(String host, String pathPrefix, boolean stripPrefix, WebSocketConfig websocket,
                                       URI... servers) {
        routes.add(new ServersRoute(host, pathPrefix, stripPrefix, websocket, List.of(servers)));
        return this;
    }
}
