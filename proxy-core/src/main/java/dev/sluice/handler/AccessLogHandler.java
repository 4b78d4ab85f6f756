package dev.sluice.handler;

import dev.sluice.http.FaultedAnswer;
import dev.sluice.http.RequestIds;
import dev.sluice.http.SocketAddresses;
import dev.sluice.observe.AccessEntry;
import dev.sluice.observe.AccessLog;
import dev.sluice.runtime.Route;
import dev.sluice.runtime.UpstreamClient;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;

import javax.net.ssl.SSLSession;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * One access-log entry per request once it is complete ({@link AccessEntry.Exchange}: client,
 * request line, status, bytes, referer, user agent, duration, host, route, upstream, the server
 * that answered, TLS, request id, and the fault that changed the answer, if one did: then the
 * status and bytes are what the client got, 0 when it got no status line). A tunnel's entry is
 * its handshake's (101) when it opens, and another when it closes.
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
        String target = exchange.getQueryString().isEmpty() ? exchange.getRequestURI()
                : exchange.getRequestURI() + "?" + exchange.getQueryString();
        long start = System.nanoTime();
        exchange.addExchangeCompleteListener((ex, nextListener) -> {
            try {
                log.write(entry(ex, target, start));
            } finally {
                nextListener.proceed();
            }
        });
        next.handleRequest(exchange);
    }

    private static AccessEntry.Exchange entry(HttpServerExchange exchange, String target, long start) {
        InetSocketAddress peer = exchange.getSourceAddress();
        Route route = exchange.getAttachment(Route.KEY);
        FaultedAnswer faulted = FaultedAnswer.of(exchange);
        SSLSession tls = exchange.getConnection().getSslSessionInfo() == null ? null
                : exchange.getConnection().getSslSessionInfo().getSSLSession();
        HeaderMap headers = exchange.getRequestHeaders();
        return new AccessEntry.Exchange(System.currentTimeMillis(),
                peer == null || peer.getAddress() == null ? null : peer.getAddress().getHostAddress(),
                exchange.getRequestMethod().toString(), target, exchange.getProtocol().toString(),
                FaultedAnswer.status(exchange), FaultedAnswer.bodyBytes(exchange),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), headers.getFirst(Headers.HOST),
                headers.getFirst(Headers.REFERER), headers.getFirst(Headers.USER_AGENT),
                route == null ? null : route.path(), route == null ? null : route.upstream().name(),
                SocketAddresses.text(UpstreamClient.answeredBy(exchange)), RequestIds.of(exchange),
                tls == null ? null : tls.getProtocol(), tls == null ? null : tls.getCipherSuite(),
                faulted == null ? null : faulted.fault());
    }
}
