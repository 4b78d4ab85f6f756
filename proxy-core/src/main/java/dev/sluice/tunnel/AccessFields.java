package dev.sluice.tunnel;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/**
 * What a closed tunnel's access-log entry repeats from its handshake. Kept only while an access
 * log is on: an idle tunnel holds nothing else of its handshake.
 */
record AccessFields(String target, String host, String referer, String userAgent, String requestId) {
    static AccessFields of(HttpServerExchange exchange, String requestId) {
        String query = exchange.getQueryString();
        return new AccessFields(query.isEmpty() ? exchange.getRequestURI() : exchange.getRequestURI() + "?" + query,
                exchange.getRequestHeaders().getFirst(Headers.HOST), exchange.getRequestHeaders().getFirst(Headers.REFERER),
                exchange.getRequestHeaders().getFirst(Headers.USER_AGENT), requestId);
    }
}
