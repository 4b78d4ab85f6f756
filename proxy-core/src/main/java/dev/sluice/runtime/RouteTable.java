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
        String h = host == null ? "" : host.toLowerCase(Locale.ROOT);
        for (Route route : byPrecedence) {
            if ((route.host() == null || route.host().equals(h)) && path.startsWith(route.path())) {
                return route;
            }
        }
        return null;
    }

    public List<Route> routes() {
        return byPrecedence;
    }
}
