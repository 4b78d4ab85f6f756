package dev.sluice.runtime;

import dev.sluice.http.Answer;
import dev.sluice.http.UpstreamFailure;
import dev.sluice.observe.Metrics;
import dev.sluice.upstream.Server;
import dev.sluice.upstream.ServerChoice;
import dev.sluice.upstream.StickyRoute;
import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.UndertowClient;
import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.proxy.ProxyCallback;
import io.undertow.server.handlers.proxy.ProxyClient;
import io.undertow.server.handlers.proxy.ProxyConnection;
import io.undertow.server.handlers.proxy.ProxyConnectionPool;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@link ProxyClient} of one upstream: it chooses the server for each request and handshake
 * ({@link ServerChoice}: sticky route, then balance, skipping servers that are out or were
 * tried), takes a connection from that server's pool within a deadline (Undertow's pool has
 * none for the TCP connect), counts the request on the server while it runs, and marks the
 * exchange when no connection could be had, so that the answer is 502 (upstream unreachable)
 * or 503 (no server up) rather than Undertow's 503 for both.
 */
public final class UpstreamClient implements ProxyClient {
    /** Set when no connection to any server of the upstream could be made for this exchange. */
    public static final AttachmentKey<UpstreamFailure> CONNECT_FAILURE = AttachmentKey.create(UpstreamFailure.class);
    /** Set when the upstream connection failed after the request went out and before the answer's head came. */
    public static final AttachmentKey<UpstreamFailure> UPSTREAM_FAILURE = AttachmentKey.create(UpstreamFailure.class);
    /** Set when no server of the upstream may take the exchange (every one down, draining or disabled). */
    public static final AttachmentKey<UpstreamFailure> NO_SERVER = AttachmentKey.create(UpstreamFailure.class);
    /** The servers the exchange's request went to, the last one current. */
    static final AttachmentKey<Attempts> ATTEMPTS = AttachmentKey.create(Attempts.class);
    /** The upstream connection the exchange was given, so that a broken exchange can close it. */
    public static final AttachmentKey<ProxyConnection> CONNECTION = AttachmentKey.create(ProxyConnection.class);
    /** The request sent upstream on that connection, once it is sent. */
    static final AttachmentKey<SentRequest> SENT = AttachmentKey.create(SentRequest.class);

    private final UpstreamPool pool;
    private final Metrics metrics;
    private final ServerChoice choice;
    private final Target target;

    public UpstreamClient(UpstreamPool pool, Metrics metrics) {
        this.pool = pool;
        this.metrics = metrics;
        this.choice = pool.choice();
        this.target = new Target();
    }

    public Metrics metrics() {
        return metrics;
    }

    public UpstreamPool pool() {
        return pool;
    }

    @Override
    public ProxyTarget findTarget(HttpServerExchange exchange) {
        return target;
    }

    @Override
    public void getConnection(ProxyTarget ignored, HttpServerExchange exchange,
                              ProxyCallback<ProxyConnection> callback, long timeout, TimeUnit unit) {
        connect(exchange, callback, timeout, unit, false);
    }

    /**
     * A connection of its own for a WebSocket handshake: outside the pool's count, so handshakes
     * never queue behind the pooled connections' limit (a burst of a thousand handshakes on one IO
     * thread waited for pooled slots that only a completed switch frees), as tunnels do not count
     * against {@code max-connections-per-server}. An idle pooled connection is still taken when there
     * is one. It never goes back to the pool: the caller closes it unless it becomes a tunnel.
     */
    public void connectForHandshake(HttpServerExchange exchange, ProxyCallback<ProxyConnection> callback) {
        connect(exchange, callback, -1, pool.timeoutUnit(), true);
    }

