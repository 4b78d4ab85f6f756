package dev.sluice.handler;

import dev.sluice.http.Answer;
import dev.sluice.http.ErrorResponses;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;

import java.net.InetSocketAddress;
import java.util.regex.Pattern;

/**
 * {@code redirect-to-https: PORT}: a request that came in on such a listener (marked by
 * {@link ListenerEntry}) is answered {@code 308 Permanent Redirect} to the same host, path and
 * query on HTTPS, {@code :PORT} left out when it is 443; nothing goes upstream. A WebSocket
 * handshake gets the same answer. 308 keeps the method and body, where 301 lets a client turn a
 * POST into a GET. In the chain only when some listener redirects: the others then pay one
 * attachment lookup.
 */
final class RedirectToHttps implements HttpHandler {
    static final AttachmentKey<Integer> PORT = AttachmentKey.create(Integer.class);
    /** A DNS name or IPv4 address, or a bracketed IPv6 one: nothing that could end the authority. */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}\\]");

    private final HttpHandler next;

    RedirectToHttps(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        Integer port = exchange.getAttachment(PORT);
        if (port == null) {
            next.handleRequest(exchange);
            return;
        }
        String host = host(exchange);
        if (host == null) {
            exchange.setPersistent(false);
            ErrorResponses.send(exchange, Answer.REDIRECT_HOST_INVALID, "the Host header is not a host name:"
                    + " cannot redirect to https");
            return;
        }
        String location = "https://" + host + (port == 443 ? "" : ":" + port) + path(exchange)
                + (exchange.getQueryString().isEmpty() ? "" : "?" + exchange.getQueryString());
        if (!exchange.isRequestComplete() && exchange.getRequestContentLength() != 0) {
            exchange.setPersistent(false); // a body the client sent: not read, so no further request on this connection
        }
        exchange.setStatusCode(StatusCodes.PERMANENT_REDIRECT);
        exchange.getResponseHeaders().put(Headers.LOCATION, location);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getResponseSender().send("use https: " + location + "\n");
    }

    /** The host the client asked for, without its port; the address it reached when it sent no Host. */
    private static String host(HttpServerExchange exchange) {
        String host = exchange.getRequestHeaders().getFirst(Headers.HOST);
        if (host == null || host.isBlank()) {
            InetSocketAddress local = exchange.getConnection().getLocalAddress(InetSocketAddress.class);
            if (local == null || local.getAddress() == null) {
                return null;
            }
            String address = local.getAddress().getHostAddress();
            int zone = address.indexOf('%');
            address = zone < 0 ? address : address.substring(0, zone);
            return address.indexOf(':') >= 0 ? "[" + address + "]" : address;
        }
        host = host.trim();
        int colon = host.lastIndexOf(':');
        if (colon >= 0 && colon > host.lastIndexOf(']')) {
            String port = host.substring(colon + 1);
            if (!port.isEmpty() && !port.chars().allMatch(Character::isDigit)) {
                return null;
            }
            host = host.substring(0, colon);
        }
        return HOST.matcher(host).matches() ? host : null;
    }

    /** The path as the client wrote it (still percent-encoded), without a scheme and authority it may have put in front. */
    private static String path(HttpServerExchange exchange) {
        String uri = exchange.getRequestURI();
        if (exchange.isHostIncludedInRequestURI()) {
            int scheme = uri.indexOf("://");
            int slash = scheme < 0 ? -1 : uri.indexOf('/', scheme + 3);
            uri = slash < 0 ? "/" : uri.substring(slash);
        }
        return uri.startsWith("/") ? uri : "/";
    }
}
