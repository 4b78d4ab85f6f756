package dev.sluice.config;

import java.util.Objects;

/**
 * One route ({@code routes[]}). The most specific match wins: a route with a matching
 * host beats one without, then the longest path prefix; among routes with the same host and
 * path, a WebSocket handshake offering a route's subprotocol takes that route.
 *
 * @param path        path prefix to match, starting with '/'
 * @param host        exact host to match (case-insensitive, port ignored), or null for any host
 * @param upstream    name of the upstream in {@code upstreams}
 * @param stripPrefix whether the matched prefix is removed before forwarding (default false); the
 *                    upstream's Location, Content-Location and Refresh then get it back
 * @param rewriteCookiePath with {@code stripPrefix}, whether the upstream's {@code Set-Cookie}
 *                    paths get the prefix back too (default false); without it, an error
 * @param subprotocol a WebSocket subprotocol (an HTTP token, case-sensitive) the handshake must
 *                    offer in {@code Sec-WebSocket-Protocol}, or null for any request
 */
public record RouteConfig(String path, String host, String upstream, boolean stripPrefix,
                          boolean rewriteCookiePath, WebSocketConfig websocket, String subprotocol) {
    public RouteConfig {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(websocket, "websocket");
        if (rewriteCookiePath && !stripPrefix) {
            throw new IllegalArgumentException(REWRITE_COOKIE_PATH_ALONE);
        }
    }

    /** Why rewrite-cookie-path is refused on a route that strips no prefix. */
    static final String REWRITE_COOKIE_PATH_ALONE = "rewrite-cookie-path puts a stripped prefix back on cookie"
            + " paths, and this route strips none: the upstream's paths are already the client's (add"
            + " strip-prefix: true, or remove rewrite-cookie-path)";

    /** A route whose cookie paths pass unchanged. */
    public RouteConfig(String path, String host, String upstream, boolean stripPrefix, WebSocketConfig websocket,
                       String subprotocol) {
        this(path, host, upstream, stripPrefix, false, websocket, subprotocol);
    }

    /** A route for any request, whatever subprotocol it offers. */
    public RouteConfig(String path, String host, String upstream, boolean stripPrefix, WebSocketConfig websocket) {
        this(path, host, upstream, stripPrefix, websocket, null);
    }

    /** A route on any host, prefix not stripped, WebSocket defaults. */
    public static RouteConfig of(String path, String upstream) {
        return new RouteConfig(path, null, upstream, false, WebSocketConfig.DEFAULTS);
    }
}
