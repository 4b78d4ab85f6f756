package dev.sluice.handler;

import dev.sluice.config.Cidr;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * X-Forwarded-For/-Proto/-Host/-Port as Tomcat's RemoteIpValve and Spring expect them.
 * Values a client sent are believed only from a trusted proxy; anyone else's are replaced,
 * so a client cannot claim to be someone else or to have used https.
 */
public final class ForwardedHeaders {
    private final List<Cidr> trustedProxies;

    public ForwardedHeaders(List<Cidr> trustedProxies) {
        this.trustedProxies = List.copyOf(trustedProxies);
    }

    /**
     * Rewrites the request's own headers in place: after this, X-Forwarded-For holds only the
     * chain before the peer (the peer itself is appended by whoever forwards: Undertow's
     * ProxyHandler, or {@link #appendPeer}), and Proto/Host/Port are final.
     */
    public void prepare(HttpServerExchange exchange) {
        HeaderMap headers = exchange.getRequestHeaders();
        if (!isTrusted(exchange.getSourceAddress())) {
            headers.remove(Headers.X_FORWARDED_FOR);
            headers.remove(Headers.X_FORWARDED_PROTO);
            headers.remove(Headers.X_FORWARDED_HOST);
            headers.remove(Headers.X_FORWARDED_PORT);
            headers.remove(Headers.X_FORWARDED_SERVER);
        }
        if (!headers.contains(Headers.X_FORWARDED_PROTO)) {
            headers.put(Headers.X_FORWARDED_PROTO, "https".equals(exchange.getRequestScheme()) ? "https" : "http");
        }
        String host = headers.getFirst(Headers.HOST);
        if (!headers.contains(Headers.X_FORWARDED_HOST) && host != null) {
            headers.put(Headers.X_FORWARDED_HOST, host);
        }
        if (!headers.contains(Headers.X_FORWARDED_PORT)) {
            headers.put(Headers.X_FORWARDED_PORT, exchange.getDestinationAddress().getPort());
        }
    }

    /** Appends the peer's address to X-Forwarded-For in an outgoing header map, as ProxyHandler does. */
    public static void appendPeer(HttpServerExchange exchange, HeaderMap outgoing) {
        String peer = exchange.getSourceAddress().getAddress().getHostAddress();
        String chain = outgoing.getFirst(Headers.X_FORWARDED_FOR);
        outgoing.put(Headers.X_FORWARDED_FOR, chain == null || chain.isEmpty() ? peer : chain + "," + peer);
    }

    private boolean isTrusted(InetSocketAddress peer) {
        if (peer == null || trustedProxies.isEmpty()) {
            return false;
        }
        InetAddress address = peer.getAddress();
        return address != null && trustedProxies.stream().anyMatch(c -> c.contains(address));
    }
}
