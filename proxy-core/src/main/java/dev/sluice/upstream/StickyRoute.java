package dev.sluice.upstream;

import io.undertow.util.HeaderValues;

/**
 * The route a Tomcat session names, from the part of its id after the first {@code .}
 * ({@code ABC123.node2}: jvmRoute {@code node2}), as mod_jk and mod_proxy_balancer read it:
 * from the session cookie, or from the path parameter of the same name that Tomcat writes when
 * it rewrites URLs for clients without cookies ({@code /app/cart;jsessionid=ABC123.node2}; its
 * name matched without regard to case, as mod_proxy_balancer's {@code JSESSIONID|jsessionid}).
 */
public final class StickyRoute {
    private StickyRoute() {
    }

    /** The route in the cookie {@code name} of these {@code Cookie} header values, or null. */
    public static String fromCookies(HeaderValues cookies, String name) {
        if (cookies == null) {
            return null;
        }
        for (String header : cookies) {
            int at = 0;
            while (at < header.length()) {
                int end = header.indexOf(';', at);
                if (end < 0) {
                    end = header.length();
                }
                int eq = header.indexOf('=', at);
                if (eq > 0 && eq < end && header.substring(at, eq).trim().equals(name)) {
                    String route = routeOf(header.substring(eq + 1, end).trim());
                    if (route != null) {
                        return route;
                    }
                }
                at = end + 1;
            }
        }
        return null;
    }

    /** The route in the path parameter {@code ;name=} of this path (no query), or null. */
    public static String fromPath(String path, String name) {
        int semicolon = path.indexOf(';');
        while (semicolon >= 0) {
            int eq = semicolon + 1 + name.length();
            if (eq < path.length() && path.charAt(eq) == '=' && path.regionMatches(true, semicolon + 1, name, 0, name.length())) {
                int end = eq + 1;
                while (end < path.length() && path.charAt(end) != ';' && path.charAt(end) != '/') {
                    end++;
                }
                return routeOf(path.substring(eq + 1, end));
            }
            semicolon = path.indexOf(';', semicolon + 1);
        }
        return null;
    }

    private static String routeOf(String sessionId) {
        if (sessionId.length() >= 2 && sessionId.charAt(0) == '"' && sessionId.endsWith("\"")) {
            sessionId = sessionId.substring(1, sessionId.length() - 1);
        }
        int dot = sessionId.indexOf('.');
        return dot < 0 || dot == sessionId.length() - 1 ? null : sessionId.substring(dot + 1);
    }
}
