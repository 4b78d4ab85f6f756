package dev.sluice.handler;

import dev.sluice.http.Answer;
import dev.sluice.http.ErrorResponses;
import dev.sluice.http.RequestIds;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Protocols;

/**
 * First in the chain: every request gets its id and the proxy's error pages, and empty lines
 * behind it are skipped before the next request is parsed. HTTP/0.9 is refused here.
 */
final class EntryHandler implements HttpHandler {
    private final HttpHandler next;

    EntryHandler(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        ClientReadsKept.keep(exchange);
        EmptyLinesBetweenRequests.skipAfter(exchange);
        RequestIds.assign(exchange);
        exchange.addDefaultResponseListener(ProxyErrorPages.INSTANCE);
        if (exchange.getProtocol().equals(Protocols.HTTP_0_9)) {
            // Undertow's parser takes "HTTP/0.9" (with header lines, which 0.9 never had) and would
            // answer in kind, "HTTP/0.9 200 OK": no client can read that. Refused in 1.0's words,
            // with the 400 Undertow gives every other version it does not know.
            exchange.setProtocol(Protocols.HTTP_1_0);
            exchange.setPersistent(false);
            ErrorResponses.send(exchange, Answer.HTTP_0_9, "HTTP/0.9 is not supported");
            return;
        }
        next.handleRequest(exchange);
    }
}
