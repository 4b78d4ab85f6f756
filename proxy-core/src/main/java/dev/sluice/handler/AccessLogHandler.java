package dev.sluice.handler;

import dev.sluice.http.FaultedAnswer;
import dev.sluice.http.RequestIds;
import dev.sluice.observe.AccessLog;
import dev.sluice.http.SocketAddresses;
import dev.sluice.runtime.Route;
import dev.sluice.runtime.UpstreamClient;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * One line per request once it is complete:
 * {@code 127.0.0.1 "GET /chat?x=1 HTTP/1.1" 101 0 12ms route=/chat/ upstream=app server=10.0.0.5:8080 id=4f2a...}, with
 * {@code fault=NAME} after when a fault changed the answer: then the status and bytes are what
 * the client got (0 when it got no status line).
 * A tunnel's line is written when the handshake completes; its bytes and end are logged
 * when it closes.
 */
public final class AccessLogHandler implements HttpHandler {
    private final AccessLog log;
    private final HttpHandler next;

    public AccessLogHandler(AccessLog log, HttpHandler next) {
        this.log = log;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        // The forwarding handlers rewrite the URI for the upstream; log what the client asked for.
        String request = exchange.getRequestMethod() + " " + exchange.getRequestURI()
                + (exchange.getQueryString().isEmpty() ? "" : "?" + exchange.getQueryString())
                + " " + exchange.getProtocol();
        long start = System.nanoTime();
        exchange.addExchangeCompleteListener((ex, nextListener) -> {
            try {
                log.write(line(ex, request, start));
            } finally {
                nextListener.proceed();
            }
        });
        next.handleRequest(exchange);
    }

    private static String line(HttpServerExchange exchange, String request, long start) {
        InetSocketAddress peer = exchange.getSourceAddress();
        Route route = exchange.getAttachment(Route.KEY);
        FaultedAnswer faulted = FaultedAnswer.of(exchange);
        return (peer == null || peer.getAddress() == null ? "-" : peer.getAddress().getHostAddress())
                + " \"" + request.replace("\"", "%22") + "\" "
                + FaultedAnswer.status(exchange) + " "
                + FaultedAnswer.bodyBytes(exchange) + " "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + "ms"
                + " route=" + (route == null ? "-" : route.path())
                + " upstream=" + (route == null ? "-" : route.upstream().name())
                + " server=" + java.util.Objects.requireNonNullElse(SocketAddresses.text(UpstreamClient.answeredBy(exchange)), "-")
                + " id=" + RequestIds.of(exchange)
                + (faulted == null ? "" : " fault=" + faulted.fault());
    }
}
