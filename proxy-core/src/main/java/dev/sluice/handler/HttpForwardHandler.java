package dev.sluice.handler;

import dev.sluice.runtime.ResponseDeadline;
import dev.sluice.runtime.Route;
import dev.sluice.runtime.UpstreamClient;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.ResponseCodeHandler;
import io.undertow.server.handlers.proxy.ProxyHandler;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * Plain HTTP to the route's upstream on Undertow's {@link ProxyHandler} (pooled keep-alive
 * connections, streaming both ways), with the header hygiene it lacks: hop-by-hop headers
 * removed both ways, X-Forwarded-* believed only from trusted proxies.
 */
final class HttpForwardHandler implements HttpHandler {
    private final Map<String, ProxyHandler> byUpstream;
    private final ForwardedHeaders forwarded;
    private final long maxBody;

    HttpForwardHandler(Map<String, UpstreamClient> clients, ForwardedHeaders forwarded, long maxBody) {
        this.forwarded = forwarded;
        this.maxBody = maxBody;
        this.byUpstream = clients.entrySet().stream().collect(Collectors.toUnmodifiableMap(Map.Entry::getKey,
                e -> ProxyHandler.builder()
                        .setProxyClient(e.getValue())
                        .setReuseXForwarded(true) // ForwardedHeaders has already dropped untrusted values
                        .setRewriteHostHeader(false)
                        .setNext(ResponseCodeHandler.HANDLE_404)
                        .build()));
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        Route route = exchange.getAttachment(Route.KEY);
        exchange.setRequestURI(route.upstreamPath(exchange), false);
        HopByHopHeaders.removeFrom(exchange.getRequestHeaders());
        forwarded.prepare(exchange);
        exchange.addResponseCommitListener(ex -> HopByHopHeaders.removeFrom(ex.getResponseHeaders()));
        exchange.addRequestWrapper((factory, ex) -> new RequestBodyWatch(factory.create(), ex, maxBody));
        exchange.addResponseWrapper((factory, ex) -> new ClientGoneWatch(factory.create(), ex));
        ResponseDeadline.attach(exchange, route.upstream());
        byUpstream.get(route.upstream().name()).handleRequest(exchange);
    }
}
