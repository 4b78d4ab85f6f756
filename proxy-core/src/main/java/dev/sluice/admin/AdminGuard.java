package dev.sluice.admin;

import dev.sluice.config.AdminConfig;
import dev.sluice.config.HostPort;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

import static dev.sluice.admin.AdminAnswers.text;

/**
 * Keeps the admin API from being driven by a web page that an operator happens to have open:
 * an API on loopback is reachable from every page a browser shows. Before any endpoint:
 * <ul>
 * <li>a {@code Host} other than the allowed ones gets 403 (DNS rebinding: a page of another
 *     site whose name now points at 127.0.0.1);</li>
 * <li>an {@code Origin} other than {@code http(s)://} an allowed host gets 403 (a page's
 *     fetch), and so does a preflight ({@code OPTIONS});</li>
 * <li>a {@code POST} or {@code DELETE} must say {@code Content-Type: application/json} or
 *     {@code application/yaml}, which a page can send only after a preflight: 415 otherwise;</li>
 * <li>with {@code admin.token}, every request must carry it, as a Bearer token or as the
 *     password of HTTP Basic (so that a person's browser can still open the status page): 401.</li>
 * </ul>
 * {@code /healthz} and {@code /readyz} answer anyone, for probes. The token and the allowed
 * hosts are read from the running configuration on each request, so a reload changes them.
 */
final class AdminGuard implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(AdminGuard.class);
    private static final String JSON = "application/json";
    private static final String YAML = "application/yaml";

    private final RunningProxy proxy;
    private final Set<String> defaultHosts;
    private final HttpHandler next;

    /** @param address where the admin API listens: its host is allowed, and a wildcard allows the machine's addresses */
    AdminGuard(RunningProxy proxy, HostPort address, HttpHandler next) {
        this.proxy = proxy;
        this.defaultHosts = defaultHosts(address);
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (exchange.isInIoThread()) {
            // A refusal is logged, and a page can send many: not on an IO thread the proxy shares.
            exchange.dispatch(this);
            return;
        }
        String path = exchange.getRequestPath();
        if (path.equals("/healthz") || path.equals("/readyz")) {
            next.handleRequest(exchange);
            return;
        }
        AdminConfig config = proxy.config().admin();
        Set<String> allowed = config == null || config.allowedHosts().isEmpty()
                ? defaultHosts : Set.copyOf(config.allowedHosts());
        String host = exchange.getRequestHeaders().getFirst(Headers.HOST);
        if (host == null || !allowed.contains(hostName(host))) {
            refuse(exchange, StatusCodes.FORBIDDEN, "Host " + (host == null ? "(none)" : host)
                    + " is not allowed (admin.allowed-hosts: " + String.join(", ", allowed) + ")");
            return;
        }
        String origin = exchange.getRequestHeaders().getFirst(Headers.ORIGIN);
        if (origin != null && !allowedOrigin(origin, allowed)) {
            refuse(exchange, StatusCodes.FORBIDDEN, "Origin " + origin + " is not allowed");
            return;
        }
        HttpString method = exchange.getRequestMethod();
        if (method.equals(Methods.OPTIONS)) {
            refuse(exchange, StatusCodes.FORBIDDEN, "the admin API answers no cross-origin preflight");
            return;
        }
        if (config != null && config.token() != null && !authorized(exchange, config.token())) {
            exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Basic realm=\"Sluice admin\", charset=\"UTF-8\"");
            refuse(exchange, StatusCodes.UNAUTHORIZED, "the admin API wants its token (admin.token), as"
                    + " Authorization: Bearer TOKEN or as the password of HTTP Basic");
            return;
        }
        if ((method.equals(Methods.POST) || method.equals(Methods.DELETE)) && !jsonOrYaml(exchange)) {
            refuse(exchange, StatusCodes.UNSUPPORTED_MEDIA_TYPE, method + " " + path + " takes " + JSON + " or " + YAML);
            return;
        }
        next.handleRequest(exchange);
    }

    private static void refuse(HttpServerExchange exchange, int status, String reason) {
        log.info("SLU0010 admin {} {} from {} refused ({}): {}", exchange.getRequestMethod(), exchange.getRequestPath(),
                exchange.getSourceAddress() == null ? "?" : exchange.getSourceAddress().getAddress().getHostAddress(),
                status, reason);
        text(exchange, status, status + ": " + reason);
    }

    /** The host of a {@code Host} header without its port, lower-case, IPv6 in brackets. */
    static String hostName(String hostHeader) {
        String host = hostHeader.strip().toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            return close < 0 ? host : host.substring(0, close + 1);
        }
        int colon = host.indexOf(':');
        if (colon >= 0 && colon == host.lastIndexOf(':')) {
            return host.substring(0, colon);
        }
        return colon >= 0 ? "[" + host + "]" : host; // a bare IPv6 literal
    }

    private static boolean allowedOrigin(String origin, Set<String> allowed) {
        try {
            URI uri = new URI(origin);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && (uri.getPath() == null || uri.getPath().isEmpty())
                    && allowed.contains(hostName(uri.getHost()));
        } catch (URISyntaxException e) {
            return false; // "null" (a sandboxed page, a file) and anything malformed
        }
    }

    private static boolean jsonOrYaml(HttpServerExchange exchange) {
        String type = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
        if (type == null) {
            return false;
        }
        int semicolon = type.indexOf(';');
        String media = (semicolon < 0 ? type : type.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
        return media.equals(JSON) || media.equals(YAML);
    }

    /** Bearer TOKEN, or Basic with any user name and TOKEN as the password; compared in constant time. */
    private static boolean authorized(HttpServerExchange exchange, String token) {
        String header = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        if (header == null) {
            return false;
        }
        String given = null;
        if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            given = header.substring(7).strip();
        } else if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String pair = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                given = colon < 0 ? null : pair.substring(colon + 1);
            } catch (IllegalArgumentException notBase64) {
                return false;
            }
        }
        return given != null && MessageDigest.isEqual(sha256(given), sha256(token));
    }

    /** Digests of equal length, so that the comparison tells nothing about the token's length either. */
    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static Set<String> defaultHosts(HostPort address) {
        Set<String> hosts = new LinkedHashSet<>();
        hosts.add("localhost");
        hosts.add("127.0.0.1");
        hosts.add("[::1]");
        hosts.add(hostName(address.host()));
        if (address.host().equals("0.0.0.0") || address.host().equals("::")) {
            // A kubelet probe or a Prometheus scrape comes by the pod's address.
            try {
                for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                        String literal = a.getHostAddress();
                        int scope = literal.indexOf('%');
                        literal = scope < 0 ? literal : literal.substring(0, scope);
                        hosts.add(a instanceof Inet6Address ? "[" + literal + "]" : literal);
                    }
                }
            } catch (SocketException e) {
                log.warn("SLU0011 cannot list this machine's addresses for the admin API's allowed hosts: {}",
                        e.getMessage());
            }
        }
        return Set.copyOf(hosts);
    }
}