    private void connect(HttpServerExchange exchange, ProxyCallback<ProxyConnection> callback, long timeout,
                         TimeUnit unit, boolean exclusive) {
        ResponseDeadline deadline = exchange.getAttachment(ResponseDeadline.KEY);
        if (deadline != null && deadline.gaveUp()) {
            // Undertow retries an idempotent request that failed; one that timed out is not
            // retried, or a slow upstream would be asked again and again.
            callback.couldNotResolveBackend(exchange);
            return;
        }
        Attempts attempts = exchange.getAttachment(ATTEMPTS);
        if (attempts == null) {
            attempts = new Attempts();
            exchange.putAttachment(ATTEMPTS, attempts);
            exchange.addExchangeCompleteListener(attempts);
        }
        String route = choice.sticky() ? stickyRoute(exchange) : null;
        Server server = choice.choose(route, attempts.tried);
        ProxyConnectionPool connections = server == null ? null : pool.poolOf(server);
        while (server != null && connections == null) {
            // dropped since it was chosen (its address left its name, resolve-interval): another one
            attempts.tried.add(server);
            server = choice.choose(route, attempts.tried);
            connections = server == null ? null : pool.poolOf(server);
        }
        if (server == null) {
            if (exchange.getAttachment(CONNECT_FAILURE) == null) {
                exchange.putAttachment(NO_SERVER, new UpstreamFailure(Answer.NO_SERVER_UP,
                        "no server of upstream " + pool.name() + " is up", states()));
            }
            callback.couldNotResolveBackend(exchange);
            return;
        }
        attempts.moveTo(server);
        Once once = new Once(exchange, callback, server, connections);
        connections.connect(target, exchange, once, timeout, unit, exclusive);
        if (!once.done) {
            // Only a connect or a wait for a busy pool needs a deadline; an idle pooled
            // connection was handed over above, without one.
            once.timer = IoThreads.executeAfter(exchange.getIoThread(), once::timedOut,
                    pool.timeoutUnit().toNanos(pool.connectTimeout()));
        }
    }

    /** The route a sticky session names, by cookie or by Tomcat's {@code ;jsessionid=} in the path. */
    private String stickyRoute(HttpServerExchange exchange) {
        String cookieName = pool.config().stickyCookie();
        String route = StickyRoute.fromCookies(exchange.getRequestHeaders().get(Headers.COOKIE), cookieName);
        if (route == null) {
            RequestPath path = exchange.getAttachment(RequestPath.KEY);
            route = StickyRoute.fromPath(path != null ? path.raw() : exchange.getRequestPath(), cookieName);
        }
        return route;
    }

    /** Each server's state, for the log line of a request no server could take. */
    private String states() {
        StringBuilder text = new StringBuilder();
        for (Server s : pool.servers()) {
            text.append(text.length() == 0 ? "" : ", ").append(s.name()).append(' ').append(s.state().text());
        }
        return text.toString();
    }

    /** The server the exchange's request went to last, or null when none was chosen. */
    public static Server serverOf(HttpServerExchange exchange) {
        Attempts attempts = exchange.getAttachment(ATTEMPTS);
        return attempts == null ? null : attempts.current;
    }

    /** A failure on live traffic, to the server the exchange's request went to. */
    public static void serverFailed(HttpServerExchange exchange, Server.Failure failure, String reason) {
        Server server = serverOf(exchange);
        if (server != null) {
            server.failed(failure, reason);
        }
    }

    /**
     * A new connection to one server of this upstream, outside the pool, within the connect
     * timeout. For a request that may be sent once more after its pooled connection failed.
     */
    public void connectNew(Server server, HttpServerExchange exchange, ClientCallback<ClientConnection> callback) {
        OptionMap options = pool.connectionOptions(server);
        if (options == null) {
            callback.failed(new IOException(server + " was dropped: its address left its name"));
            return;
        }
        boolean[] done = {false};
        XnioExecutor.Key timer = IoThreads.executeAfter(exchange.getIoThread(), () -> {
            if (!done[0]) {
                done[0] = true;
                callback.failed(new IOException("no connection within " + pool.connectTimeout() + " ms"));
            }
        }, pool.timeoutUnit().toNanos(pool.connectTimeout()));
        InetSocketAddress address = server.address();
        URI uri = GuardedHttpClientProvider.uriOf(address.isUnresolved() ? address.getHostString()
                : address.getAddress().getHostAddress(), address.getPort());
        UndertowClient.getInstance().connect(new ClientCallback<>() {
            @Override
            public void completed(ClientConnection connection) {
                if (done[0]) {
                    IoUtils.safeClose(connection);
                    return;
                }
                done[0] = true;
                if (timer != null) {
                    timer.remove();
                }
                callback.completed(new NotingConnection(connection, exchange));
            }

            @Override
            public void failed(IOException e) {
                if (!done[0]) {
                    done[0] = true;
                    if (timer != null) {
                        timer.remove();
                    }
                    callback.failed(e);
                }
            }
        }, uri, exchange.getIoThread(), null, exchange.getConnection().getByteBufferPool(), options);
    }

