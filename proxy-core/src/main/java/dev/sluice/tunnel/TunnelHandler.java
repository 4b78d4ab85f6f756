package dev.sluice.tunnel;

import dev.sluice.config.LimitsConfig;
import dev.sluice.config.WebSocketConfig;
import dev.sluice.handler.ErrorResponses;
import dev.sluice.handler.ForwardedHeaders;
import dev.sluice.handler.HopByHopHeaders;
import dev.sluice.handler.RequestIds;
import dev.sluice.runtime.Route;
import dev.sluice.runtime.UpstreamClient;
import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.ClientExchange;
import io.undertow.client.ClientRequest;
import io.undertow.client.ClientResponse;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.proxy.ProxyCallback;
import io.undertow.server.handlers.proxy.ProxyConnection;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.SameThreadExecutor;
import io.undertow.util.StatusCodes;
import io.undertow.util.Transfer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelExceptionHandler;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;
import org.xnio.channels.StreamSinkChannel;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * A WebSocket handshake's way through Sluice:
 *
 * <pre>
 *   check request ─▶ admit ─▶ pooled upstream connection ─▶ forward handshake
 *        │ 400/426      │ 403/503        │ 502/503                 │
 *        ▼              ▼                ▼                         ▼
 *     refused        refused          refused        valid 101 ─▶ {@link Splice}
 *                                                    other answer ─▶ relayed as HTTP, upstream closed
 * </pre>
 *
 * The client connection becomes a tunnel only on a 101 that really switches to websocket
 * for this request; on any other answer it stays HTTP, so bytes the client sent behind its
 * handshake are parsed as the next request, never smuggled to the upstream.
 */
