package dev.sluice;

import dev.sluice.admin.AdminServer;
import dev.sluice.admin.RunningProxy;
import dev.sluice.config.AdminConfig;
import dev.sluice.config.ConfigException;
import dev.sluice.config.ConfigLoader;
import dev.sluice.config.ConfigRules;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.Plural;
import dev.sluice.config.RecordingConfig;
import dev.sluice.config.RouteConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.fault.Faults;
import dev.sluice.handler.ListenerEntry;
import dev.sluice.http.SocketAddresses;
import dev.sluice.observe.AccessLog;
import dev.sluice.observe.Metrics;
import dev.sluice.observe.ServedCertificate;
import dev.sluice.record.Recording;
import dev.sluice.runtime.HostResolver;
import dev.sluice.runtime.NameResolution;
import dev.sluice.tls.ListenerTls;
import dev.sluice.tls.LoadedCertificate;
import dev.sluice.tunnel.TunnelRegistry;
import dev.sluice.upstream.Server;
import dev.sluice.upstream.ServerBook;
import io.undertow.Undertow;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.handlers.GracefulShutdownHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.XnioWorker;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * A running proxy: its listeners, upstream pools and tunnels, built from one
 * {@link SluiceConfig}. Standalone ({@code bin/sluice}) or embedded in a test:
 *
 * <pre>{@code
 * try (Sluice proxy = Sluice.builder().route("/", URI.create("http://127.0.0.1:" + port)).start()) {
 *     URI ws = proxy.uri("ws", "/chat");
 *     ...
 *     await().until(() -> proxy.tunnels().open() == 0);
 * }
 * }</pre>
 */
