package dev.sluice.runtime;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.URLUtils;

import java.util.ArrayList;
import java.util.List;

/**
 * A request's path, normalised once before routing so that routing, every per-route policy
 * and the upstream act on the same path (else {@code /ws/../chat/x} would pass a {@code /}
 * route's rules and reach the upstream's {@code /chat/x}). As nginx does, on the raw path:
 * <ul>
 * <li>{@code .} and {@code ..} segments are resolved (RFC 3986 §5.2.4), also when they carry
 *     path parameters ({@code ..;x}, as Tomcat reads them); climbing above {@code /} is refused;</li>
 * <li>empty segments are merged ({@code //a} is {@code /a});</li>
 * <li>escapes of unreserved characters are decoded ({@code %7E} is {@code ~}, {@code %2e} is
 *     {@code .}); the other escapes stay encoded, their hex upper-cased (RFC 3986 §6.2.2.1);</li>
 * <li>an encoded {@code /} ({@code %2F}), a {@code \} raw or encoded ({@code %5C}), an encoded
 *     NUL ({@code %00}) or a malformed escape are refused: back ends disagree on what they mean
 *     (Undertow's parser already refuses a raw {@code \} and raw non-ASCII).</li>
 * </ul>
 * Path parameters ({@code ;jsessionid=...}) stay with their segment, unchanged, except on
 * the {@code .}, {@code ..} and empty segments that normalising removes; a last empty segment
 * keeps them ({@code /app/;jsessionid=X}). The query is not part of this path.
 */
public final class RequestPath {
    public static final AttachmentKey<RequestPath> KEY = AttachmentKey.create(RequestPath.class);

    private static final String HEX = "0123456789ABCDEF";

    /** Null for a plain path (see {@link #isPlain}): it is split only if a prefix is ever stripped from it. */
    private final List<String> segments;
    private final boolean endsWithSlash;
    private final String raw;
    private final String decoded;

    private RequestPath(List<String> segments, boolean endsWithSlash) {
        this.segments = List.copyOf(segments);
        this.endsWithSlash = endsWithSlash;
        this.raw = join(segments, endsWithSlash, false);
        this.decoded = join(segments, endsWithSlash, true);
    }

    private RequestPath(String plain) {
        this.segments = null;
        this.endsWithSlash = plain.endsWith("/");
        this.raw = plain;
        this.decoded = plain;
    }

    /**
     * The normalised path of this exchange's request target (Undertow keeps it raw in the
     * request URI; an absolute-form target is reduced to its path).
     *
     * @throws IllegalArgumentException saying what is wrong with the path
     */
    public static RequestPath of(HttpServerExchange exchange) {
        String target = exchange.getRequestURI();
        if (exchange.isHostIncludedInRequestURI()) {
            int authority = target.indexOf("//");
            int path = authority < 0 ? -1 : target.indexOf('/', authority + 2);
            target = path < 0 ? "/" : target.substring(path);
        }
        return normalise(target);
    }

    /**
     * @param rawPath a request target's path, still percent-encoded, without the query
     * @throws IllegalArgumentException saying what is wrong with the path
     */
    public static RequestPath normalise(String rawPath) {
        if (!rawPath.startsWith("/")) {
            throw new IllegalArgumentException("the request target is not a path");
        }
        if (isPlain(rawPath)) {
            return new RequestPath(rawPath); // most paths: nothing to split, decode or join
        }
        return split(rawPath);
    }