    /**
     * This client as Undertow's ProxyHandler uses it: the callback ProxyHandler retries with is
     * noted on the exchange, so that a request whose connection fails is ended by
     * {@link ForwardFailure}, quietly, rather than by ProxyHandler.
     */
    public ProxyClient forProxyHandler() {
        return new ProxyClient() {
            @Override
            public ProxyTarget findTarget(HttpServerExchange exchange) {
                return UpstreamClient.this.findTarget(exchange);
            }

            @Override
            public void getConnection(ProxyTarget target, HttpServerExchange exchange,
                                      ProxyCallback<ProxyConnection> callback, long timeout, TimeUnit unit) {
                exchange.putAttachment(ForwardFailure.RETRY, callback);
                UpstreamClient.this.getConnection(target, exchange, callback, timeout, unit);
            }
        };
    }

    /**
     * The upstream server whose response head this exchange's request got, or null when none came
     * (no connection, no answer in time: the answer was Sluice's own). With retries, the last one.
     */
    public static InetSocketAddress answeredBy(HttpServerExchange exchange) {
        SentRequest sent = exchange.getAttachment(SENT);
        if (sent == null || sent.getResponse() == null) {
            return null;
        }
        return sent.getConnection().getPeerAddress(InetSocketAddress.class);
    }

    /**
     * The handshake sent on {@code connection} became a tunnel. Undertow's client connection
     * keeps its last request, and the close listeners on it, for as long as the socket lives:
     * Sluice's wrappers on that path let go of the client's exchange (with its attachments,
     * about 1.1 KiB per idle tunnel).
     */
    public static void tunnelled(HttpServerExchange exchange, ClientConnection connection) {
        SentRequest sent = exchange.getAttachment(SENT);
        if (sent != null) {
            sent.forget();
        }
        if (connection instanceof NotingConnection noting) {
            noting.forget();
        }
    }

    /**
     * Gives up on the exchange's request upstream: closes its connection now (see
     * {@link #closeNow}), and {@code whenFailed} decides how the exchange ends. Undertow's
     * ProxyHandler would take that close for the upstream failing: log it as an error with a
     * stack trace (for every client that aborts an upload) and answer 503 or retry. So the
     * failure goes to {@code whenFailed} instead of the response listener it set.
     *
     * @param whenFailed runs once the request has failed, on this thread, unless the upstream's
     *                   response head had already arrived
     */
    public static void abandon(HttpServerExchange exchange, boolean reset, Runnable whenFailed) {
        SentRequest sent = exchange.getAttachment(SENT);
        if (sent != null) {
            sent.abandon(whenFailed);
        }
        ProxyConnection connection = exchange.getAttachment(CONNECTION);
        if (connection != null) {
            closeNow(connection.getConnection(), reset);
        }
    }

    /**
     * Closes an upstream connection now, optionally with a TCP reset. Undertow's own close()
     * is a clean close: it ends the current request's framing (for a chunked body that writes
     * the last-chunk marker) and then waits up to 10 s for the upstream to hang up first.
     * performUpgrade() is the one way Undertow's client hands out the raw socket; it also takes
     * the request's framing off it, so nothing more is written. The client's close listener
     * then fails the exchange in flight, as any lost connection does.
     */
    public static void closeNow(ClientConnection connection, boolean reset) {
        try {
            StreamConnection raw = connection.performUpgrade();
            if (reset) {
                raw.setOption(Options.CLOSE_ABORT, true);
            }
            IoUtils.safeClose(raw);
        } catch (IOException | RuntimeException e) {
            IoUtils.safeClose(connection);
        }
    }