public final class TunnelHandler implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(TunnelHandler.class);

    private final Map<String, UpstreamClient> clients;
    private final TunnelRegistry registry;
    private final ForwardedHeaders forwarded;
    private final LimitsConfig limits;
    private final ByteBufferPool buffers;

    public TunnelHandler(Map<String, UpstreamClient> clients, TunnelRegistry registry, ForwardedHeaders forwarded,
                         LimitsConfig limits, ByteBufferPool buffers) {
        this.clients = Map.copyOf(clients);
        this.registry = registry;
        this.forwarded = forwarded;
        this.limits = limits;
        this.buffers = buffers;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        Route route = exchange.getAttachment(Route.KEY);
        WebSocketRequest.Refusal refusal = WebSocketRequest.check(exchange);
        if (refusal != null) {
            if (refusal.status() == StatusCodes.UPGRADE_REQUIRED) {
                exchange.getResponseHeaders().put(Headers.SEC_WEB_SOCKET_VERSION, "13");
            }
            ErrorResponses.send(exchange, refusal.status(), refusal.reason());
            return;
        }
        WebSocketRequest.Refusal notAdmitted = admission(exchange, route);
        if (notAdmitted != null) {
            ErrorResponses.send(exchange, notAdmitted.status(), notAdmitted.reason());
            return;
        }
        forwarded.prepare(exchange);
        Handshake handshake = new Handshake(exchange, route, clients.get(route.upstream().name()));
        exchange.dispatch(SameThreadExecutor.INSTANCE, handshake::connect);
    }

    /** Why this handshake may not open a tunnel on this route now (403 policy, 503 limits), or null. */
    private WebSocketRequest.Refusal admission(HttpServerExchange exchange, Route route) {
        WebSocketConfig ws = route.websocket();
        if (!ws.enabled()) {
            return forbidden("WebSocket is disabled on route " + route.path());
        }
        String origin = exchange.getRequestHeaders().getFirst(Headers.ORIGIN);
        // (an immutable list's contains(null) throws, hence the null check)
        if (!ws.allowedOrigins().isEmpty() && (origin == null || !ws.allowedOrigins().contains(origin))) {
            return forbidden("origin " + (origin == null ? "(none)" : "'" + origin + "'")
                    + " is not allowed on route " + route.path());
        }
        if (registry.open() >= limits.maxTunnels()) {
            return full(limits.maxTunnels() + " tunnels open (limits.max-tunnels)");
        }
        if (registry.openOn(route.path()) >= ws.maxTunnels()) {
            return full(ws.maxTunnels() + " tunnels open on route " + route.path() + " (websocket.max-tunnels)");
        }
        InetSocketAddress peer = exchange.getSourceAddress();
        if (peer != null && registry.openFrom(peer.getAddress()) >= limits.maxTunnelsPerClient()) {
            return full(limits.maxTunnelsPerClient() + " tunnels open from " + peer.getAddress().getHostAddress()
                    + " (limits.max-tunnels-per-client)");
        }
        return null;
    }

    private static WebSocketRequest.Refusal forbidden(String reason) {
        return new WebSocketRequest.Refusal(StatusCodes.FORBIDDEN, reason);
    }

    private static WebSocketRequest.Refusal full(String reason) {
        return new WebSocketRequest.Refusal(StatusCodes.SERVICE_UNAVAILABLE, "tunnel limit reached: " + reason);
    }

    /** One handshake in flight: connection, request, response. Runs on the exchange's IO thread. */
    private final class Handshake implements ProxyCallback<ProxyConnection> {
        private final HttpServerExchange exchange;
        private final Route route;
        private final UpstreamClient client;
        private final Legs legs = new Legs();
        private int attempts;
        private boolean answered;
        private XnioExecutor.Key deadline;

        Handshake(HttpServerExchange exchange, Route route, UpstreamClient client) {
            this.exchange = exchange;
            this.route = route;
            this.client = client;
        }

        void connect() {
            attempts++;
            client.getConnection(client.findTarget(exchange), exchange, this, -1, client.pool().timeoutUnit());
        }

        @Override
        public void completed(HttpServerExchange exchange, ProxyConnection connection) {
            send(connection.getConnection());
        }

        @Override
        public void failed(HttpServerExchange exchange) {
            if (attempts < client.pool().maxConnectAttempts()) {
                connect();
            } else {
                ErrorResponses.send(exchange, StatusCodes.BAD_GATEWAY, exchange.getAttachment(UpstreamClient.CONNECT_FAILURE));
            }
        }

        @Override
        public void couldNotResolveBackend(HttpServerExchange exchange) {
            String failure = exchange.getAttachment(UpstreamClient.CONNECT_FAILURE);
            if (failure != null) {
                ErrorResponses.send(exchange, StatusCodes.BAD_GATEWAY, failure);
            } else {
                ErrorResponses.send(exchange, StatusCodes.SERVICE_UNAVAILABLE,
                        "no server of upstream " + client.pool().name() + " is available");
            }
        }

        @Override
        public void queuedRequestFailed(HttpServerExchange exchange) {
            ErrorResponses.send(exchange, StatusCodes.SERVICE_UNAVAILABLE,
                    "every connection to upstream " + client.pool().name() + " is busy");
        }

        private void send(ClientConnection connection) {
            legs.upstream = connection;
            exchange.getConnection().addCloseListener(c -> legs.clientClosed());
            connection.addCloseListener(c -> legs.upstreamClosed());
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
            deadline = exchange.getIoThread().executeAfter(() -> timedOut(connection),
                    client.pool().responseTimeout(), client.pool().timeoutUnit());
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

        private void timedOut(ClientConnection connection) {
            if (answered) {
                return;
            }
            answered = true;
            UpstreamClient.closeNow(connection, false);
            ErrorResponses.send(exchange, StatusCodes.GATEWAY_TIME_OUT, "upstream " + client.pool().name()
                    + " did not answer the WebSocket handshake within response-timeout ("
                    + client.pool().responseTimeout() + " ms)");
        }

        private void upstreamFailed(ClientConnection connection, IOException e) {
            IoUtils.safeClose(connection);
            if (answered) {
                return; // the client already has its answer (or its tunnel); this is only the upstream leg ending
            }
            answered = true;
            deadline.remove();
            ErrorResponses.send(exchange, StatusCodes.BAD_GATEWAY, "upstream " + client.pool().name()
                    + " failed during the WebSocket handshake: " + e.getMessage());
        }

        private void answer(ClientExchange answered) {
            if (this.answered) {
                IoUtils.safeClose(answered.getConnection()); // too late: the client was told 504
                return;
            }
            this.answered = true;
            deadline.remove();
            ClientResponse response = answered.getResponse();
            ClientConnection connection = answered.getConnection();
            if (response.getResponseCode() != StatusCodes.SWITCHING_PROTOCOLS) {
                relay(answered);
                return;
            }
            String problem = WebSocketResponse.problem(response, exchange.getRequestHeaders());
            if (problem != null) {
                UpstreamClient.closeNow(connection, false);
                ErrorResponses.send(exchange, StatusCodes.BAD_GATEWAY, "upstream " + client.pool().name()
                        + " answered the WebSocket handshake with a " + problem);
                return;
            }
            copyResponseHead(response);
            InetSocketAddress server = connection.getPeerAddress(InetSocketAddress.class);
            String requestId = RequestIds.of(exchange);
            WebSocketConfig ws = route.websocket();
            exchange.upgradeChannel((clientSide, ex) -> {
                StreamConnection upstreamSide;
                try {
                    upstreamSide = connection.performUpgrade();
                } catch (IOException e) {
                    IoUtils.safeClose(clientSide, connection);
                    log.warn("SLU2003 upstream {} closed right after its 101 (request id {}): {}",
                            client.pool().name(), requestId, e.getMessage());
                    return;
                }
                Tunnel tunnel = registry.register(route.path(), client.pool().name(), ex.getSourceAddress(), server);
                log.debug("SLU2001 {} opened (request id {})", tunnel, requestId);
                legs.splice = new Splice(tunnel, registry, clientSide, upstreamSide, buffers, ws.idleTimeout(),
                        ws.halfCloseTimeout());
                legs.splice.start();
            });
            exchange.endExchange();
        }

        /**
         * A refusal (403, 426, ...) or any other answer goes back as plain HTTP, streamed, and
         * the upstream connection is closed afterwards: it may still think it is upgrading.
         */
        private void relay(ClientExchange answered) {
            ClientConnection connection = answered.getConnection();
            boolean keepUpgrade = answered.getResponse().getResponseCode() == StatusCodes.UPGRADE_REQUIRED;
            copyResponseHead(answered.getResponse());
            if (!keepUpgrade) {
                exchange.getResponseHeaders().remove(Headers.UPGRADE);
            }
            exchange.addExchangeCompleteListener((ex, next) -> {
                IoUtils.safeClose(connection);
                legs.upstream = null;
                next.proceed();
            });
            ChannelExceptionHandler<java.nio.channels.Channel> abort = (channel, e) -> {
                IoUtils.safeClose(connection);
                IoUtils.safeClose(exchange.getConnection());
            };
            Transfer.initiateTransfer(answered.getResponseChannel(), exchange.getResponseChannel(),
                    ChannelListeners.closingChannelListener(), finishResponse(), abort, abort,
                    exchange.getConnection().getByteBufferPool());
        }

        private ChannelListener<StreamSinkChannel> finishResponse() {
            return sink -> {
                try {
                    sink.shutdownWrites();
                    if (!sink.flush()) {
                        sink.getWriteSetter().set(ChannelListeners.flushingChannelListener(
                                s -> s.getWriteSetter().set(null), ChannelListeners.closingChannelExceptionHandler()));
                        sink.resumeWrites();
                    }
                } catch (IOException e) {
                    IoUtils.safeClose(exchange.getConnection());
                }
            };
        }

        private void copyResponseHead(ClientResponse response) {
            exchange.setStatusCode(response.getResponseCode());
            exchange.setReasonPhrase(response.getStatus());
            HeaderMap out = exchange.getResponseHeaders();
            for (HeaderValues values : response.getResponseHeaders()) {
                if (!out.contains(values.getHeaderName())) {
                    out.putAll(values.getHeaderName(), values);
                }
            }
            String upgrade = out.getFirst(Headers.UPGRADE);
            HopByHopHeaders.removeFrom(out);
            if (upgrade != null) {
                out.put(Headers.UPGRADE, upgrade);
            }
        }
    }

    /**
     * Whichever connection goes away first takes the other with it: before the switch the
     * upstream connection is ours alone to close, after it the splice's. Kept apart from the
     * exchange because the client connection keeps its close listeners until it closes.
     */
    private static final class Legs {
        private ClientConnection upstream;
        private Splice splice;

        void clientClosed() {
            if (splice != null) {
                splice.connectionClosed(true);
            } else if (upstream != null) {
                UpstreamClient.closeNow(upstream, false);
            }
        }

        void upstreamClosed() {
            if (splice != null) {
                splice.connectionClosed(false);
            }
        }
    }
}
