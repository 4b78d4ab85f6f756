package dev.sluice.record;

import dev.sluice.runtime.Route;
import dev.sluice.runtime.UpstreamClient;
import dev.sluice.tunnel.TunnelHandler;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.StatusCodes;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Records each exchange into the {@link Recording} when it completes. The request is taken as it
 * arrives, before forwarding rewrites its path and headers; a handshake that completes with 101
 * is linked to its tunnel once the tunnel opens, just after.
 */
public final class RecordingHandler implements HttpHandler {
    private final Recording recording;
    private final HttpHandler next;

    public RecordingHandler(Recording recording, HttpHandler next) {
        this.recording = recording;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        Request request = new Request(Instant.now(), System.nanoTime(), exchange.getRequestMethod().toString(),
                exchange.getRequestURI(), exchange.getQueryString(), exchange.getProtocol().toString(),
                exchange.getHostAndPort(), Headers.copy(exchange.getRequestHeaders()));
        exchange.addExchangeCompleteListener((ex, nextListener) -> {
            try {
                completed(ex, request);
            } finally {
                nextListener.proceed();
            }
        });
        next.handleRequest(exchange);
    }

    private void completed(HttpServerExchange exchange, Request request) {
        Route route = exchange.getAttachment(Route.KEY);
        Recording.Recorded recorded = recording.add(new HttpExchange(request.started, request.method, request.path,
                request.query == null ? "" : request.query, request.protocol, request.host, exchange.getStatusCode(),
                Duration.ofNanos(System.nanoTime() - request.nanos), route == null ? null : route.path(),
                route == null ? null : route.upstream().name(), address(UpstreamClient.answeredBy(exchange)),
                request.headers, Headers.copy(exchange.getResponseHeaders()), exchange.getResponseBytesSent(),
                HttpExchange.NO_TUNNEL));
        if (exchange.getStatusCode() == StatusCodes.SWITCHING_PROTOCOLS) {
            // The tunnel opens after the exchange completes (Undertow upgrades the connection then).
            exchange.putAttachment(TunnelHandler.WHEN_OPENED,
                    tunnel -> recorded.becameTunnel(tunnel.id(), address(tunnel.server())));
        }
    }

    /** {@code host:port} ({@code [v6]:port}), or null. */
    static String address(InetSocketAddress address) {
        if (address == null) {
            return null;
        }
        String host = address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private record Request(Instant started, long nanos, String method, String path, String query, String protocol,
                           String host, Map<String, List<String>> headers) {
    }
}