    /**
     * A path that normalising leaves as it is, decoded as well: ASCII (decoding takes other bytes
     * for malformed UTF-8), no escapes, backslashes or path parameters, no empty, {@code .} or
     * {@code ..} segment.
     */
    static boolean isPlain(String path) {
        for (int i = 1; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%' || c == '\\' || c == ';' || c >= 0x80) {
                return false;
            }
            if (path.charAt(i - 1) == '/') {
                if (c == '/') {
                    return false;
                }
                if (c == '.') {
                    int end = i + 1 < path.length() && path.charAt(i + 1) == '.' ? i + 2 : i + 1;
                    if (end == path.length() || path.charAt(end) == '/') {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** The general case: split into segments, each made canonical, the dot and empty ones resolved. */
    static RequestPath split(String rawPath) {
        String[] segments = rawPath.substring(1).split("/", -1);
        List<String> kept = new ArrayList<>();
        boolean endsWithSlash = false;
        for (int i = 0; i < segments.length; i++) {
            String segment = canonicalEscapes(segments[i]);
            int semicolon = segment.indexOf(';');
            String name = semicolon < 0 ? segment : segment.substring(0, semicolon);
            boolean last = i == segments.length - 1;
            if (name.equals("..")) {
                if (kept.isEmpty()) {
                    throw new IllegalArgumentException("the path climbs above / with '..'");
                }
                kept.remove(kept.size() - 1);
                endsWithSlash = last;
            } else if (name.equals(".") || name.isEmpty() && (!last || semicolon < 0)) {
                endsWithSlash = last;
            } else {
                kept.add(segment);
                endsWithSlash = false;
            }
        }
        return new RequestPath(kept, endsWithSlash);
    }

    /** The path to forward: normalised, still percent-encoded, with its path parameters. */
    public String raw() {
        return raw;
    }

    /**
     * The path routes match: decoded (UTF-8, a malformed sequence as U+FFFD, as Undertow does),
     * without path parameters, as a servlet container maps it.
     */
    public String decoded() {
        return decoded;
    }

    /** {@link #raw()} less its first {@code n} segments: {@code /a/b;p=1} less one is {@code /b;p=1}. */
    public String rawWithout(int n) {
        if (segments == null) {
            return split(raw).rawWithout(n);
        }
        return join(segments.subList(Math.min(n, segments.size()), segments.size()), endsWithSlash, false);
    }

    private static String join(List<String> segments, boolean endsWithSlash, boolean decode) {
        StringBuilder path = new StringBuilder();
        for (String segment : segments) {
            path.append('/').append(decode ? decodedName(segment) : segment);
        }
        if (endsWithSlash || path.isEmpty()) {
            path.append('/');
        }
        return path.toString();
    }

    private static String decodedName(String segment) {
        int semicolon = segment.indexOf(';');
        String name = semicolon < 0 ? segment : segment.substring(0, semicolon);
        // not form encoding: '+' is a plus in a path
        return URLUtils.decode(name, "UTF-8", true, false, new StringBuilder());
    }

    /** The segment with unreserved escapes decoded and the rest upper-cased; refuses what may not be there. */
    private static String canonicalEscapes(String segment) {
        if (segment.indexOf('%') < 0 && segment.indexOf('\\') < 0) {
            return segment;
        }
        StringBuilder out = new StringBuilder(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '\\') {
                throw new IllegalArgumentException("the path holds a '\\'");
            }
            if (c != '%') {
                out.append(c);
                continue;
            }
            int high = i + 2 < segment.length() ? hexValue(segment.charAt(i + 1)) : -1;
            int low = high < 0 ? -1 : hexValue(segment.charAt(i + 2));
            if (low < 0) {
                throw new IllegalArgumentException("the path holds a malformed percent-escape (a '%' not followed"
                        + " by two hex digits)");
            }
            char decoded = (char) (high * 16 + low);
            switch (decoded) {
                case '/' -> throw new IllegalArgumentException("the path holds an encoded '/' (%2F)");
                case '\\' -> throw new IllegalArgumentException("the path holds an encoded '\\' (%5C)");
                case 0 -> throw new IllegalArgumentException("the path holds an encoded NUL (%00)");
                default -> {
                    if (isUnreserved(decoded)) {
                        out.append(decoded);
                    } else {
                        out.append('%').append(HEX.charAt(high)).append(HEX.charAt(low));
                    }
                }
            }
            i += 2;
        }
        return out.toString();
    }

    /** ASCII hex only: Character.digit would also take other scripts' digits. */
    private static int hexValue(char c) {
        return c < 128 ? Character.digit(c, 16) : -1;
    }

    /** RFC 3986 §2.3: escaping these changes nothing, so their escapes are decoded. */
    private static boolean isUnreserved(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    @Override
    public String toString() {
        return raw;
    }
}
