package dev.sluice.http;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * A route's {@code strip-prefix} read backwards: the client's path for a path the upstream
 * names. The client reaches upstream path {@code /x} at the prefix without its trailing '/'
 * followed by {@code /x} (route {@code /static/} or {@code /static}: {@code /static/x}), which
 * strip-prefix maps back to {@code /x} exactly; so this holds for any path the upstream writes,
 * one that already starts with the prefix included.
 */
public final class StrippedPrefix {
    /** The prefix as the client writes it: the route's decoded prefix, percent-encoded. */
    private final String prefix;
    /** {@link #prefix} without its trailing '/': what goes in front of an upstream's absolute path. */
    private final String base;

    private StrippedPrefix(String prefix) {
        this.prefix = prefix;
        this.base = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    }

    /** The inverse of stripping {@code routePath} (a route's match path), or null for "/", which strips nothing. */
    public static StrippedPrefix of(String routePath) {
        String encoded = encode(routePath);
        return encoded.equals("/") ? null : new StrippedPrefix(encoded);
    }

    /**
     * The client's form of {@code upstreamPath}, an absolute path ('/' first) that may go on with
     * a query and fragment: {@code /sub/?a=1} is {@code /static/sub/?a=1}, {@code /} is {@code /static/}.
     */
    public String clientPath(String upstreamPath) {
        return base + upstreamPath;
    }

    /**
     * A cookie's {@code Path} for the client: {@code /} (the whole upstream) is the prefix as
     * written, any other path as {@link #clientPath}. With route {@code /static} that is
     * {@code /static}, which a browser sends to {@code /static} and below but not to {@code /staticx}.
     */
    public String cookiePath(String upstreamPath) {
        return upstreamPath.equals("/") ? prefix : base + upstreamPath;
    }

    /** Routes match decoded paths, and headers carry encoded ones: {@code /a b/} is {@code /a%20b/}. */
    private static String encode(String decodedPath) {
        try {
            return new URI(null, null, decodedPath, null).toASCIIString();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("route path " + decodedPath + " cannot be written as a URL path", e);
        }
    }

    @Override
    public String toString() {
        return prefix;
    }
}
