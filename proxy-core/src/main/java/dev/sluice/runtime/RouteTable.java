package dev.sluice.runtime;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Picks the route for a request: a route naming the request's host beats one for any host,
 * then the longest path prefix of the normalised path ({@link RequestPath}) wins (plain string
 * prefix, as nginx's {@code location}). Among the routes with the same host and path, a
 * WebSocket handshake takes the route of the first subprotocol it offers that has one, else the
 * route without a subprotocol; when there is none, matching goes on to the next shorter prefix.
 */
public final class RouteTable {
    private final List<Route> byPrecedence;
    private final List<Place> places;

    public RouteTable(List<Route> routes) {
        this.byPrecedence = routes.stream()
                .sorted(Comparator.comparing((Route r) -> r.host() == null)
                        .thenComparing(r -> -r.path().length())
                        .thenComparing(r -> r.subprotocol() == null))
                .toList();
        Map<List<String>, Place> byHostAndPath = new LinkedHashMap<>();
        for (Route route : byPrecedence) {
            byHostAndPath.computeIfAbsent(Arrays.asList(route.host(), route.path()),
                    k -> new Place(route.host(), route.path())).add(route);
        }
        this.places = List.copyOf(byHostAndPath.values());
    }

    /** {@link #match(String, String, List)} of a request that offers no subprotocol. */
    public Route match(String host, String path) {
        return match(host, path, null);
    }

    /**
     * The most specific route for this host (port ignored) and normalised, decoded path, or null.
     *
     * @param offered the {@code Sec-WebSocket-Protocol} lines of a WebSocket handshake, or null
     *                for any other request (which never takes a route with a subprotocol)
     */
    public Route match(String host, String path, List<String> offered) {
        String h = host == null ? "" : canonicalHost(host);
        for (Place place : places) {
            if ((place.host == null || place.host.equals(h)) && path.startsWith(place.path)) {
                Route route = offered == null ? place.plain : place.route(offered);
                if (route != null) {
                    return route;
                }
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

    /** The routes of one host and path: the one without subprotocol, and those with one by name. */
    private static final class Place {
        final String host;
        final String path;
        Route plain;
        Map<String, Route> bySubprotocol;

        Place(String host, String path) {
            this.host = host;
            this.path = path;
        }

        void add(Route route) {
            if (route.subprotocol() == null) {
                if (plain == null) {
                    plain = route; // a duplicate (only possible without the loader): the first wins
                }
                return;
            }
            if (bySubprotocol == null) {
                bySubprotocol = new HashMap<>();
            }
            bySubprotocol.putIfAbsent(route.subprotocol(), route);
        }

        /** The route of the first offered subprotocol that has one (client's order), else the plain route. */
        Route route(List<String> offered) {
            if (bySubprotocol != null) {
                for (String line : offered) {
                    int start = 0;
                    while (start <= line.length()) {
                        int comma = line.indexOf(',', start);
                        int end = comma < 0 ? line.length() : comma;
                        Route route = bySubprotocol.get(line.substring(start, end).trim());
                        if (route != null) {
                            return route;
                        }
                        start = end + 1;
                    }
                }
            }
            return plain;
        }
    }
}
