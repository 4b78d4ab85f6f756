package dev.sluice.http;

import dev.sluice.config.Cidr;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * X-Forwarded-For/-Proto/-Host/-Port as Tomcat's RemoteIpValve and Spring expect them.
 * Values a client sent are believed only from a trusted proxy; anyone else's are replaced,
 * so a client cannot claim to be someone else or to have used https. The other headers
 * that frameworks read for the same purpose ({@code Forwarded}, {@code X-Real-IP},
 * {@code X-Forwarded-Prefix}, ...) are dropped from untrusted peers; Sluice writes only the
 * X-Forwarded-* set itself, the one every Java server understands.
 */
public final class ForwardedHeaders {
    /**
     * Headers by which an upstream might learn a client's address, scheme, host or path prefix.
     * Spring's ForwardedHeaderFilter reads Forwarded and X-Forwarded-Ssl/-Prefix; Tomcat's
     * RemoteIpValve X-Forwarded-By; nginx setups X-Real-IP; the rest are common aliases.
     */
    private static final List<HttpString> UNTRUSTED = List.of(
            Headers.X_FORWARDED_FOR, Headers.X_FORWARDED_PROTO, Headers.X_FORWARDED_HOST,
            Headers.X_FORWARDED_PORT, Headers.X_FORWARDED_SERVER, Headers.FORWARDED,
            new HttpString("X-Forwarded-Prefix"), new HttpString("X-Forwarded-Ssl"),
            new HttpString("X-Forwarded-Scheme"), new HttpString("X-Forwarded-Protocol"),
            new HttpString("X-Forwarded-By"), new HttpString("X-Real-IP"), new HttpString("X-Client-IP"),
            new HttpString("True-Client-IP"), new HttpString("X-Cluster-Client-IP"),
            new HttpString("X-Url-Scheme"), new HttpString("Front-End-Https"));

    /** Six groups and an IPv4 tail, the longest IPv6 text without a zone id. */

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
            UNTRUSTED.forEach(headers::remove);
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

    /**
     * The address of the client on whose behalf the request came: the peer itself, or, when
     * the peer is a trusted proxy, the nearest address in its X-Forwarded-For chain that is not
     * a trusted proxy too (as Tomcat's RemoteIpValve reads it). Call before {@link #prepare}.
     */
    public InetAddress clientAddress(HttpServerExchange exchange) {
        InetSocketAddress peer = exchange.getSourceAddress();
        InetAddress client = peer == null ? null : peer.getAddress();
        if (client == null || !isTrusted(client)) {
            return client;
        }
        var chain = exchange.getRequestHeaders().get(Headers.X_FORWARDED_FOR);
        if (chain == null) {
            return client;
        }
        for (int line = chain.size() - 1; line >= 0; line--) {
            String[] hops = chain.get(line).split(",");
            for (int i = hops.length - 1; i >= 0; i--) {
                InetAddress hop = IpLiteral.parse(hops[i].trim());
                if (hop == null) {
                    return client; // not an address: believe nothing further left
                }
                client = hop;
                if (!isTrusted(hop)) {
                    return hop;
                }
            }
        }
        return client;
    }

    private boolean isTrusted(InetSocketAddress peer) {
        return peer != null && peer.getAddress() != null && isTrusted(peer.getAddress());
    }

    private boolean isTrusted(InetAddress address) {
        return !trustedProxies.isEmpty() && trustedProxies.stream().anyMatch(c -> c.contains(address));
    }
}
