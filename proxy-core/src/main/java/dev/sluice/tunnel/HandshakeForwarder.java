package dev.sluice.tunnel;

import dev.sluice.http.Answer;
import dev.sluice.http.ErrorResponses;
import dev.sluice.http.ForwardedHeaders;
import dev.sluice.http.HopByHopHeaders;
import dev.sluice.http.RequestIds;
import dev.sluice.http.UpstreamFailure;
import dev.sluice.runtime.HeadWaits;
import dev.sluice.runtime.Route;
import dev.sluice.runtime.UpstreamClient;
import dev.sluice.upstream.Server;
import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.ClientExchange;
import io.undertow.client.ClientRequest;
import io.undertow.client.ClientResponse;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.proxy.ProxyCallback;
import io.undertow.server.handlers.proxy.ProxyConnection;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * One handshake in flight, on the exchange's IO thread: a pooled upstream connection (each
 * server tried once), the handshake sent on it within response-timeout (once more on a new
 * connection if the pooled one was stale), and the answer: a valid 101 becomes a tunnel
 * ({@link SwitchToTunnel}), anything else goes back as HTTP ({@link AnswerRelay}).
 */
final class HandshakeForwarder implements ProxyCallback<ProxyConnection> {
    private static final Logger log = LoggerFactory.getLogger(TunnelHandler.class);

    private final HttpServerExchange exchange;
    private final Route route;
    private final UpstreamClient client;
    private final TunnelSlot slot;
    private final Legs legs;
    private final SwitchToTunnel tunnels;
    private int attempts;
    /** Whether the handshake was sent again after the upstream connection failed under it. */
    private boolean resent;
    private boolean answered;
    /** An upstream connection is being made for this handshake: its callback is still to come. */
    private boolean connecting;
    private boolean ended;
    private AnswerWait deadline;
    private ClientLeaveWatch watch;

    HandshakeForwarder(HttpServerExchange exchange, Route route, UpstreamClient client, TunnelSlot slot,
                       SwitchToTunnel tunnels) {
        this.exchange = exchange;
        this.route = route;
        this.client = client;
        this.slot = slot;
        this.legs = Legs.of(exchange.getConnection(), slot);
        this.tunnels = tunnels;
    }

    /** On the exchange's IO thread, once the handshake is admitted. */
    void start() {
        watch = ClientLeaveWatch.start(exchange, this::clientLeft);
        connect();
    }

    private void connect() {
        attempts++;
        connecting = true;
        client.connectForHandshake(exchange, this);
    }

    @Override
    public void completed(HttpServerExchange exchange, ProxyConnection connection) {
        connecting = false;
        send(connection.getConnection());
    }

    @Override
    public void failed(HttpServerExchange exchange) {
        connecting = false;
        if (legs.clientGone) {
            clientGone();
        } else if (attempts < client.pool().maxConnectAttempts()) {
            connect();
        } else {
            refuse(exchange.getAttachment(UpstreamClient.CONNECT_FAILURE));
        }
    }

    @Override
    public void couldNotResolveBackend(HttpServerExchange exchange) {
        connecting = false;
        UpstreamFailure failure = exchange.getAttachment(UpstreamClient.CONNECT_FAILURE);
        if (failure != null) {
            refuse(failure);
        } else {
            UpstreamFailure none = exchange.getAttachment(UpstreamClient.NO_SERVER);
            refuse(none != null ? none : new UpstreamFailure(Answer.NO_SERVER_UP,
                    "no server of upstream " + client.pool().name() + " is available", null));
        }
    }

    @Override
    public void queuedRequestFailed(HttpServerExchange exchange) {
        connecting = false;
        refuse(Answer.UPSTREAM_BUSY, "every connection to upstream " + client.pool().name() + " is busy");
    }

    /** The proxy's own answer instead of a tunnel; the slot is given back. */
    private void refuse(Answer answer, String reason) {
        if (settle()) {
            ErrorResponses.send(exchange, answer, reason);
        }
    }

    private void refuse(UpstreamFailure failure) {
        if (settle()) {
            ErrorResponses.send(exchange, failure);
        }
    }

    /** Ends the handshake without a tunnel; true when the client is still there to be answered. */
    private boolean settle() {
        if (legs.clientGone) {
            clientGone();
            return false;
        }
        answered = true;
        watch.stop();
        slot.release();
        return true;
    }

    /**
     * The client closed its side before it had an answer: nothing goes to it, and its upstream
     * connection is closed (by {@link Legs}, with the client's), so that no upstream WebSocket
     * session outlives it.
     */
    private void clientLeft() {
        legs.clientGone = true;
        clientGone();
    }

    private void clientGone() {
        if (!answered) {
            answered = true;
            cancelDeadline();
            watch.stop();
            slot.release();
            log.debug("SLU1497 GET {}: the client went away during the WebSocket handshake (request id {})",
                    exchange.getRequestURI(), RequestIds.of(exchange));
        }
        // Closing the client's connection completes the exchange, and Undertow's pool hands a
        // connection it makes for a complete exchange to no one: it would stay open, idle in the
        // pool. So a connect under way is waited for (connect-timeout at most), to be closed here.
        if (!connecting && !ended) {
            ended = true;
            IoUtils.safeClose(exchange.getConnection());
            exchange.endExchange();
        }
    }

