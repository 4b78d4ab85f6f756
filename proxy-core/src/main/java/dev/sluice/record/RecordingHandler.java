package dev.sluice.record;

import dev.sluice.http.FaultedAnswer;
import dev.sluice.http.SocketAddresses;

import dev.sluice.runtime.Route;
import dev.sluice.runtime.UpstreamClient;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
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
    /**
     * Put on a recorded handshake's exchange: the tunnel layer tells it which tunnel the handshake
     * became, once the tunnel is registered and before any of its bytes flow.
     */
    public static final AttachmentKey<TunnelOpened> TUNNEL_OPENED = AttachmentKey.create(TunnelOpened.class);

    /** Which tunnel a handshake became. */
    @FunctionalInterface
    public interface TunnelOpened {
        void opened(long tunnelId, InetSocketAddress server);
    }

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
                exchange.getHostAndPort(), recording.headers(exchange.getRequestHeaders()));
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
        FaultedAnswer faulted = FaultedAnswer.of(exchange);
        Recording.Recorded recorded = recording.add(new HttpExchange(request.started, request.method, request.path,
                request.query == null ? "" : request.query, request.protocol, request.host, FaultedAnswer.status(exchange),
                Duration.ofNanos(System.nanoTime() - request.nanos), route == null ? null : route.path(),
                route == null ? null : route.upstream().name(), SocketAddresses.text(UpstreamClient.answeredBy(exchange)),
                request.headers, recording.headers(exchange.getResponseHeaders()), FaultedAnswer.bodyBytes(exchange),
                HttpExchange.NO_TUNNEL, faulted == null ? null : faulted.fault(), faulted == null ? null : faulted.error()));
        if (exchange.getStatusCode() == StatusCodes.SWITCHING_PROTOCOLS) {
            // The tunnel opens after the exchange completes (Undertow upgrades the connection then).
            exchange.putAttachment(TUNNEL_OPENED, (tunnelId, server) -> recorded.becameTunnel(tunnelId, SocketAddresses.text(server)));
        }
    }

    private record Request(Instant started, long nanos, String method, String path, String query, String protocol,
                           String host, Map<String, List<String>> headers) {
    }
}
