package dev.sluice.tunnel;

import dev.sluice.config.LimitsConfig;
import dev.sluice.config.WebSocketConfig;
import dev.sluice.http.Answer;
import dev.sluice.http.ErrorResponses;
import dev.sluice.http.ForwardedHeaders;
import dev.sluice.runtime.Route;
import dev.sluice.runtime.UpstreamClient;
import dev.sluice.ws.StageFactory;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;

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
 *   └─── here ───────────────┘ └── {@link HandshakeForwarder} ──────┘ {@link SwitchToTunnel} / {@link AnswerRelay}
 * </pre>
 *
 * {@link Legs} ties the two connections' lifetimes together, before and after the switch.
 *
 * The client connection becomes a tunnel only on a 101 that really switches to websocket
 * for this request; on any other answer it stays HTTP, so bytes the client sent behind its
 * handshake are parsed as the next request, never smuggled to the upstream.
 */
public final class TunnelHandler implements HttpHandler {
    private final Map<String, UpstreamClient> clients;
    private final TunnelRegistry registry;
    private final ForwardedHeaders forwarded;
    private final LimitsConfig limits;
    private final SwitchToTunnel tunnels;

    public TunnelHandler(Map<String, UpstreamClient> clients, TunnelRegistry registry, ForwardedHeaders forwarded,
                         LimitsConfig limits, ByteBufferPool buffers, StageFactory stages) {
        this.clients = Map.copyOf(clients);
        this.registry = registry;
        this.forwarded = forwarded;
        this.limits = limits;
        this.tunnels = new SwitchToTunnel(registry, limits, buffers, stages);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        Route route = exchange.getAttachment(Route.KEY);
        WebSocketRequest.Refusal refusal = WebSocketRequest.check(exchange);
        if (refusal != null) {
            if (refusal.answer() == Answer.WEBSOCKET_VERSION_UNSUPPORTED) {
                exchange.getResponseHeaders().put(Headers.SEC_WEB_SOCKET_VERSION, "13");
            }
            ErrorResponses.send(exchange, refusal.answer(), refusal.reason());
            return;
        }
        WebSocketConfig ws = route.websocket();
        WebSocketRequest.Refusal forbidden = policyRefusal(exchange, route, ws);
        if (forbidden != null) {
            ErrorResponses.send(exchange, forbidden.answer(), forbidden.reason());
            return;
        }
        TunnelSlot slot = registry.reserve(route, forwarded.clientAddress(exchange), limits.maxTunnels(),
                ws.maxTunnels(), limits.maxTunnelsPerClient());
        if (slot.refusal() != null) {
            ErrorResponses.send(exchange, slot.limit(), "tunnel limit reached: " + slot.refusal());
            return;
        }
        forwarded.prepare(exchange);
        HandshakeForwarder handshake = new HandshakeForwarder(exchange, route, clients.get(route.upstream().name()),
                slot, tunnels);
        exchange.dispatch(SameThreadExecutor.INSTANCE, handshake::start);
    }

    /** Why this route's policy forbids this handshake (403), or null. */
    private static WebSocketRequest.Refusal policyRefusal(HttpServerExchange exchange, Route route, WebSocketConfig ws) {
        if (!ws.enabled()) {
            return new WebSocketRequest.Refusal(Answer.WEBSOCKET_DISABLED,
                    "WebSocket is disabled on route " + route.path());
        }
        String origin = exchange.getRequestHeaders().getFirst(Headers.ORIGIN);
        if (!ws.allowedOrigins().isEmpty() && (origin == null || !ws.allowedOrigins().contains(origin))) {
            return new WebSocketRequest.Refusal(Answer.ORIGIN_NOT_ALLOWED, "origin "
                    + (origin == null ? "(none)" : "'" + origin + "'") + " is not allowed on route " + route.path());
        }
        return null;
    }
}
