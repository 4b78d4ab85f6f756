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

    public Route(RouteConfig config, UpstreamPool upstream) {
        this.config = config;
        this.upstream = upstream;
    }

    public String path() {
        return config.path();
    }

    public String host() {
        return config.host();
    }

    public UpstreamPool upstream() {
        return upstream;
    }

    public WebSocketConfig websocket() {
        return config.websocket();
    }

    /**
     * The path to send upstream (no query): the client's, less the matched prefix when the
     * route strips it. Absolute-form request targets are reduced to their path.
     */
    public String upstreamPath(HttpServerExchange exchange) {
        String raw = exchange.getRequestURI();
        if (exchange.isHostIncludedInRequestURI()) {
            int authority = raw.indexOf("//");
            int path = authority < 0 ? -1 : raw.indexOf('/', authority + 2);
            raw = path < 0 ? "/" : raw.substring(path);
        }
        if (!config.stripPrefix()) {
            return raw;
        }
        String rest;
        if (raw.startsWith(config.path())) {
            rest = raw.substring(config.path().length());
        } else {
            // The client percent-encoded part of the prefix: strip it from the decoded path and re-encode.
            rest = encode(exchange.getRequestPath().substring(
                    Math.min(config.path().length(), exchange.getRequestPath().length())));
        }
        return rest.startsWith("/") ? rest : "/" + rest;
    }

    private static String encode(String decodedPath) {
        try {
            return new URI(null, null, decodedPath, null).getRawPath();
        } catch (URISyntaxException e) {
            return "/";
        }
    }

    @Override
    public String toString() {
        return (config.host() == null ? "" : config.host()) + config.path() + " -> " + upstream.name();
    }
}
