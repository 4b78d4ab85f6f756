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
 * @param stripPrefix whether the matched prefix is removed before forwarding (default false)
 * @param subprotocol a WebSocket subprotocol (an HTTP token, case-sensitive) the handshake must
 *                    offer in {@code Sec-WebSocket-Protocol}, or null for any request
 */
public record RouteConfig(String path, String host, String upstream, boolean stripPrefix,
                          WebSocketConfig websocket, String subprotocol) {
    public RouteConfig {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(websocket, "websocket");
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
