package dev.sluice.builtin;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ServerConnection;
import org.xnio.IoUtils;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers every connection that carried a request until it closes. {@code Undertow.stop()} only closes
 * the listening socket; on a worker the proxy keeps running, keep-alive connections would outlive the
 * upstream without this.
 */
final class OpenConnections implements HttpHandler {
    private final Set<ServerConnection> open = ConcurrentHashMap.newKeySet();
    private final HttpHandler next;

    OpenConnections(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        ServerConnection connection = exchange.getConnection();
        if (open.add(connection)) {
            connection.addCloseListener(open::remove);
        }
        next.handleRequest(exchange);
    }

    void closeAll() {
        open.forEach(IoUtils::safeClose);
    }
}
