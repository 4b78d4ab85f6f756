package dev.sluice;

import dev.sluice.builtin.EchoUpstream;
import dev.sluice.config.ListenerConfig;
import dev.sluice.config.RouteConfig;
import dev.sluice.config.SluiceConfig;
import dev.sluice.config.UpstreamConfig;
import dev.sluice.handler.ForwardedHeaders;
import dev.sluice.handler.HandlerChain;
import dev.sluice.observe.AccessLog;
import dev.sluice.runtime.Route;
import dev.sluice.runtime.RouteTable;
import dev.sluice.runtime.UpstreamClient;
import dev.sluice.runtime.UpstreamPool;
import dev.sluice.tunnel.TunnelRegistry;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.handlers.GracefulShutdownHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
public final class Sluice implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Sluice.class);
    private static final int BUFFER_SIZE = 16 * 1024;
    /** How long a keep-alive client connection may sit between requests. */
    private static final int KEEP_ALIVE_IDLE_MILLIS = 60_000;
    /**
     * How long closing the tunnels left after the drain may take before the worker stops: each
     * waits up to 5 s for a frame to end, then 1 s for its peers' Close.
     */
    private static final Duration CLOSE_ALL_TIMEOUT = Duration.ofSeconds(10);

    private final SluiceConfig config;
    private final XnioWorker worker;
    private final List<EchoUpstream> builtins;
    private final List<UpstreamPool> pools;
    private final TunnelRegistry tunnels = new TunnelRegistry();
    private final AccessLog accessLog;
    private final GracefulShutdownHandler graceful;
    private final Undertow server;
    private final List<InetSocketAddress> addresses;
    private boolean closed;

    private Sluice(SluiceConfig config) {
        dev.sluice.config.ConfigRules.requireValid(config); // a config built in code meets the rules here
        this.config = config;
        int ioThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
        this.accessLog = openAccessLog(config);
        this.worker = createWorker(ioThreads);
        this.builtins = new ArrayList<>();
        this.pools = new ArrayList<>();
        try {
            Map<String, UpstreamClient> clients = new LinkedHashMap<>();
            for (UpstreamConfig upstream : config.upstreams().values()) {
                UpstreamPool pool = new UpstreamPool(upstream, serversOf(upstream), ioThreads);
                pools.add(pool);
                clients.put(upstream.name(), new UpstreamClient(pool));
            }
            List<Route> routes = new ArrayList<>();
            for (RouteConfig route : config.routes()) {
                routes.add(new Route(route, clients.get(route.upstream()).pool()));
            }
            ByteBufferPool buffers = new DefaultByteBufferPool(true, BUFFER_SIZE);
            graceful = new GracefulShutdownHandler(HandlerChain.build(new RouteTable(routes), clients, tunnels,
                    new ForwardedHeaders(config.trustedProxies()), config.limits(), buffers, accessLog));
            Undertow.Builder builder = Undertow.builder()
                    .setWorker(worker)
                    .setByteBufferPool(buffers)
                    .setServerOption(UndertowOptions.MAX_HEADER_SIZE, HandlerChain.parserHeaderCeiling(config.limits()))
                    // No limit here: limits.max-request-body-size is counted by RequestLimitsHandler. Undertow
                    // 2.4.4's own counter prints a raw stack trace to System.err every time a chunked
                    // body goes past it (ChunkedStreamSourceConduit$MaxEntitySizeChecker).
                    .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, -1L)
                    .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT,
                            (int) config.limits().requestHeaderTimeout().toMillis())
                    .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, KEEP_ALIVE_IDLE_MILLIS)
                    // Undertow.build() turns this on for HTTP listeners. It holds each response to a
                    // pipelined request back until a later request completes with nothing behind it:
                    // behind a half-sent next request the answer never leaves, and behind bytes that
                    // fail to parse it is dropped for the 400. Without it each response goes out at once.
                    .setServerOption(UndertowOptions.BUFFER_PIPELINED_DATA, false)
                    .setSocketOption(Options.TCP_NODELAY, true)
                    .setHandler(graceful);
            for (ListenerConfig listener : config.listeners()) {
                builder.addHttpListener(listener.address().port(), listener.address().host());
            }
            server = builder.build();
            start(server, config);
            addresses = server.getListenerInfo().stream()
                    .map(info -> (InetSocketAddress) info.getAddress())
                    .toList();
        } catch (RuntimeException e) {
            stopAll();
            throw e;
        }
        for (InetSocketAddress address : addresses) {
            log.info("SLU0001 listening on http://{}:{} ({} routes, config {})",
                    address.getAddress().getHostAddress(), address.getPort(), config.routes().size(), config.source());
        }
    }

    /** Binds every listener and starts serving; throws {@link SluiceException} when a port cannot be bound. */
    public static Sluice start(SluiceConfig config) {
        return new Sluice(config);
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

    /** The open tunnels, live. */
    public TunnelRegistry tunnels() {
        return tunnels;
    }

    public SluiceConfig config() {
        return config;
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
        long deadline = System.nanoTime() + config.drainTimeout().toNanos();
        // Undertow.stop() only closes the listening sockets when the worker is ours; a listener's
        // suspend() would also close every open connection, tunnels included, with no drain.
        server.stop();
        graceful.shutdown();
        try {
            graceful.awaitShutdown(Math.max(0, remainingMillis(deadline)));
            tunnels.awaitNoneOpen(Duration.ofMillis(Math.max(0, remainingMillis(deadline))));
            int left = tunnels.open();
            if (left > 0) {
                log.info("SLU0003 closing {} tunnels still open after the drain timeout", left);
                // Each tunnel closes on its own IO thread: wait for every one, so that all are
                // closed and logged while the worker still runs.
                int stuck = tunnels.closeAll("drain", CLOSE_ALL_TIMEOUT);
                if (stuck > 0) {
                    log.warn("SLU0004 {} tunnels did not close within {} ms; stopping anyway", stuck,
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
        pools.forEach(UpstreamPool::close);
        builtins.forEach(EchoUpstream::close);
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tunnels.close();
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

    private List<URI> serversOf(UpstreamConfig upstream) {
        if (upstream.builtin() == null) {
            return upstream.servers().stream().map(s -> s.url()).toList();
        }
        EchoUpstream echo = EchoUpstream.start(worker);
        builtins.add(echo);
        return List.of(echo.uri());
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

    private static XnioWorker createWorker(int ioThreads) {
        try {
            return Xnio.getInstance(Undertow.class.getClassLoader()).createWorker(OptionMap.builder()
                    .set(Options.WORKER_NAME, "sluice")
                    .set(Options.WORKER_IO_THREADS, ioThreads)
                    .set(Options.WORKER_TASK_CORE_THREADS, 2)
                    .set(Options.WORKER_TASK_MAX_THREADS, ioThreads * 4)
                    .set(Options.TCP_NODELAY, true)
                    .getMap());
        } catch (IOException e) {
            throw new SluiceException("cannot start the I/O threads: " + e.getMessage(), e);
        }
    }

    private static long remainingMillis(long deadlineNanos) {
        return TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    }
}
