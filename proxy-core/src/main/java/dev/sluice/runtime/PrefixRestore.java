package dev.sluice.runtime;

import dev.sluice.config.RouteConfig;
import dev.sluice.http.CookiePaths;
import dev.sluice.http.HeaderTokens;
import dev.sluice.http.SiteAuthorities;
import dev.sluice.http.StrippedPrefix;
import dev.sluice.http.UpstreamUrls;
import dev.sluice.upstream.Server;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ResponseCommitListener;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Puts a route's stripped prefix back into the headers of its upstream's answer, before they
 * go out: {@code Location}, {@code Content-Location} and the URL in {@code Refresh}
 * ({@link UpstreamUrls}), and with {@code rewrite-cookie-path} each {@code Set-Cookie} Path
 * ({@link CookiePaths}). A route that strips nothing has none ({@link #of} is null), so its
 * answers cost nothing.
 */
public final class PrefixRestore implements ResponseCommitListener {
    private static final HttpString REFRESH = new HttpString("Refresh");

    private final StrippedPrefix prefix;
    private final boolean cookiePaths;

    private PrefixRestore(StrippedPrefix prefix, boolean cookiePaths) {
        this.prefix = prefix;
        this.cookiePaths = cookiePaths;
    }

    /** The restore for this route, or null when it strips no prefix (or only "/"). */
    static PrefixRestore of(RouteConfig route) {
        StrippedPrefix prefix = route.stripPrefix() ? StrippedPrefix.of(route.path()) : null;
        return prefix == null ? null : new PrefixRestore(prefix, route.rewriteCookiePath());
    }

    @Override
    public void beforeCommit(HttpServerExchange exchange) {
        apply(exchange);
    }

    /** Rewrites the exchange's response headers, which hold the upstream's answer. */
    public void apply(HttpServerExchange exchange) {
        HeaderMap headers = exchange.getResponseHeaders();
        Supplier<SiteAuthorities> site = new Site(exchange);
        rewrite(headers, Headers.LOCATION, url -> UpstreamUrls.clientUrl(url, prefix, site));
        rewrite(headers, Headers.CONTENT_LOCATION, url -> UpstreamUrls.clientUrl(url, prefix, site));
        rewrite(headers, REFRESH, value -> UpstreamUrls.refresh(value, prefix, site));
        if (cookiePaths) {
            rewrite(headers, Headers.SET_COOKIE, cookie -> CookiePaths.clientCookie(cookie, prefix));
        }
    }

    private static void rewrite(HeaderMap headers, HttpString name, UnaryOperator<String> rewrite) {
        HeaderValues values = headers.get(name);
        if (values == null) {
            return;
        }
        for (int i = 0; i < values.size(); i++) {
            values.set(i, rewrite.apply(values.get(i)));
        }
    }

    @Override
    public String toString() {
        return "restore " + prefix + (cookiePaths ? " with cookie paths" : "");
    }

    /** The exchange's authorities, read only when an absolute URL asks whose it is, and then once. */
    private static final class Site implements Supplier<SiteAuthorities> {
        private final HttpServerExchange exchange;
        private SiteAuthorities authorities;

        Site(HttpServerExchange exchange) {
            this.exchange = exchange;
        }

        @Override
        public SiteAuthorities get() {
            if (authorities == null) {
                authorities = read(exchange);
            }
            return authorities;
        }

        /**
         * What the upstream was sent: Host as the client wrote it (Sluice forwards it unchanged),
         * X-Forwarded-Host and -Proto as ForwardedHeaders left them on the request.
         */
        private static SiteAuthorities read(HttpServerExchange exchange) {
            HeaderMap request = exchange.getRequestHeaders();
            String proto = request.getFirst(Headers.X_FORWARDED_PROTO);
            String scheme = proto != null ? proto.trim() : exchange.getRequestScheme();
            List<String> hosts = new ArrayList<>(2);
            String host = request.getFirst(Headers.HOST);
            if (host != null) {
                hosts.add(host);
            }
            hosts.addAll(HeaderTokens.asWritten(request, Headers.X_FORWARDED_HOST));
            Server server = UpstreamClient.serverOf(exchange);
            if (server == null) {
                return new SiteAuthorities(scheme, hosts, null, List.of());
            }
            List<String> own = new ArrayList<>(2);
            own.add(server.url().getHost() + ":" + server.url().getPort());
            InetSocketAddress address = server.address();
            InetAddress ip = address == null ? null : address.getAddress();
            if (ip != null) {
                String text = ip.getHostAddress();
                own.add((text.indexOf(':') >= 0 ? "[" + text + "]" : text) + ":" + address.getPort());
            }
            return new SiteAuthorities(scheme, hosts, server.url().getScheme(), own);
        }
    }
}
