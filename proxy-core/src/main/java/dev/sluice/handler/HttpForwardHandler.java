package dev.sluice.handler;

import dev.sluice.config.LimitsConfig;
import dev.sluice.http.ErrorResponses;
import dev.sluice.http.ForwardedHeaders;
import dev.sluice.http.HopByHopHeaders;
import dev.sluice.runtime.PrefixRestore;
import dev.sluice.runtime.ResponseDeadline;
import dev.sluice.runtime.Route;
import dev.sluice.runtime.SendTimeoutConduit;
import dev.sluice.runtime.UpstreamClient;
import io.undertow.server.ConduitWrapper;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.RequestBufferingHandler;
import io.undertow.server.handlers.ResponseCodeHandler;
import io.undertow.server.handlers.proxy.ProxyConnection;
import io.undertow.server.handlers.proxy.ProxyHandler;

import org.xnio.conduits.StreamSinkConduit;
import org.xnio.conduits.StreamSourceConduit;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Plain HTTP to the route's upstream on Undertow's {@link ProxyHandler} (pooled keep-alive
 * connections, streaming both ways), with the header hygiene it lacks: hop-by-hop headers
 * removed both ways, X-Forwarded-* believed only from trusted proxies, and on a route with
 * strip-prefix the prefix put back into the answer's Location and the like ({@link PrefixRestore}).
 *
 * <p>A slow client must not hold an upstream connection: a request body is read into
 * {@code limits.request-body-buffer} before a pooled connection is taken (Undertow's
 * {@link RequestBufferingHandler}, in whole pool buffers; a body that does not fit streams on
 * from there), a stalled body is cut by {@link RequestBodyTimeout}, and a client that stops
 * reading the response by {@link SendTimeoutConduit}.
 */
final class HttpForwardHandler implements HttpHandler {
    private final Map<String, HttpHandler> byUpstream;
    private final Map<String, UpstreamClient> clients;
    private final ForwardedHeaders forwarded;
    private final long maxBody;
    private final Duration bodyTimeout;
    private final Duration sendTimeout;
    private final ConduitWrapper<StreamSourceConduit> bodyWatch;
    private final ConduitWrapper<StreamSinkConduit> sendTimeoutWatch;

    /** @param bufferSize bytes in one buffer of the server's pool, what the request body is buffered in */
    HttpForwardHandler(Map<String, UpstreamClient> clients, ForwardedHeaders forwarded, LimitsConfig limits,
                       int bufferSize) {
        this.forwarded = forwarded;
        this.clients = Map.copyOf(clients);
        this.maxBody = limits.maxRequestBodySize();
        this.bodyTimeout = limits.requestBodyTimeout();
        this.sendTimeout = limits.sendTimeout();
        this.bodyWatch = (factory, ex) -> new RequestBodyWatch(factory.create(), ex, maxBody, bodyTimeout);
        this.sendTimeoutWatch = (factory, ex) -> new SendTimeoutConduit(factory.create(), sendTimeout,
                () -> sendTimedOut(ex));
        int buffers = (int) Math.min(Integer.MAX_VALUE, (limits.requestBodyBuffer() + bufferSize - 1) / bufferSize);
        this.byUpstream = clients.entrySet().stream().collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> {
            HttpHandler proxy = ProxyHandler.builder()
                    .setProxyClient(e.getValue().forProxyHandler())
                    .setReuseXForwarded(true) // ForwardedHeaders has already dropped untrusted values
                    .setRewriteHostHeader(false)
                    .setNext(ResponseCodeHandler.HANDLE_404)
                    .build();
            // Passes bodiless requests straight on, and so does a request that expects
            // 100-continue: its client waits for the upstream's go-ahead before sending the body.
            return buffers == 0 ? proxy : new RequestBufferingHandler(proxy, buffers);
        }));
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        Route route = exchange.getAttachment(Route.KEY);
        exchange.setRequestURI(route.upstreamPath(exchange), false);
        HopByHopHeaders.removeFrom(exchange.getRequestHeaders());
        forwarded.prepare(exchange);
        exchange.addResponseCommitListener(ex -> HopByHopHeaders.removeFrom(ex.getResponseHeaders()));
        if (route.prefixRestore() != null) {
            exchange.addResponseCommitListener(route.prefixRestore());
        }
        if (!exchange.isRequestComplete()) {
            // A request without a body (most) has nothing to watch, and no body timeout to arm.
            exchange.addRequestWrapper(bodyWatch);
        }
        exchange.addResponseWrapper(sendTimeoutWatch);
        exchange.addResponseWrapper((factory, ex) -> new ClientGoneWatch(factory.create(), ex));
        ResponseDeadline.attach(exchange, clients.get(route.upstream().name()));
        byUpstream.get(route.upstream().name()).handleRequest(exchange);
    }

    /** The client stopped reading the response: free the upstream connection, drop the client's. */
    private void sendTimedOut(HttpServerExchange exchange) {
        ProxyConnection upstream = exchange.getAttachment(UpstreamClient.CONNECTION);
        if (upstream != null) {
            // Its response is cut short, so it cannot go back to the pool; closed at once,
            // not cleanly (Undertow's clean close waits for the upstream to finish).
            UpstreamClient.closeNow(upstream.getConnection(), false);
        }
        ErrorResponses.closeConnection(exchange, SendTimeoutConduit.reason(sendTimeout));
    }
}
