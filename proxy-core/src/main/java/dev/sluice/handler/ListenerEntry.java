package dev.sluice.handler;

import dev.sluice.config.ListenerConfig;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;

/**
 * One listener's root handler, in front of the handler chain every listener shares: it marks the
 * exchanges of a listener with {@code hsts} or {@code redirect-to-https} and hands every exchange
 * on. A listener with neither pays one volatile read. Its settings change on reload
 * ({@link #configure}); the listener itself stays.
 *
 * <ul>
 *   <li>{@code hsts}: {@code Strict-Transport-Security: max-age=N} is set just before the response
 *       head goes out, on every response of the listener (errors, 101 and refusals too), replacing
 *       one an upstream sent: one header, the proxy's value (what nginx users get from
 *       {@code add_header ... always} with {@code proxy_hide_header}).</li>
 *   <li>{@code redirect-to-https}: the exchange carries the port, and {@link RedirectToHttps}, in the
 *       chain after the access log and the request limits, answers it with a 308.</li>
 * </ul>
 */
public final class ListenerEntry implements HttpHandler {
    public static final HttpString STRICT_TRANSPORT_SECURITY = new HttpString("Strict-Transport-Security");

    private final HttpHandler next;
    /** What this listener adds to its exchanges; null: nothing (a plain listener, or TLS without hsts). */
    private volatile Policy policy;

    /** @param next the chain every listener shares (the graceful-shutdown handler in front of it) */
    public ListenerEntry(HttpHandler next, ListenerConfig listener) {
        this.next = next;
        configure(listener);
    }

    /** Takes this listener's {@code hsts} and {@code redirect-to-https} from a (re)loaded configuration. */
    public void configure(ListenerConfig listener) {
        String hsts = listener.hsts() == null ? null : "max-age=" + listener.hsts().toSeconds();
        Integer redirect = listener.redirectToHttps();
        policy = hsts == null && redirect == null ? null : new Policy(hsts, redirect);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        Policy p = policy;
        if (p != null) {
            if (p.hsts != null) {
                exchange.addResponseCommitListener(ex -> ex.getResponseHeaders().put(STRICT_TRANSPORT_SECURITY, p.hsts));
            }
            if (p.redirect != null) {
                exchange.putAttachment(RedirectToHttps.PORT, p.redirect);
            }
        }
        next.handleRequest(exchange);
    }

    private record Policy(String hsts, Integer redirect) {
    }
}