public final class Sluice implements RunningProxy, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Sluice.class);
    private static final int BUFFER_SIZE = 16 * 1024;
    /** How long a keep-alive client connection may sit between requests. */
    private static final int KEEP_ALIVE_IDLE_MILLIS = 60_000;
    /**
     * How long closing the tunnels left after the drain may take before the worker stops: each
     * waits up to 5 s for a frame to end, then 1 s for its peers' Close.
     */
    private static final Duration CLOSE_ALL_TIMEOUT = Duration.ofSeconds(10);
    /** How long the pools a reload dropped stay open for the requests still using them. */
    private static final Duration RETIRE_AFTER = Duration.ofSeconds(60);

    private final XnioWorker worker;
    private final Metrics metrics = Metrics.create();
    private final ReloadRefusals refusals = new ReloadRefusals(metrics);
    private final TunnelRegistry tunnels;
    private final Faults faults;
    private final AtomicReference<Snapshot> current = new AtomicReference<>();
    private final Snapshot.Shared shared;
    private final AccessLog accessLog;
    private final GracefulShutdownHandler graceful;
    private final Undertow server;
    private final List<InetSocketAddress> addresses;
    /** The listeners Sluice binds itself (TLS, PROXY protocol), in config order; null for Undertow's. */
    private List<BoundListener> bound = List.of();
    private final AdminServer admin;
    private final Recording recording;
    /** Per listener, in config order: what a TLS listener serves now (swapped on reload), null for plain HTTP. */
    private volatile List<ListenerTls> tls;
    private final List<Undertow.ListenerInfo> listenerInfos;
    /** Per listener, in config order: its root handler, which applies its hsts and redirect-to-https. */
    private final List<ListenerEntry> entries = new ArrayList<>();
    /** What relative paths in the file are against when it is read again on reload; null: the working directory. */
    private final Path home;
    private volatile Instant configLoadedAt = Instant.now();
    private volatile boolean draining;
    private boolean closed;

    private Sluice(SluiceConfig config, Path home, HostResolver resolver) {
        this.home = home;
        ConfigRules.requireValid(config); // a config built in code meets the same rules as a file
        int ioThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
        this.recording = config.recording() == null ? Recording.off() : Recording.on(config.recording());
        this.accessLog = openAccessLog(config);
        this.tunnels = new TunnelRegistry(metrics, accessLog, recording);
        this.faults = new Faults(tunnels::list, () -> current.get().config().routes().stream().map(RouteConfig::path)
                .distinct().toList());
        this.worker = ServerOptions.worker(ioThreads);
        ByteBufferPool buffers = new DefaultByteBufferPool(true, BUFFER_SIZE);
        this.shared = new Snapshot.Shared(worker, tunnels, buffers, accessLog, metrics, recording, faults,
                new ServerBook(Clock.systemUTC()), new NameResolution(resolver), new ServerMeters(metrics, current::get));
        metrics.config(config.hash(), configLoadedAt);
        try {
            tls = ListenerCertificates.load(config);
            current.set(Snapshot.compile(config, null, shared));
            current.get().commit(shared.servers(), shared.serversChanged());
            faults.replaceConfigured(config.faults());
            // Each request runs on the snapshot current when it arrives (see reload).
            graceful = new GracefulShutdownHandler(exchange -> current.get().handler().handleRequest(exchange));
            config.listeners().forEach(listener -> entries.add(new ListenerEntry(graceful, listener)));
            OptionMap serverOptions = ServerOptions.of(config, KEEP_ALIVE_IDLE_MILLIS);
            Undertow.Builder builder = Undertow.builder()
                    .setWorker(worker)
                    .setByteBufferPool(buffers)
                    .setSocketOption(Options.TCP_NODELAY, true)
                    .setHandler(graceful);
            ServerOptions.apply(serverOptions, builder);
            for (int i = 0; i < config.listeners().size(); i++) {
                ListenerConfig listener = config.listeners().get(i);
                if (!BoundListener.bindsItself(listener)) { // TLS, HTTP/2 and PROXY listeners are bound below
                    builder.addListener(new Undertow.ListenerBuilder().setType(Undertow.ListenerType.HTTP)
                            .setHost(listener.address().host()).setPort(listener.address().port())
                            .setRootHandler(entries.get(i)));
                }
            }
            server = builder.build();
            start(server, config);
            bound = bindOwnListeners(config, buffers, serverOptions);
            listenerInfos = undertowListeners(config);
            addresses = listenerAddresses(config);
            admin = config.admin() == null ? null : startAdmin(config);
        } catch (RuntimeException e) {
            stopAll();
            throw e;
        }
        for (int i = 0; i < addresses.size(); i++) {
            InetSocketAddress address = addresses.get(i);
            log.info("SLU0001 listening on {}://{}:{} ({}, config {} {})", tls.get(i) == null ? "http" : "https",
                    address.getAddress().getHostAddress(), address.getPort(), Plural.of(config.routes().size(), "route"),
                    config.source(), config.hash());
        }
        ListenerCertificates.warn(config, tls);
        metrics.certificates(certificates());
        for (int i = 0; i < addresses.size(); i++) {
            if (config.listeners().get(i).proxyProtocol()) {
                log.info("SLU5006 {} reads a PROXY protocol header (v1 or v2) first, from trusted-proxies {} only",
                        SocketAddresses.text(addresses.get(i)), config.trustedProxies());
            }
        }
    }

    @Override
    public List<ServedCertificate> certificates() {
        List<ListenerTls> served = tls;
        List<ServedCertificate> certificates = new ArrayList<>();
        for (int i = 0; i < served.size(); i++) {
            if (served.get(i) != null) {
                String listener = SocketAddresses.text(addresses.get(i));
                for (LoadedCertificate c : served.get(i).certificates()) {
                    certificates.add(new ServedCertificate(listener, c.name(), c.names(), c.notAfter(), c.file()));
                }
            }
        }
        return certificates;
    }

    /** What each listener serves over TLS now, in config order; null for a plain HTTP listener. */
    public List<ListenerTls> listenerTls() {
        return java.util.Collections.unmodifiableList(tls);
    }

    /** Binds the TLS and PROXY protocol listeners (Undertow binds the others); in config order, null for Undertow's. */
    private List<BoundListener> bindOwnListeners(SluiceConfig config, ByteBufferPool buffers, OptionMap serverOptions) {
        List<BoundListener> listeners = new ArrayList<>();
        try {
            for (int i = 0; i < config.listeners().size(); i++) {
                ListenerConfig listener = config.listeners().get(i);
                if (!BoundListener.bindsItself(listener)) {
                    listeners.add(null);
                    continue;
                }
                try {
                    listeners.add(BoundListener.start(worker, listener, tls.get(i) == null ? null : tls.get(i).context(),
                            entries.get(i), buffers, serverOptions, () -> current.get().config().trustedProxies(),
                            config.limits().requestHeaderTimeout(), config.limits().sendTimeout()));
                } catch (IOException e) {
                    throw new SluiceException("cannot listen on " + listener.address() + ": " + e.getMessage(), e);
                }
            }
        } catch (RuntimeException e) {
            listeners.stream().filter(Objects::nonNull).forEach(BoundListener::close);
            throw e;
        }
        return java.util.Collections.unmodifiableList(listeners);
    }

    /** Undertow's listener for each client listener, in config order; null for one Sluice binds itself. */
    private List<Undertow.ListenerInfo> undertowListeners(SluiceConfig config) {
        Iterator<Undertow.ListenerInfo> infos = server.getListenerInfo().iterator();
        return java.util.Collections.unmodifiableList(config.listeners().stream()
                .map(listener -> BoundListener.bindsItself(listener) ? null : infos.next())
                .collect(Collectors.toList()));
    }

    /** Every client listener's bound address, in config order. */
    private List<InetSocketAddress> listenerAddresses(SluiceConfig config) {
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (int i = 0; i < config.listeners().size(); i++) {
            Undertow.ListenerInfo info = listenerInfos.get(i);
            addresses.add(info == null ? bound.get(i).address() : (InetSocketAddress) info.getAddress());
        }
        return List.copyOf(addresses);
    }

    private AdminServer startAdmin(SluiceConfig config) {
        try {
            return AdminServer.start(this, config.admin().address(), worker, config.limits().requestHeaderTimeout(),
                    Duration.ofMillis(KEEP_ALIVE_IDLE_MILLIS));
        } catch (IllegalStateException e) {
            throw new SluiceException(e.getMessage(), e.getCause());
        }
    }

    /**
     * Binds every listener and starts serving; throws {@link SluiceException} when a port cannot be
     * bound. It records what crosses it when the configuration has {@code recording} (see
     * {@link #recording()}).
     */
    public static Sluice start(SluiceConfig config) {
        return new Sluice(config, null, HostResolver.SYSTEM);
    }

    /** With host names looked up by {@code resolver} rather than DNS (a test's, from {@link SluiceBuilder}). */
    static Sluice start(SluiceConfig config, HostResolver resolver) {
        return new Sluice(config, null, resolver);
    }

    /**
     * {@link #start(SluiceConfig)} for a configuration loaded with {@code ConfigLoader.load(file, home)}:
     * {@link #reload()} reads the file again against the same home ({@code bin/sluice} passes the
     * distribution's).
     */
    public static Sluice start(SluiceConfig config, Path home) {
        return new Sluice(config, home, HostResolver.SYSTEM);
    }

    /**
     * What {@code sluice --check} does after reading the file, like {@code nginx -t}: reads every
     * certificate, key and CA file as a start would (each key against its certificate, protocols
     * and ciphers against this JDK) and opens the access log file for appending.
     *
     * @return what is wrong, one line each; empty when the configuration can start
     */
    public static List<String> check(SluiceConfig config) {
        return StartChecks.problems(config);
    }

    /**
     * Starts a proxy for a test from YAML text, as {@code bin/sluice} would from a file with that
     * text ({@code ${VAR}} from the environment), recording and closing at once as a builder's
     * proxy does unless the text says otherwise ({@link #recorded}). Listen on port 0:
     * {@code listeners: [ { address: 127.0.0.1:0 } ]}.
     *
     * @throws ConfigException with every problem, each at its line and column
     */
    public static Sluice startYaml(String yaml) throws ConfigException {
        return start(recorded(ConfigLoader.parse(yaml, "yaml", System.getenv())));
    }

    /**
     * Starts a proxy for a test from a YAML file, as {@code bin/sluice -c FILE} would, recording and
     * closing at once as a builder's proxy does unless the file says otherwise ({@link #recorded});
     * {@link #reload()} reads the file again.
     */
    public static Sluice startFile(Path file) throws ConfigException {
        return start(recorded(ConfigLoader.load(file)));
    }

    /**
     * {@code config} as a test's proxy runs it: recording at least message metadata, with
     * {@code /faults} on the admin API unless the file says {@code faults: false}, and closing at
     * once as a builder's proxy does (drain timeout 0) unless the file sets
     * {@code shutdown.drain-timeout} itself ({@link SluiceConfig#drainTimeoutSet()}): a test has no
     * clients to let finish, only its own that have given up, and a request a {@code blackhole}
     * fault holds would otherwise keep {@link #close()} waiting the default 30 s.
     */
    public static SluiceConfig recorded(SluiceConfig config) {
        SluiceConfig recorded = config.recording() != null ? config : config.withRecording(RecordingConfig.METADATA);
        if (!recorded.drainTimeoutSet()) {
            recorded = recorded.withDrainTimeout(Duration.ZERO, false);
        }
        AdminConfig admin = recorded.admin();
        return admin == null || admin.faults() != null ? recorded : recorded.withAdmin(admin.withFaults(true));
    }

    /** A fixture-style proxy on 127.0.0.1 port 0; see {@link SluiceBuilder}. */
    public static SluiceBuilder builder() {
        return new SluiceBuilder();
    }

    /** Actual bound addresses of the client listeners, in config order. */
    public List<InetSocketAddress> listenerAddresses() {
        return addresses;
    }

    /** Port of the first listener. */
    public int port() {
        return addresses.get(0).getPort();
    }

    /** {@code scheme://HOST:port/path} on the first listener, e.g. {@code uri("ws", "/chat")}. */
    public URI uri(String scheme, String path) {
        InetSocketAddress address = addresses.get(0);
        String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getAddress().getHostAddress();
        if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        return URI.create(scheme + "://" + host + ":" + address.getPort() + path);
    }

    @Override
    public Map<String, List<Server>> upstreamServers() {
        return current.get().servers();
    }

    /** Opens every log file Sluice writes again by its name (SIGUSR1, after logrotate renamed them). */
    public void reopenLogs() {
        if (accessLog != null) {
            accessLog.reopen();
        }
    }

    /** The open tunnels, live. */
    @Override
    public TunnelRegistry tunnels() {
        return tunnels;
    }

    /** The faults switched on: add, list and remove them at run time (see {@link Faults}). */
    public Faults faults() {
        return faults;
    }

    /**
     * The HTTP exchanges and WebSocket messages this proxy recorded, for assertions and as a HAR
     * file, as the configuration's {@code recording} says. A proxy from {@link #builder()}
     * records unless told not to; one from a file without {@code recording} does not, and its
     * recording's lists stay empty.
     */
    public Recording recording() {
        return recording;
    }

    /** Where the admin API listens, or null when {@code admin} is not configured. */
    public InetSocketAddress adminAddress() {
        return admin == null ? null : admin.address();
    }

    /** The proxy's metrics; {@code metrics().scrape()} is what the admin API's /metrics shows. */
    public Metrics metrics() {
        return metrics;
    }

    /** Whether this proxy wants new traffic: true once started, false from the moment a stop begins. */
    public boolean isReady() {
        return !draining;
    }

    /** When the configuration in force was loaded: at start, or by the last reload. */
    public Instant configLoadedAt() {
        return configLoadedAt;
    }

    /** The configuration in force now (the last one loaded). */
    public SluiceConfig config() {
        return current.get().config();
    }

    /**
     * Reads the configuration file this proxy was started from again and {@link #reload(SluiceConfig)
     * switches} to it.
     *
     * @throws ConfigException when the file has problems (every one, with its place); the running
     *                         configuration stays
     */
    public void reload() throws ConfigException {
        String source = config().source();
        Path file = Path.of(source);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("this proxy was not started from a file (" + source + "): reload(SluiceConfig)");
        }
        SluiceConfig next;
        try {
            next = ConfigLoader.load(file, home);
        } catch (ConfigException e) {
            refusals.invalid(source, e);
            throw e;
        }
        reload(next);
    }

    /**
     * Switches to a new configuration: requests that arrive from now on use it; requests in
     * flight and open tunnels go on with the one they started with. Upstreams whose settings are
     * unchanged keep their pools and pooled connections. Listener addresses, the access log and
     * the request-head limits are fixed at start: a config that changes them is refused.
     *
     * @throws SluiceException when {@code next} changes what only a restart can; the running
     *                         configuration stays
     */
    public synchronized void reload(SluiceConfig next) {
        if (closed) {
            throw new SluiceException("the proxy is stopped");
        }
        Snapshot previous = current.get();
        try {
            ConfigRules.validate(next);
        } catch (ConfigException e) {
            throw new SluiceException("reload refused:" + refusals.invalid(next.source(), e), e);
        }
        next = Unsaid.keptFrom(previous.config(), next);
        List<String> restartOnly = RestartOnly.changes(previous.config(), next);
        if (!restartOnly.isEmpty()) {
            throw refusals.restartOnly(restartOnly);
        }
        List<ListenerTls> nextTls;
        try {
            nextTls = ListenerCertificates.load(next);
        } catch (SluiceException e) {
            throw refusals.certificates(next.source(), e);
        }
        Snapshot compiled;
        try {
            compiled = Snapshot.compile(next, previous, shared);
        } catch (SluiceException e) {
            throw refusals.upstreams(next.source(), e);
        }
        current.set(compiled);
        compiled.commit(shared.servers(), shared.serversChanged());
        // New handshakes get the new certificates, protocols and ciphers; open connections keep theirs.
        for (int i = 0; i < nextTls.size(); i++) {
            if (nextTls.get(i) != null) {
                bound.get(i).setSslContext(nextTls.get(i).context());
            }
        }
        tls = nextTls;
        for (int i = 0; i < entries.size(); i++) {
            entries.get(i).configure(next.listeners().get(i)); // same listeners: only a restart changes them
        }
        ListenerCertificates.warn(next, nextTls);
        metrics.certificates(certificates());
        metrics.keepRoutes(compiled.routeKeys());
        faults.replaceConfigured(next.faults());
        configLoadedAt = Instant.now();
        metrics.reloaded(true);
        metrics.config(next.hash(), configLoadedAt);
        // Requests still running on the old snapshot may use its dropped pools for a while yet.
        List<Snapshot.Upstream> dropped = previous.droppedBy(compiled);
        dropped.forEach(u -> u.client().pool().stopChecks());
        if (!dropped.isEmpty()) {
            worker.getIoThread().executeAfter(() -> dropped.forEach(Snapshot.Upstream::close),
                    RETIRE_AFTER.toMillis(), TimeUnit.MILLISECONDS);
        }
        log.info("SLU0005 reloaded {} (config {}): {}, {} ({} dropped, the rest kept with their connections)",
                next.source(), next.hash(), Plural.of(next.routes().size(), "route"),
                Plural.of(next.upstreams().size(), "upstream"), dropped.size());
    }

    /**
     * Stops accepting, lets in-flight requests and open tunnels finish for up to the drain
     * timeout, then closes what is left and releases every thread and socket.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        draining = true; // readiness turns 503 at once
        Duration grace = config().acceptGrace();
        if (!grace.isZero()) {
            // Load balancers poll readiness: keep accepting until they have seen the 503.
            log.info("SLU0009 not ready; accepting for {} ms more (shutdown.accept-grace)", grace.toMillis());
            try {
                Thread.sleep(grace.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long deadline = System.nanoTime() + config().drainTimeout().toNanos();
        // Undertow.stop() only closes the listening sockets when the worker is ours; a listener's
        // suspend() would also close every open connection, tunnels included, with no drain.
        server.stop();
        bound.stream().filter(Objects::nonNull).forEach(BoundListener::close);
        graceful.shutdown();
        try {
            graceful.awaitShutdown(Math.max(0, remainingMillis(deadline)));
            tunnels.awaitNoneOpen(Duration.ofMillis(Math.max(0, remainingMillis(deadline))));
            int left = tunnels.open();
            if (left > 0) {
                log.info("SLU0003 closing {} still open after the drain timeout", Plural.of(left, "tunnel"));
                // Each tunnel closes on its own IO thread: wait for every one, so that all are
                // closed and logged while the worker still runs.
                int stuck = tunnels.closeAll("drain", CLOSE_ALL_TIMEOUT);
                if (stuck > 0) {
                    log.warn("SLU0004 {} not closed within {} ms; stopping anyway", Plural.of(stuck, "tunnel"),
                            CLOSE_ALL_TIMEOUT.toMillis());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopAll();
        log.info("SLU0002 stopped");
    }

    private void stopAll() {
        if (server != null) {
            server.stop();
        }
        bound.stream().filter(Objects::nonNull).forEach(BoundListener::close);
        if (admin != null) {
            admin.close();
        }
        shared.names().close();
        Snapshot snapshot = current.get();
        if (snapshot != null) {
            snapshot.close();
        }
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tunnels.close();
        metrics.close();
        if (accessLog != null) {
            accessLog.close();
        }
    }

    private static AccessLog openAccessLog(SluiceConfig config) {
        try {
            return AccessLog.open(config.accessLog());
        } catch (IOException e) {
            throw new SluiceException("cannot open the access log " + config.accessLog().file() + ": " + e.getMessage(), e);
        }
    }

    private static void start(Undertow server, SluiceConfig config) {
        try {
            server.start();
        } catch (RuntimeException e) {
            Throwable cause = e;
            while (cause != null && !(cause instanceof BindException)) {
                cause = cause.getCause();
            }
            if (cause != null) {
                throw new SluiceException("cannot listen on " + config.listeners().stream()
                        .map(l -> l.address().toString()).toList() + ": " + cause.getMessage(), e);
            }
            throw new SluiceException("cannot start: " + e.getMessage(), e);
        }
    }

    private static long remainingMillis(long deadlineNanos) {
        return TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    }
}
