package dev.sluice.handler;

import dev.sluice.runtime.Route;
import dev.sluice.runtime.RouteTable;
import dev.sluice.tunnel.WebSocketRequest;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.StatusCodes;

/** Finds the route and sends the request on: WebSocket upgrades to the tunnel, the rest to HTTP forwarding. */
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
        Route route = routes.match(exchange.getHostName(), exchange.getRequestPath());
        if (route == null) {
            ErrorResponses.send(exchange, StatusCodes.NOT_FOUND,
                    "no route for host '" + exchange.getHostName() + "' path '" + exchange.getRequestPath() + "'");
            return;
        }
        exchange.putAttachment(Route.KEY, route);
        if (WebSocketRequest.isUpgrade(exchange)) {
            tunnel.handleRequest(exchange);
        } else {
            forward.handleRequest(exchange);
        }
    }
}
