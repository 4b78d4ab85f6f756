package dev.sluice.runtime;

import dev.sluice.config.RouteConfig;
import dev.sluice.config.WebSocketConfig;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;

import java.net.URI;
import java.net.URISyntaxException;

/** A configured route joined to its upstream pool; attached to the exchange once matched. */
public final class Route {
    public static final AttachmentKey<Route> KEY = AttachmentKey.create(Route.class);

    private final RouteConfig config;
    private final UpstreamPool upstream;
    private final String host;
    private final PrefixRestore prefixRestore;

    public Route(RouteConfig config, UpstreamPool upstream) {
        this.config = config;
        this.upstream = upstream;
        this.host = config.host() == null ? null : RouteTable.canonicalHost(config.host());
        this.prefixRestore = PrefixRestore.of(config);
    }

    public String path() {
        return config.path();
    }

    /** The host this route is for in {@link RouteTable#canonicalHost} form, or null for any host. */
    public String host() {
        return host;
    }

    /** The subprotocol a WebSocket handshake must offer to take this route, or null for any request. */
    public String subprotocol() {
        return config.subprotocol();
    }

    /**
     * What identifies the route across reloads: its match (host, path, subprotocol). Tunnel
     * counts are kept by it, so a reloaded route's limit also counts the tunnels opened before.
     */
    public String key() {
        return (host == null ? "" : host) + config.path()
                + (config.subprotocol() == null ? "" : " subprotocol=" + config.subprotocol());
    }

    public UpstreamPool upstream() {
        return upstream;
    }

    public WebSocketConfig websocket() {
        return config.websocket();
    }

    /**
     * What puts the stripped prefix back into the upstream's answer (Location, Set-Cookie, ...),
     * or null when the route strips none: decided once here, so other routes pay nothing.
     */
    public PrefixRestore prefixRestore() {
        return prefixRestore;
    }

    /** {@link #upstreamPath(RequestPath)} of the path routing attached to the exchange. */
    public String upstreamPath(HttpServerExchange exchange) {
        return upstreamPath(exchange.getAttachment(RequestPath.KEY));
    }

    /**
     * The path to send upstream (no query): the normalised path routing matched, less the
     * matched prefix when the route strips it.
     */
    public String upstreamPath(RequestPath path) {
        String raw = path.raw();
        if (!config.stripPrefix()) {
            return raw;
        }
        String prefix = config.path();
        String decoded = path.decoded();
        String rest;
        if (prefix.endsWith("/") || decoded.length() == prefix.length() || decoded.charAt(prefix.length()) == '/') {
            // whole segments: cut them from the raw path, which keeps the rest's escapes and parameters
            long slashes = prefix.chars().filter(c -> c == '/').count();
            rest = path.rawWithout((int) slashes - (prefix.endsWith("/") ? 1 : 0));
        } else if (raw.startsWith(prefix)) {
            rest = raw.substring(prefix.length());
        } else {
            // The prefix ends inside a segment that the raw path spells otherwise (escapes, parameters):
            // strip it from the decoded path and re-encode the rest.
            rest = encode(decoded.substring(prefix.length()));
        }
        return rest.startsWith("/") ? rest : "/" + rest;
    }

    private static String encode(String decodedPath) {
        try {
            return new URI(null, null, decodedPath, null).toASCIIString();
        } catch (URISyntaxException e) {
            return "/";
        }
    }

    @Override
    public String toString() {
        return (host == null ? "" : host) + config.path()
                + (config.subprotocol() == null ? "" : " subprotocol " + config.subprotocol()) + " -> " + upstream.name();
    }
}
