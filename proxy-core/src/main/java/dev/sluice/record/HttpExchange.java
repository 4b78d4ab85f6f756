package dev.sluice.record;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One HTTP exchange as the client saw it, recorded when it completed.
 *
 * @param started         when the request reached the proxy's handlers
 * @param method          e.g. {@code GET}
 * @param path            the request target's path as the client sent it (before normalising or
 *                        prefix stripping), without the query
 * @param query           the query string without {@code ?}; empty when there is none
 * @param protocol        e.g. {@code HTTP/1.1}
 * @param host            the {@code Host} the client asked for ({@code host[:port]})
 * @param status          the status the client got ({@code 101} for a handshake that became a tunnel;
 *                        0 when a fault left it without one: see {@link #error()})
 * @param duration        from {@code started} until the response was complete (for a 101: until the
 *                        handshake's answer was sent)
 * @param route           the match path of the route taken, or null when none matched
 * @param upstream        the name of that route's upstream, or null when none matched
 * @param server          {@code host:port} of the upstream server whose answer the client got, or null
 *                        when Sluice answered itself (404, 502, 503, 504, ...)
 * @param requestHeaders  the request's headers as they reached the proxy's handlers (with the
 *                        {@code X-Request-Id} Sluice adds); unmodifiable, in Undertow's order (not the
 *                        order on the wire)
 * @param responseHeaders the response's headers as the client got them; unmodifiable
 * @param responseBytes   body bytes the client got
 * @param tunnelId        the id of the tunnel the handshake became ({@link dev.sluice.tunnel.Tunnel#id()}),
 *                        or {@link #NO_TUNNEL}
 * @param fault           the name of the fault that changed the answer the client got, or null
 * @param error           what that fault did to it, as the client saw it ({@code connection reset},
 *                        {@code no answer (blackhole)}, {@code body cut after 1000 bytes}), or null
 */
public record HttpExchange(Instant started, String method, String path, String query, String protocol, String host,
                           int status, Duration duration, String route, String upstream, String server,
                           Map<String, List<String>> requestHeaders, Map<String, List<String>> responseHeaders,
                           long responseBytes, long tunnelId, String fault, String error) {
    /** {@link #tunnelId()} of an exchange that did not become a tunnel. */
    public static final long NO_TUNNEL = -1;

    /** The first value of a request header, by name in any case, or null. */
    public String requestHeader(String name) {
        return Headers.first(requestHeaders, name);
    }

    /** The first value of a response header, by name in any case, or null. */
    public String responseHeader(String name) {
        return Headers.first(responseHeaders, name);
    }

    /** Whether the exchange became a WebSocket tunnel. */
    public boolean isTunnel() {
        return tunnelId != NO_TUNNEL;
    }

    /** The same exchange, now known to have become tunnel {@code id} to {@code server}. */
    HttpExchange becameTunnel(long id, String server) {
        return new HttpExchange(started, method, path, query, protocol, host, status, duration, route, upstream, server,
                requestHeaders, responseHeaders, responseBytes, id, fault, error);
    }
}
