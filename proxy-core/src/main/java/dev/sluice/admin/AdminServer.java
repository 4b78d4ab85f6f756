package dev.sluice.admin;

import dev.sluice.config.AdminConfig;
import dev.sluice.config.ConfigException;
import dev.sluice.config.ConfigProblem;
import dev.sluice.config.HostPort;
import dev.sluice.observe.Metrics;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.XnioWorker;

import java.io.IOException;
import java.time.Duration;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.stream.Collectors;

import static dev.sluice.admin.AdminAnswers.empty;
import static dev.sluice.admin.AdminAnswers.notAllowed;
import static dev.sluice.admin.AdminAnswers.send;
import static dev.sluice.admin.AdminAnswers.stream;
import static dev.sluice.admin.AdminAnswers.text;

/**
 * The admin listener ({@code admin.address}): health and readiness for load balancers and
 * Kubernetes, the status as JSON and as a page a person reads, reload, and faults switched on
 * and off at run time. Bad requests get a 4xx with a plain reason, never a stack trace.
 *
 * <pre>
 *   GET  /healthz   200 "ok" while the process runs
 *   GET  /readyz    200 "ready", 503 "draining" once a stop has begun
 *   GET  /status    JSON: config, listeners, routes, upstreams, open and recently closed tunnels
 *   GET  /metrics   the Prometheus text format; 404 saying what to add without Micrometer
 *   GET  /          the status page
 *   POST /reload    the configuration file read again: 200, or 400 with every problem
 *   GET  /recording the recorded exchanges and WebSocket messages as a HAR file (with {@code recording:})
 *   DELETE /recording  forgets them
 *   GET, POST, DELETE /faults; GET, DELETE /faults/NAME   faults at run time (see {@link FaultsEndpoint})
 * </pre>
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    private static final byte[] PAGE = load("status.html");

    private final Undertow server;
    private final InetSocketAddress address;

    private AdminServer(Undertow server) {
        this.server = server;
        this.address = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
    }

    /**
     * Binds the admin listener on the proxy's worker; warns when it is reachable from other hosts.
     * A client gets {@code headerTimeout} to send a request head and {@code idleTimeout} between
     * requests, as on the proxy's own listeners: a stuck scraper holds no connection for long.
     *
     * @throws IllegalStateException the address cannot be bound, with a message for the operator
     */
    public static AdminServer start(RunningProxy sluice, HostPort address, XnioWorker worker, Duration headerTimeout,
                                    Duration idleTimeout) {
        Undertow server = Undertow.builder()
                .setWorker(worker)
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, (int) headerTimeout.toMillis())
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, (int) idleTimeout.toMillis())
                .addHttpListener(address.port(), address.host())
                .setHandler(new AdminGuard(sluice, address, new Endpoints(sluice)))
                .build();
        try {
            server.start();
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot listen on " + address + " for the admin API: "
                    + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()), e);
        }
        AdminServer admin = new AdminServer(server);
        log.info("SLU0008 admin API on http://{}:{}/ (status page, /status, /metrics, /healthz, /readyz, /reload, /faults, /recording)",
                admin.address.getAddress().getHostAddress(), admin.address.getPort());
        if (!isLoopback(address.host())) {
            log.warn("SLU0007 the admin API on {} is reachable from other hosts: anyone who reaches it (and has its"
                    + " token, if admin.token is set) can reload the configuration{}{} (bind it to 127.0.0.1)", address,
                    faultsOn(sluice) ? ", inject faults into live traffic" : "",
                    sluice.recording().isOn() ? ", read the recorded traffic" : "");
        }
        return admin;
    }

    public InetSocketAddress address() {
        return address;
    }

    @Override
    public void close() {
        server.stop();
    }

    private static boolean faultsOn(RunningProxy proxy) {
        AdminConfig admin = proxy.config().admin();
        return admin != null && admin.faultsOn();
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static byte[] load(String name) {
        try (InputStream in = AdminServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One handler for the few paths there are. */
    private record Endpoints(RunningProxy sluice, FaultsEndpoint faults, UpstreamsEndpoint upstreams) implements HttpHandler {
        Endpoints(RunningProxy sluice) {
            this(sluice, new FaultsEndpoint(sluice), new UpstreamsEndpoint(sluice));
        }

        @Override
        public void handleRequest(HttpServerExchange exchange) throws IOException {
            if (exchange.isInIoThread()) {
                // A scrape walks every tunnel, a reload reads a file, POST /faults a body: not on an IO thread.
                exchange.dispatch(this);
                return;
            }
            String path = exchange.getRequestPath();
            HttpString method = exchange.getRequestMethod();
            if (FaultsEndpoint.serves(path)) {
                if (faultsOn(sluice)) {
                    faults.handle(exchange);
                } else {
                    text(exchange, StatusCodes.NOT_FOUND, "no such admin endpoint: " + path + " (fault injection is off"
                            + " here: admin.faults: true in the configuration turns it on)");
                }
                return;
            }
            if (UpstreamsEndpoint.serves(path)) {
                upstreams.handle(exchange);
                return;
            }
            switch (path) {
                case "/healthz" -> get(exchange, method, () -> text(exchange, StatusCodes.OK, "ok"));
                case "/readyz" -> get(exchange, method, () -> {
                    boolean ready = sluice.isReady();
                    text(exchange, ready ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE, ready ? "ready" : "draining");
                });
                case "/status" -> get(exchange, method, () -> send(exchange, StatusCodes.OK,
                        "application/json", StatusReport.of(sluice)));
                case "/" -> get(exchange, method, () -> {
                    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
                    exchange.getResponseSender().send(java.nio.ByteBuffer.wrap(PAGE));
                });
                case "/metrics" -> get(exchange, method, () -> {
                    if (sluice.metrics().isOn()) {
                        send(exchange, StatusCodes.OK, "text/plain; version=0.0.4; charset=utf-8", sluice.metrics().scrape());
                    } else {
                        text(exchange, StatusCodes.NOT_FOUND, Metrics.OFF_MESSAGE);
                    }
                });
                case "/reload" -> {
                    if (method.equals(Methods.POST)) {
                        reload(exchange);
                    } else {
                        notAllowed(exchange, "POST");
                    }
                }
                case "/recording" -> recording(exchange, method);
                default -> text(exchange, StatusCodes.NOT_FOUND, "no such admin endpoint: " + path
                        + " (there are /, /status, /metrics, /healthz, /readyz, /reload, /upstreams, /faults, /recording)");
            }
        }

        private void reload(HttpServerExchange exchange) {
            try {
                sluice.reload();
                text(exchange, StatusCodes.OK, "reloaded " + sluice.config().source() + " (config "
                        + sluice.config().hash() + ")");
            } catch (ConfigException e) {
                text(exchange, StatusCodes.BAD_REQUEST, e.problems().stream().map(ConfigProblem::toString)
                        .collect(Collectors.joining("\n")));
            } catch (RuntimeException refused) { // see RunningProxy.reload
                text(exchange, StatusCodes.BAD_REQUEST, refused.getMessage());
            }
        }

        /**
         * The recording as a HAR file (GET), streamed as it is written, or forgotten (DELETE); 404
         * when the proxy records nothing.
         */
        private void recording(HttpServerExchange exchange, HttpString method) throws IOException {
            boolean get = method.equals(Methods.GET) || method.equals(Methods.HEAD);
            if (!get && !method.equals(Methods.DELETE)) {
                notAllowed(exchange, "GET, DELETE");
            } else if (!sluice.recording().isOn()) {
                text(exchange, StatusCodes.NOT_FOUND, "this proxy records nothing: add 'recording: {}' to its"
                        + " configuration (it takes a restart)");
            } else if (get) {
                stream(exchange, "application/json", sluice.recording()::writeHar);
            } else {
                sluice.recording().clear();
                empty(exchange, StatusCodes.NO_CONTENT);
            }
        }

        private static void get(HttpServerExchange exchange, HttpString method, Runnable answer) {
            if (method.equals(Methods.GET) || method.equals(Methods.HEAD)) {
                answer.run();
            } else {
                notAllowed(exchange, "GET");
            }
        }
    }
}
