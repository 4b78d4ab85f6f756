package dev.sluice.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The rules that span fields, in one place for every way a configuration is made: from a file
 * ({@link ConfigLoader} applies them after binding), in code ({@code SluiceBuilder}, an embedding
 * test) or through the admin API. What one value must be on its own is checked where it is read,
 * or by its record's constructor. The rules:
 * <ul>
 * <li>each listener address once (port 0 excepted: each such listener gets a free port of its own);
 * <li>the admin listener on an address no listener has;
 * <li>a listener with {@code proxy-protocol} only with {@code trusted-proxies} (else nothing could connect);
 * <li>within an upstream, each server URL once and each jvmRoute once;
 * <li>each route names an upstream that exists;
 * <li>each route match (host, path and subprotocol together) once;
 * <li>each fault's route is some route's match path, and each fault name is used once.
 * </ul>
 * From a file each problem is placed at the value it is about ({@code FILE:LINE:COLUMN: key: ...});
 * a configuration built in code has no places, so its problems read {@code SOURCE: key: ...}.
 */
public final class ConfigRules {
    private ConfigRules() {
    }

    /**
     * Checks a configuration built in code.
     *
     * @throws ConfigException listing every problem, each named by its key path, e.g.
     *                         {@code builder: routes[0].upstream: unknown upstream 'api' (known: app)}
     */
    public static void validate(SluiceConfig config) throws ConfigException {
        Problems problems = new Problems(config.source());
        check(Inputs.of(config), problems);
        if (problems.any()) {
            throw problems.exception();
        }
    }

