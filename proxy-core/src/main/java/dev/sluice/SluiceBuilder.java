package dev.sluice;

import dev.sluice.config.AccessLogConfig;
import dev.sluice.config.AdminConfig;
import dev.sluice.config.Cidr;
import dev.sluice.config.FaultConfig;
import dev.sluice.config.HostPort;
import dev.sluice.config.LimitsConfig;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.RecordingConfig;
import dev.sluice.config.RouteConfig;
import dev.sluice.config.ServerConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.config.UpstreamConfig;
import dev.sluice.config.WebSocketConfig;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a proxy for a test: listens on 127.0.0.1 port 0, no access log, records exchanges and
 * message metadata ({@link Sluice#recording()}), and closes at once (drain timeout 0) unless
 * told otherwise. Each {@code route(..., URI...)} gets an upstream of
 * its own; {@link #upstream} and {@link #route(RouteConfig)} take whole config records for
 * anything else (sticky jvmRoutes, several routes to one upstream).
 */
public final class SluiceBuilder {
    private final Map<String, UpstreamConfig> upstreams = new LinkedHashMap<>();
    private final List<RouteConfig> routes = new ArrayList<>();
    private final List<FaultConfig> faults = new ArrayList<>();
    private HostPort listen = new HostPort("127.0.0.1", 0);
    private AdminConfig admin;
    private List<Cidr> trustedProxies = List.of();
    private LimitsConfig limits = LimitsConfig.DEFAULTS;
    private Duration drainTimeout = Duration.ZERO;
    private AccessLogConfig accessLog = AccessLogConfig.OFF;
    private Duration responseTimeout = UpstreamConfig.DEFAULT_RESPONSE_TIMEOUT;
    private RecordingConfig recording = RecordingConfig.METADATA;

    SluiceBuilder() {
    }

    /** Routes requests under this path prefix to these servers, WebSocket defaults. */
    public SluiceBuilder route(String pathPrefix, URI... servers) {
        return route(pathPrefix, WebSocketConfig.DEFAULTS, servers);
    }

    /** Routes requests under this path prefix to these servers, with these WebSocket settings. */
    public SluiceBuilder route(String pathPrefix, WebSocketConfig websocket, URI... servers) {
        return route(new RouteConfig(pathPrefix, null, newUpstream(servers), false, websocket));
    }

    /** Routes requests for this host (null: any) under this path prefix, optionally stripping the prefix. */
    public SluiceBuilder route(String host, String pathPrefix, boolean stripPrefix, URI... servers) {
        return route(new RouteConfig(pathPrefix, host, newUpstream(servers), stripPrefix, WebSocketConfig.DEFAULTS));
    }

    /** Adds a route as the YAML file would; its upstream must be added with {@link #upstream}. */
    public SluiceBuilder route(RouteConfig route) {
        routes.add(route);
        return this;
    }

    /** Adds an upstream as the YAML file would, e.g. servers with their Tomcat jvmRoutes. */
    public SluiceBuilder upstream(UpstreamConfig upstream) {
        upstreams.put(upstream.name(), upstream);
        return this;
    }

    /** A fault switched on from the start, as in the YAML file's {@code faults:}; see also {@link Sluice#faults()}. */
    public SluiceBuilder fault(FaultConfig fault) {
        faults.add(fault);
        return this;
    }

    /** {@code response-timeout} of the upstreams that {@code route(..., URI...)} makes. */
    public SluiceBuilder responseTimeout(Duration responseTimeout) {
        this.responseTimeout = responseTimeout;
        return this;
    }

    public SluiceBuilder listen(String host, int port) {
        this.listen = new HostPort(host, port);
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

    /** The configuration this builder describes. */
    public SluiceConfig config() {
        return new SluiceConfig("builder", List.of(new ListenerConfig(listen)), admin, upstreams, routes,
                limits, trustedProxies, accessLog, SluiceConfig.DEFAULT_ACCEPT_GRACE, drainTimeout, faults, recording,
                null);
    }

    public Sluice start() {
        return Sluice.start(config());
    }

    private String newUpstream(URI... servers) {
        String name = "upstream-" + (upstreams.size() + 1);
        // The response timeout is read when the upstream is made: set it before the routes.
        upstreams.put(name, new UpstreamConfig(name,
                Arrays.stream(servers).map(uri -> new ServerConfig(uri, null)).toList(), null,
                UpstreamConfig.DEFAULT_STICKY_COOKIE, UpstreamConfig.DEFAULT_CONNECT_TIMEOUT, responseTimeout,
                UpstreamConfig.DEFAULT_MAX_CONNECTIONS_PER_SERVER));
        return name;
    }
}