    /** Each server once: their number may change between requests (resolve-interval). */
    private final class Target implements MaxRetriesProxyTarget {
        @Override
        public int getMaxRetries() {
            return Math.max(0, pool.maxConnectAttempts() - 1);
        }
    }

    /** The servers one exchange's request went to; the current one counts it as open until the exchange ends. */
    static final class Attempts implements ExchangeCompletionListener {
        final List<Server> tried = new ArrayList<>(2);
        Server current;

        void moveTo(Server server) {
            if (current != null) {
                current.requestEnded();
            }
            current = server;
            tried.add(server);
            server.requestStarted();
        }

        @Override
        public void exchangeEvent(HttpServerExchange exchange, NextListener next) {
            if (current != null) {
                current.requestEnded();
                // still named as the server that answered (access log, recording), no longer counted
            }
            next.proceed();
        }
    }

    /** Passes on the first outcome only; a connection that arrives after the deadline is closed. */
    private final class Once implements ProxyCallback<ProxyConnection> {
        private final HttpServerExchange exchange;
        private final ProxyCallback<ProxyConnection> callback;
        private final Server server;
        private final ProxyConnectionPool connections;
        private XnioExecutor.Key timer;
        private boolean done;

        Once(HttpServerExchange exchange, ProxyCallback<ProxyConnection> callback, Server server,
             ProxyConnectionPool connections) {
            this.exchange = exchange;
            this.callback = callback;
            this.server = server;
            this.connections = connections;
        }

        private boolean finish() {
            if (done) {
                return false;
            }
            done = true;
            if (timer != null) {
                timer.remove();
            }
            return true;
        }

        void timedOut() {
            if (finish()) {
                metrics.connectFailure(pool.name());
                // A pool still full at the deadline says the server is busy, not broken; asked here
                // rather than per request, where it would cost every request a lookup.
                if (connections.available() != ProxyConnectionPool.AvailabilityType.FULL) {
                    server.failed(Server.Failure.CONNECT, "no connection within " + pool.connectTimeout() + " ms");
                }
                exchange.putAttachment(CONNECT_FAILURE, new UpstreamFailure(Answer.UPSTREAM_CONNECT_TIMEOUT,
                        "no connection to upstream " + pool.name() + " within " + pool.connectTimeout() + " ms",
                        server.toString()));
                callback.failed(exchange);
            }
        }

        @Override
        public void completed(HttpServerExchange exchange, ProxyConnection result) {
            if (finish()) {
                exchange.removeAttachment(CONNECT_FAILURE);
                exchange.putAttachment(CONNECTION, result);
                ResponseDeadline deadline = exchange.getAttachment(ResponseDeadline.KEY);
                if (deadline != null) {
                    if (exchange.isRequestComplete()) {
                        deadline.bodyRead(); // no body; otherwise RequestBodyWatch says when it ended
                    }
                    deadline.connected();
                }
                callback.completed(exchange, new ProxyConnection(new NotingConnection(result.getConnection(), exchange),
                        result.getTargetPath()));
            } else {
                IoUtils.safeClose(result.getConnection());
            }
        }

        @Override
        public void failed(HttpServerExchange exchange) {
            if (finish()) {
                metrics.connectFailure(pool.name());
                exchange.putAttachment(CONNECT_FAILURE, new UpstreamFailure(Answer.UPSTREAM_CONNECT_FAILED,
                        "cannot connect to upstream " + pool.name(), server.toString()));
                callback.failed(exchange);
            }
        }

        @Override
        public void couldNotResolveBackend(HttpServerExchange exchange) {
            if (finish()) {
                callback.couldNotResolveBackend(exchange);
            }
        }

        @Override
        public void queuedRequestFailed(HttpServerExchange exchange) {
            if (finish()) {
                callback.queuedRequestFailed(exchange);
            }
        }
    }
}
