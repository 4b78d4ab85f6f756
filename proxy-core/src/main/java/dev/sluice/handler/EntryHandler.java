package dev.sluice.handler;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/**
 * First in the chain: every request gets its id and the proxy's error pages, and empty lines
 * behind it are skipped before the next request is parsed.
 */
final class EntryHandler implements HttpHandler {
    private final HttpHandler next;

    EntryHandler(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        EmptyLinesBetweenRequests.skipAfter(exchange);
        RequestIds.assign(exchange);
        exchange.addDefaultResponseListener(ProxyErrorPages.INSTANCE);
        next.handleRequest(exchange);
    }
}
