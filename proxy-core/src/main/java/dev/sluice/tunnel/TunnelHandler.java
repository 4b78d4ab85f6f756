package dev.sluice.tunnel;

import dev.sluice.runtime.IoThreads;
import dev.sluice.config.LimitsConfig;
import dev.sluice.config.WebSocketConfig;
import dev.sluice.handler.ErrorResponses;
import dev.sluice.handler.ForwardedHeaders;
import dev.sluice.handler.HopByHopHeaders;
import dev.sluice.handler.RequestIds;
import dev.sluice.runtime.H2cSwitchWatch;
import dev.sluice.runtime.Route;
import dev.sluice.runtime.SendTimeoutConduit;
import dev.sluice.runtime.UpstreamClient;
import dev.sluice.runtime.UpstreamFailure;
import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.ClientExchange;
import io.undertow.client.ClientRequest;
import io.undertow.client.ClientResponse;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ServerConnection;
import io.undertow.server.handlers.proxy.ProxyCallback;
import io.undertow.server.handlers.proxy.ProxyConnection;
import io.undertow.util.AttachmentKey;
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
import java.util.function.Consumer;

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
    /**
     * Put on a handshake's exchange by whoever wants to know which tunnel it becomes (the recording);
     * told once the tunnel is registered, before any of its bytes flow.
     */
    public static final AttachmentKey<Consumer<Tunnel>> WHEN_OPENED = AttachmentKey.create(Consumer.class);

    private final Map<String, UpstreamClient> clients;
    private final TunnelRegistry registry;
    private final ForwardedHeaders forwarded;
    private final LimitsConfig limits;
    private final ByteBufferPool buffers;
    private final StageFactory stages;

    public TunnelHandler(Map<String, UpstreamClient> clients, TunnelRegistry registry, ForwardedHeaders forwarded,
                         LimitsConfig limits, ByteBufferPool buffers, StageFactory stages) {
        this.clients = Map.copyOf(clients);
        this.registry = registry;
        this.forwarded = forwarded;
        this.limits = limits;
        this.buffers = buffers;
        this.stages = stages;
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
        WebSocketConfig ws = route.websocket();
        String forbidden = policyRefusal(exchange, route, ws);
        if (forbidden != null) {
            ErrorResponses.send(exchange, StatusCodes.FORBIDDEN, forbidden);
            return;
        }
        TunnelSlot slot = registry.reserve(route, forwarded.clientAddress(exchange), limits.maxTunnels(),
                ws.maxTunnels(), limits.maxTunnelsPerClient());
        if (slot.refusal() != null) {
            ErrorResponses.send(exchange, StatusCodes.SERVICE_UNAVAILABLE, "tunnel limit reached: " + slot.refusal());
            return;
        }
        forwarded.prepare(exchange);
        Handshake handshake = new Handshake(exchange, route, clients.get(route.upstream().name()), slot);
        exchange.dispatch(SameThreadExecutor.INSTANCE, handshake::connect);
    }

    /** Why this route's policy forbids this handshake (403), or null. */
    private static String policyRefusal(HttpServerExchange exchange, Route route, WebSocketConfig ws) {
        if (!ws.enabled()) {
            return "WebSocket is disabled on route " + route.path();
        }
        String origin = exchange.getRequestHeaders().getFirst(Headers.ORIGIN);
        if (!ws.allowedOrigins().isEmpty() && (origin == null || !ws.allowedOrigins().contains(origin))) {
            return "origin " + (origin == null ? "(none)" : "'" + origin + "'") + " is not allowed on route " + route.path();
        }
        return null;
    }

    /** One handshake in flight: connection, request, response. Runs on the exchange's IO thread. */
    private final class Handshake implements ProxyCallback<ProxyConnection> {
        private final HttpServerExchange exchange;
        private final Route route;
        private final UpstreamClient client;
        private final TunnelSlot slot;
        private final Legs legs;
        private int attempts;
        /** Whether the handshake was sent again after the upstream connection failed under it. */
        private boolean resent;
        private boolean answered;
        private XnioExecutor.Key deadline;

        Handshake(HttpServerExchange exchange, Route route, UpstreamClient client, TunnelSlot slot) {
            this.exchange = exchange;
            this.route = route;
            this.client = client;
            this.slot = slot;
            this.legs = Legs.of(exchange.getConnection(), slot);
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
                refuse(StatusCodes.BAD_GATEWAY, exchange.getAttachment(UpstreamClient.CONNECT_FAILURE));
            }
        }

        @Override
        public void couldNotResolveBackend(HttpServerExchange exchange) {
            UpstreamFailure failure = exchange.getAttachment(UpstreamClient.CONNECT_FAILURE);
            if (failure != null) {
                refuse(StatusCodes.BAD_GATEWAY, failure);
            } else {
                refuse(StatusCodes.SERVICE_UNAVAILABLE, "no server of upstream " + client.pool().name() + " is available");
            }
        }

        @Override
        public void queuedRequestFailed(HttpServerExchange exchange) {
            refuse(StatusCodes.SERVICE_UNAVAILABLE, "every connection to upstream " + client.pool().name() + " is busy");
        }

        /** The proxy's own answer instead of a tunnel; the slot is given back. */
        private void refuse(int status, String reason) {
            answered = true;
            slot.release();
            ErrorResponses.send(exchange, status, reason);
        }

        private void refuse(int status, UpstreamFailure failure) {
            answered = true;
            slot.release();
            ErrorResponses.send(exchange, status, failure);
        }

        private void send(ClientConnection connection) {
            legs.upstream = connection;
            // The listener is handed the connection underneath any wrapper: compare the one we hold.
            connection.addCloseListener(c -> legs.upstreamClosed(connection));
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
            deadline = IoThreads.executeAfter(exchange.getIoThread(), () -> timedOut(connection),
                    client.pool().timeoutUnit().toNanos(client.pool().responseTimeout()));
            H2cSwitchWatch.start(connection, () -> !answered && connection == legs.upstream, () -> {
                refuse(StatusCodes.BAD_GATEWAY, "upstream " + client.pool().name() + " answered the WebSocket"
                        + " handshake with a 101 to HTTP/2 (Upgrade: h2c)");
                IoUtils.safeClose(connection);
            });
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
                deadline.remove();
            }
        }

        private void timedOut(ClientConnection connection) {
            if (answered) {
                return;
            }
            UpstreamClient.closeNow(connection, false);
            client.metrics().responseTimeout(client.pool().name());
            refuse(StatusCodes.GATEWAY_TIME_OUT, "upstream " + client.pool().name()
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
                client.connectNew(connection.getPeerAddress(InetSocketAddress.class), exchange, new ClientCallback<>() {
                    @Override
                    public void completed(ClientConnection fresh) {
                        send(fresh);
                    }

                    @Override
                    public void failed(IOException again) {
                        refuse(StatusCodes.BAD_GATEWAY, "upstream " + client.pool().name()
                                + " failed during the WebSocket handshake: " + again.getMessage());
                    }
                });
                return;
            }
            refuse(StatusCodes.BAD_GATEWAY, "upstream " + client.pool().name()
                    + " failed during the WebSocket handshake: " + e.getMessage());
        }

        private void answer(ClientExchange answered) {
            if (this.answered) {
                IoUtils.safeClose(answered.getConnection()); // too late: the client was told 504
                return;
            }
            this.answered = true;
            cancelDeadline();
            ClientResponse response = answered.getResponse();
            ClientConnection connection = answered.getConnection();
            if (response.getResponseCode() != StatusCodes.SWITCHING_PROTOCOLS) {
                relay(answered);
                return;
            }
            String problem = WebSocketResponse.problem(response, exchange.getRequestHeaders());
            if (problem != null) {
                UpstreamClient.closeNow(connection, false);
                refuse(StatusCodes.BAD_GATEWAY, "upstream " + client.pool().name()
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
                    slot.release();
                    IoUtils.safeClose(clientSide, connection);
                    log.warn("SLU2003 upstream {} closed right after its 101 (request id {}): {}",
                            client.pool().name(), requestId, e.getMessage());
                    return;
                }
                if (!slot.isHeld()) {
                    IoUtils.safeClose(clientSide, upstreamSide); // the client went away during the switch
                    return;
                }
                Tunnel tunnel = registry.register(slot, client.pool().name(), ex.getSourceAddress(), server, requestId);
                Consumer<Tunnel> whenOpened = ex.removeAttachment(WHEN_OPENED);
                if (whenOpened != null) {
                    whenOpened.accept(tunnel);
                }
                Splice splice = new Splice(tunnel, registry, clientSide, upstreamSide, buffers, ws.idleTimeout(),
                        ws.halfCloseTimeout(), stages);
                legs.splice = splice;
                // As nginx does for upgraded connections: a client that takes no bytes is given up.
                clientSide.getSinkChannel().setConduit(new SendTimeoutConduit(clientSide.getSinkChannel().getConduit(),
                        limits.sendTimeout(), () -> splice.close(SendTimeoutConduit.reason(limits.sendTimeout()))));
                splice.start();
                forgetHandshake(ex, answered);
            });
            exchange.endExchange();
        }

        /**
         * Drops the handshake's headers once the tunnel runs. Undertow's server connection keeps
         * its last exchange, and the client connection its last request and response, for as
         * long as the socket lives: with the headers that was about a third of an idle tunnel's heap.
         */
        private void forgetHandshake(HttpServerExchange ex, ClientExchange upstreamExchange) {
            ex.getRequestHeaders().clear();
            ex.getResponseHeaders().clear();
            upstreamExchange.getRequest().getRequestHeaders().clear();
            upstreamExchange.getResponse().getResponseHeaders().clear();
        }

        /**
         * A refusal (403, 426, ...) or any other answer goes back as plain HTTP, streamed, and
         * the upstream connection is closed afterwards: it may still think it is upgrading.
         */
        private void relay(ClientExchange answered) {
            ClientConnection connection = answered.getConnection();
            slot.release();
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
     * upstream connection is ours alone to close, after it the splice's. One per client
     * connection, reused by every handshake on it: Undertow keeps a connection's close
     * listeners until it closes, so a listener per handshake would pile up on keep-alive.
     */
    private static final class Legs {
        private static final AttachmentKey<Legs> KEY = AttachmentKey.create(Legs.class);

        private TunnelSlot slot;
        private ClientConnection upstream;
        private Splice splice;
        private boolean clientGone;

        /** The client connection's legs, now for this handshake. */
        static Legs of(ServerConnection connection, TunnelSlot slot) {
            Legs legs = connection.getAttachment(KEY);
            if (legs == null) {
                legs = new Legs();
                connection.putAttachment(KEY, legs);
                Legs forClose = legs;
                connection.addCloseListener(c -> forClose.clientClosed());
            }
            legs.slot = slot;
            legs.upstream = null;
            return legs;
        }

        void clientClosed() {
            clientGone = true;
            if (splice != null) {
                splice.connectionClosed(true);
                return;
            }
            slot.release();
            if (upstream != null) {
                UpstreamClient.closeNow(upstream, false);
            }
        }

        void upstreamClosed(ClientConnection closed) {
            // An upstream connection of an earlier, refused handshake may close late (Undertow
            // closes cleanly): only the tunnel's own upstream ends the tunnel.
            if (splice != null && closed == upstream) {
                splice.connectionClosed(false);
            }
        }
    }
}
