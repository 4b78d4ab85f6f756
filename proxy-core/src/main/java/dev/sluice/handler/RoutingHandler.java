package dev.sluice.handler;

import dev.sluice.http.Answer;
import dev.sluice.http.ErrorResponses;
import dev.sluice.runtime.RequestPath;
import dev.sluice.runtime.Route;
import dev.sluice.runtime.RouteTable;
import dev.sluice.tunnel.WebSocketRequest;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/**
 * Normalises the path (400 for one that may not be forwarded), finds the route on it (and, for a
 * WebSocket handshake, on the subprotocols it offers) and sends the request on: WebSocket
 * upgrades to the tunnel, the rest to HTTP forwarding. Both forward the normalised path, so the
 * upstream serves the path the route's policy was checked on.
 */
final class RoutingHandler implements HttpHandler {
    private final RouteTable routes;
    private final HttpHandler tunnel;
    private final HttpHandler forward;

    RoutingHandler(RouteTable routes, HttpHandler tunnel, HttpHandler forward) {
        this.routes = routes;
        this.tunnel = tunnel;
        this.forward = forward;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        RequestPath path;
        try {
            path = RequestPath.of(exchange);
        } catch (IllegalArgumentException e) {
            ErrorResponses.send(exchange, Answer.BAD_PATH, "bad request path: " + e.getMessage());
            return;
        }
        boolean upgrade = WebSocketRequest.isUpgrade(exchange);
        // only a handshake's offer picks a subprotocol route; other requests skip the header lookup
        Route route = routes.match(exchange.getHostName(), path.decoded(),
                upgrade ? exchange.getRequestHeaders().get(Headers.SEC_WEB_SOCKET_PROTOCOL) : null);
        if (route == null) {
            ErrorResponses.send(exchange, Answer.NO_ROUTE,
                    "no route for host '" + exchange.getHostName() + "' path '" + path.decoded() + "'");
            return;
        }
        exchange.putAttachment(RequestPath.KEY, path);
        exchange.putAttachment(Route.KEY, route);
        if (upgrade) {
            tunnel.handleRequest(exchange);
        } else {
            forward.handleRequest(exchange);
        }
    }
}
