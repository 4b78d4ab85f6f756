package dev.sluice.runtime;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Picks the route for a request: a route naming the request's host beats one for any host,
 * then the longest path prefix of the normalised path ({@link RequestPath}) wins (plain string
 * prefix, as nginx's {@code location}).
 */
public final class RouteTable {
    private final List<Route> byPrecedence;

    public RouteTable(List<Route> routes) {
        this.byPrecedence = routes.stream()
                .sorted(Comparator.comparing((Route r) -> r.host() == null)
                        .thenComparing(r -> -r.path().length()))
                .toList();
    }

    /** The most specific route for this host (port ignored) and normalised, decoded path, or null. */
    public Route match(String host, String path) {
        String h = host == null ? "" : canonicalHost(host);
        for (Route route : byPrecedence) {
            if ((route.host() == null || route.host().equals(h)) && path.startsWith(route.path())) {
                return route;
            }
        }
        return null;
    }

    /**
     * A host as routes compare it: lower-case, an IPv6 literal in brackets. The request's
     * host comes without them ({@code Host: [::1]:8080} is {@code ::1}), a route's as written.
     * IPv6 literals compare as text: {@code [::1]} is not {@code [0:0::1]}.
     */
    static String canonicalHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.indexOf(':') >= 0 && !h.startsWith("[") ? "[" + h + "]" : h;
    }

    public List<Route> routes() {
        return byPrecedence;
    }
}