    private void send(ClientConnection connection) {
        if (legs.clientGone) {
            // a connection that was being made, or made anew, while the client left
            UpstreamClient.closeNow(connection, false);
            clientGone();
            return;
        }
        legs.upstream = connection;
        // The listener is handed the connection underneath any wrapper: compare the one we hold.
        // It stays on the connection as long as the tunnel lives, so it holds the legs, not this.
        Legs tunnelLegs = legs;
        connection.addCloseListener(c -> tunnelLegs.upstreamClosed(connection));
        ClientRequest request = new ClientRequest().setMethod(Methods.GET).setPath(upstreamTarget());
        HeaderMap out = request.getRequestHeaders();
        for (HeaderValues values : exchange.getRequestHeaders()) {
            out.putAll(values.getHeaderName(), values);
        }
        HopByHopHeaders.removeFrom(out);
        out.remove(Headers.CONTENT_LENGTH);
        out.put(Headers.UPGRADE, "websocket");
        out.put(Headers.CONNECTION, "Upgrade");
        ForwardedHeaders.appendPeer(exchange, out);
        deadline = new AnswerWait(connection);
        HeadWaits.start(deadline, connection, client.pool().timeoutUnit().toNanos(client.pool().responseTimeout()));
        connection.sendRequest(request, new ClientCallback<>() {
            @Override
            public void completed(ClientExchange sent) {
                sent.setResponseListener(new ClientCallback<>() {
                    @Override
                    public void completed(ClientExchange answered) {
                        answer(answered);
                    }

                    @Override
                    public void failed(IOException e) {
                        upstreamFailed(connection, e);
                    }
                });
            }

            @Override
            public void failed(IOException e) {
                upstreamFailed(connection, e);
            }
        });
    }

    private String upstreamTarget() {
        String query = exchange.getQueryString();
        String path = route.upstreamPath(exchange);
        return query == null || query.isEmpty() ? path : path + "?" + query;
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.end();
        }
    }

    /** The wait for the upstream's answer on {@code connection}: response-timeout, and Undertow's h2c switch. */
    private final class AnswerWait extends HeadWaits.Wait {
        private final ClientConnection connection;

        AnswerWait(ClientConnection connection) {
            this.connection = connection;
        }

        @Override
        protected void onTimeout() {
            HandshakeForwarder.this.timedOut(connection);
        }

        @Override
        protected void onH2cSwitch() {
            if (!answered && connection == legs.upstream) {
                refuse(Answer.UPSTREAM_SWITCHED_TO_H2C, "upstream " + client.pool().name() + " answered the WebSocket"
                        + " handshake with a 101 to HTTP/2 (Upgrade: h2c)");
                IoUtils.safeClose(connection);
            }
        }
    }

    private void timedOut(ClientConnection connection) {
        if (answered) {
            return;
        }
        UpstreamClient.closeNow(connection, false);
        client.metrics().responseTimeout(client.pool().name());
        UpstreamClient.serverFailed(exchange, Server.Failure.TIMEOUT, "no answer to a WebSocket handshake within "
                + client.pool().responseTimeout() + " ms");
        refuse(Answer.HANDSHAKE_TIMEOUT, "upstream " + client.pool().name()
                + " did not answer the WebSocket handshake within response-timeout ("
                + client.pool().responseTimeout() + " ms)");
    }

    private void upstreamFailed(ClientConnection connection, IOException e) {
        IoUtils.safeClose(connection);
        if (answered || connection != legs.upstream) {
            return; // the client has its answer (or its tunnel), or this is a connection given up on already
        }
        cancelDeadline();
        if (!resent && !legs.clientGone) {
            // A pooled connection the upstream closed just as the handshake went out. The
            // handshake is a body-less GET, so it is safe to send once more, on a new
            // connection to the same server: the pool might hand out another stale one.
            resent = true;
            legs.upstream = null;
            log.debug("SLU2004 upstream {} connection failed before answering the handshake, sending it again"
                    + " (request id {}): {}", client.pool().name(), RequestIds.of(exchange), e.getMessage());
            connecting = true;
            client.connectNew(UpstreamClient.serverOf(exchange), exchange, new ClientCallback<>() {
                @Override
                public void completed(ClientConnection fresh) {
                    connecting = false;
                    send(fresh);
                }

                @Override
                public void failed(IOException again) {
                    connecting = false;
                    UpstreamClient.serverFailed(exchange, Server.Failure.CONNECT, "no connection for a handshake sent"
                            + " again: " + again.getMessage());
                    refuse(Answer.HANDSHAKE_UPSTREAM_LOST, "upstream " + client.pool().name()
                            + " failed during the WebSocket handshake: " + again.getMessage());
                }
            });
            return;
        }
        UpstreamClient.serverFailed(exchange, Server.Failure.RESET, "connection lost during a WebSocket handshake: "
                + e.getMessage());
        refuse(Answer.HANDSHAKE_UPSTREAM_LOST, "upstream " + client.pool().name()
                + " failed during the WebSocket handshake: " + e.getMessage());
    }

    private void answer(ClientExchange answered) {
        if (this.answered) {
            IoUtils.safeClose(answered.getConnection()); // too late: the client was told 504
            return;
        }
        if (legs.clientGone) {
            UpstreamClient.closeNow(answered.getConnection(), false);
            clientGone();
            return;
        }
        this.answered = true;
        cancelDeadline();
        watch.stop();
        Server server = UpstreamClient.serverOf(exchange);
        if (server != null) {
            server.answered();
        }
        ClientResponse response = answered.getResponse();
        if (response.getResponseCode() != StatusCodes.SWITCHING_PROTOCOLS) {
            slot.release();
            AnswerRelay.relay(exchange, answered, legs);
            return;
        }
        String problem = WebSocketResponse.problem(response, exchange.getRequestHeaders());
        if (problem != null) {
            UpstreamClient.closeNow(answered.getConnection(), false);
            refuse(Answer.HANDSHAKE_BAD_SWITCH, "upstream " + client.pool().name()
                    + " answered the WebSocket handshake with a " + problem);
            return;
        }
        tunnels.switchOver(exchange, answered, client.pool().name(), server, route.websocket(), slot, legs);
    }
}