    /**
     * {@link #validate}, for callers where a bad configuration is a programming error.
     *
     * @throws IllegalArgumentException with every problem as its message and the
     *                                  {@link ConfigException} as its cause
     */
    public static void requireValid(SluiceConfig config) {
        try {
            validate(config);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    static void check(Inputs in, Problems problems) {
        once(in.listeners, address -> address.port() == 0, (first, again) -> "same address as " + first.item()
                + " (" + again.value() + "; list each address once)", problems);
        adminApart(in, problems);
        if (in.trustedProxiesEmpty) {
            for (Value<Boolean> listener : in.proxyProtocolListeners) {
                problems.at(listener.mark(), listener.key(), "a PROXY protocol listener accepts connections only"
                        + " from trusted-proxies, and there are none: nothing could connect (add your balancer's"
                        + " addresses, e.g. trusted-proxies: [ 10.0.0.0/8 ], or remove proxy-protocol)");
            }
        }
        in.serverUrls.values().forEach(urls -> once(urls, url -> false, (first, again) -> "same server as "
                + first.item() + " (" + again.value() + "; list each server once)", problems));
        in.serverRoutes.values().forEach(routes -> once(routes, route -> false, (first, again) -> "route '"
                + again.value() + "' is already used by " + first.item() + " (each server needs its own jvmRoute)",
                problems));
        if (in.upstreamNames != null) {
            for (Value<String> upstream : in.routeUpstreams) {
                if (!in.upstreamNames.contains(upstream.value())) {
                    problems.at(upstream.mark(), upstream.key(), unknownUpstream(upstream.value(), in.upstreamNames));
                }
            }
        }
        once(in.routeMatches, match -> false, (first, again) -> "same match as " + first.item() + " ("
                + describeMatch(again.value()) + "; change or remove one)", problems);
        if (in.routePaths != null) {
            for (Value<String> route : in.faultRoutes) {
                if (!in.routePaths.contains(route.value())) {
                    problems.at(route.mark(), route.key(), unknownRoutePath(route.value(), in.routePaths));
                }
            }
        }
        once(in.faultNames, name -> false, (first, again) -> "name '" + again.value() + "' is already used by "
                + first.item() + " (each fault needs its own name)",
                problems);
    }

    private static void adminApart(Inputs in, Problems problems) {
        if (in.admin == null || in.admin.value().port() == 0) {
            return;
        }
        for (Value<HostPort> listener : in.listeners) {
            if (listener.value().equals(in.admin.value())) {
                problems.at(in.admin.mark(), in.admin.key(), "same address as " + listener.item() + " ("
                        + listener.value() + "; the admin listener needs an address of its own, e.g. 127.0.0.1:9901)");
                return;
            }
        }
    }

    /** Reports every value equal to an earlier one (that is not exempt), pointing at the first. */
    private static <T> void once(List<Value<T>> values, Predicate<T> exempt,
                                 BiFunction<Value<T>, Value<T>, String> message, Problems problems) {
        Map<T, Value<T>> first = new HashMap<>();
        for (Value<T> value : values) {
            if (exempt.test(value.value())) {
                continue;
            }
            Value<T> earlier = first.putIfAbsent(value.value(), value);
            if (earlier != null) {
                problems.at(value.mark(), value.key(), message.apply(earlier, value));
            }
        }
    }

    static String unknownUpstream(String name, Set<String> known) {
        if (known.isEmpty()) {
            return "unknown upstream '" + name + "' (no upstreams are defined: add one under upstreams,"
                    + " e.g. upstreams: { " + name + ": { servers: [ { url: http://127.0.0.1:8081 } ] } })";
        }
        return "unknown upstream '" + name + "' (" + Suggestions.didYouMean(name, known)
                + "known: " + String.join(", ", known) + ")";
    }

    static String unknownRoutePath(String path, Set<String> known) {
        if (known.isEmpty()) {
            return "'" + path + "' is not a route's match path (there are no routes)";
        }
        return "'" + path + "' is not a route's match path (" + Suggestions.didYouMean(path, known)
                + "routes: " + String.join(", ", known) + ")";
    }

    private static String describeMatch(List<String> hostPathSubprotocol) {
        String host = hostPathSubprotocol.get(0);
        String subprotocol = hostPathSubprotocol.get(2);
        return "host " + (host == null ? "any" : host) + ", path " + hostPathSubprotocol.get(1)
                + (subprotocol == null ? "" : ", subprotocol " + subprotocol);
    }

    /**
     * One value a rule compares: {@code item} is its entry (e.g. {@code routes[2]}), {@code field}
     * its key there; {@code mark} is where a file has it, null for a configuration built in code.
     */
    record Value<T>(String item, String field, T value, Mark mark) {
        String key() {
            return Paths.child(item, field);
        }
    }

    /**
     * The values the rules compare. The binders add each as they read it, so that from a file the
     * rules see every value that could be read, and a broken entry elsewhere hides none of their
     * problems; from code, {@link #of} takes them all from the records.
     */
    static final class Inputs {
        private final List<Value<HostPort>> listeners = new ArrayList<>();
        private final List<Value<Boolean>> proxyProtocolListeners = new ArrayList<>();
        // true only when trusted-proxies was read and is empty (absent, or [ ])
        private boolean trustedProxiesEmpty;
        private Value<HostPort> admin;
        // every upstream name written, broken ones too (their problems are reported already);
        // null when upstreams could not be read, so that no route is said to name an unknown one
        private Set<String> upstreamNames = new LinkedHashSet<>();
        // by the key of the servers list, e.g. upstreams.app.servers
        private final Map<String, List<Value<URI>>> serverUrls = new LinkedHashMap<>();
        private final Map<String, List<Value<String>>> serverRoutes = new LinkedHashMap<>();
        private final List<Value<String>> routeUpstreams = new ArrayList<>();
        // host (lower case, null for any), path and subprotocol (null for any): what routing tells apart
        private final List<Value<List<String>>> routeMatches = new ArrayList<>();
        // the match path of every route written; null when one could not be read, so that no fault
        // is said to name an unknown route because of a route's own problem
        private Set<String> routePaths = new LinkedHashSet<>();
        private final List<Value<String>> faultNames = new ArrayList<>();
        private final List<Value<String>> faultRoutes = new ArrayList<>();

        static Inputs of(SluiceConfig config) {
            Inputs in = new Inputs();
            for (int i = 0; i < config.listeners().size(); i++) {
                in.listener(i, config.listeners().get(i).address(), null);
                if (config.listeners().get(i).proxyProtocol()) {
                    in.proxyProtocolListener(i, null);
                }
            }
            in.trustedProxies(config.trustedProxies());
            if (config.admin() != null) {
                in.admin(config.admin().address(), null);
            }
            in.upstreamNames(config.upstreams().keySet());
            config.upstreams().forEach((name, upstream) -> {
                String servers = Paths.child(Paths.child("upstreams", name), "servers");
                for (int i = 0; i < upstream.servers().size(); i++) {
                    ServerConfig server = upstream.servers().get(i);
                    in.serverUrl(servers, i, server.url(), null);
                    if (server.route() != null) {
                        in.serverRoute(servers, i, server.route(), null);
                    }
                }
            });
            for (int i = 0; i < config.routes().size(); i++) {
                RouteConfig route = config.routes().get(i);
                in.routeUpstream(i, route.upstream(), null);
                in.routeMatch(i, route.host() == null ? null : route.host().toLowerCase(Locale.ROOT), route.path(),
                        route.subprotocol(), null);
                in.routePath(route.path());
            }
            for (int i = 0; i < config.faults().size(); i++) {
                FaultConfig fault = config.faults().get(i);
                String item = Paths.index("faults", i);
                if (fault.name() != null) {
                    in.faultName(item, fault.name(), null);
                }
                if (fault.route() != null) {
                    in.faultRoute(item, fault.route(), null);
                }
            }
            return in;
        }

        void listener(int index, HostPort address, Node node) {
            listeners.add(new Value<>(Paths.index("listeners", index), "address", address, mark(node)));
        }

        /** @param node the {@code proxy-protocol: true} value */
        void proxyProtocolListener(int index, Node node) {
            proxyProtocolListeners.add(new Value<>(Paths.index("listeners", index), "proxy-protocol", true,
                    mark(node)));
        }

        /** @param trusted the trusted proxies as read, or null when they could not be read */
        void trustedProxies(List<Cidr> trusted) {
            trustedProxiesEmpty = trusted != null && trusted.isEmpty();
        }

        /** @param node the address, or the admin mapping when the address is the default */
        void admin(HostPort address, Node node) {
            admin = new Value<>("admin", "address", address, mark(node));
        }

        /** @param names every name written, or null when upstreams could not be read */
        void upstreamNames(Set<String> names) {
            upstreamNames = names == null ? null : new LinkedHashSet<>(names);
        }

        void serverUrl(String serversKey, int index, URI url, Node node) {
            serverUrls.computeIfAbsent(serversKey, k -> new ArrayList<>())
                    .add(new Value<>(Paths.index(serversKey, index), "url", url, mark(node)));
        }

        void serverRoute(String serversKey, int index, String jvmRoute, Node node) {
            serverRoutes.computeIfAbsent(serversKey, k -> new ArrayList<>())
                    .add(new Value<>(Paths.index(serversKey, index), "route", jvmRoute, mark(node)));
        }

        void routeUpstream(int index, String upstream, Node node) {
            routeUpstreams.add(new Value<>(Paths.index("routes", index), "upstream", upstream, mark(node)));
        }

        /** @param node the match mapping, where a duplicate is pointed at */
        void routeMatch(int index, String host, String path, String subprotocol, Node node) {
            routeMatches.add(new Value<>(Paths.index("routes", index), "match",
                    Arrays.asList(host, path, subprotocol), mark(node)));
        }

        /** A route's match path as written; null: it could not be read, so fault routes go unchecked. */
        void routePath(String path) {
            if (path == null) {
                routePaths = null;
            } else if (routePaths != null) {
                routePaths.add(path);
            }
        }

        /** The paths fault routes must be among; null: unchecked. */
        void routePaths(Collection<String> paths) {
            routePaths = paths == null ? null : new LinkedHashSet<>(paths);
        }

        /** @param item the fault's key path, e.g. {@code faults[1]}; empty for a request body's one fault */
        void faultName(String item, String name, Node node) {
            faultNames.add(new Value<>(item, "name", name, mark(node)));
        }

        void faultRoute(String item, String route, Node node) {
            faultRoutes.add(new Value<>(item, "route", route, mark(node)));
        }

        private static Mark mark(Node node) {
            return node == null ? null : node.getStartMark();
        }
    }
}
