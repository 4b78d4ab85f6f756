package dev.sluice.http;

import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A URL an upstream behind {@code strip-prefix} wrote in {@code Location}, {@code Content-Location}
 * or {@code Refresh}, as the client must read it: the upstream names its own paths, which the
 * client reaches only under the route's prefix.
 * <ul>
 * <li>An absolute path ({@code /sub/}) gets the prefix ({@code /static/sub/}).</li>
 * <li>An absolute URL on the site the client asked for ({@code https://example.com/sub/}, built
 *     from the Host the upstream was sent) keeps its scheme and host and gets the prefix on its
 *     path: {@code https://example.com/static/sub/}. Its scheme is the upstream's to choose
 *     (a redirect to https is not undone).</li>
 * <li>An absolute URL on the upstream server itself ({@code http://10.0.0.5:8080/sub/}), which
 *     the client cannot reach, becomes the path under the prefix ({@code /static/sub/}) on
 *     whatever site the client asked, as nginx's default {@code proxy_redirect} does.</li>
 * <li>Anything else is left alone: URLs on other hosts, other schemes, and relative references
 *     ({@code sub/}, {@code ../x}, {@code ?page=2}), which the client resolves against its own
 *     URL, already under the prefix.</li>
 * </ul>
 */
public final class UpstreamUrls {
    /**
     * A Refresh value as a browser reads it (HTML's "shared declarative refresh steps"): a
     * delay, a separator, an optional {@code url=}, an optional quote; the URL is what follows,
     * up to the closing quote. Group 1 is the quote.
     */
    private static final Pattern REFRESH = Pattern.compile(
            "^\\s*[0-9.]+(?=$|[\\s;,])\\s*[;,]?\\s*(?:url\\s*=\\s*)?(['\"]?)", Pattern.CASE_INSENSITIVE);

    private UpstreamUrls() {
    }

    /** {@code url} as the client must read it; {@code site} is asked only for an absolute URL. */
    public static String clientUrl(String url, StrippedPrefix prefix, Supplier<SiteAuthorities> site) {
        if (url.startsWith("/") && !url.startsWith("//")) {
            return prefix.clientPath(url);
        }
        String scheme;
        int authorityStart;
        if (url.startsWith("//")) {
            scheme = null;
            authorityStart = 2;
        } else {
            int colon = url.indexOf("://");
            if (colon < 0) {
                return url;
            }
            scheme = url.substring(0, colon);
            if (!scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
                return url; // a relative reference with "://" in its query, or another scheme
            }
            authorityStart = colon + 3;
        }
        int authorityEnd = authorityStart;
        while (authorityEnd < url.length() && "/?#".indexOf(url.charAt(authorityEnd)) < 0) {
            authorityEnd++;
        }
        SiteAuthorities.Owner owner = site.get().owner(scheme, url.substring(authorityStart, authorityEnd));
        if (owner == SiteAuthorities.Owner.OTHER) {
            return url;
        }
        String rest = url.substring(authorityEnd);
        String path = prefix.clientPath(rest.startsWith("/") ? rest : "/" + rest);
        return owner == SiteAuthorities.Owner.CLIENT_SITE ? url.substring(0, authorityEnd) + path : path;
    }

    /** A {@code Refresh} value with its URL as {@link #clientUrl} gives it; one without a URL unchanged. */
    public static String refresh(String value, StrippedPrefix prefix, Supplier<SiteAuthorities> site) {
        Matcher m = REFRESH.matcher(value);
        if (!m.lookingAt()) {
            return value;
        }
        int start = m.end();
        int end = m.group(1).isEmpty() ? value.length() : value.indexOf(m.group(1).charAt(0), start);
        if (end < 0) {
            end = value.length();
        }
        String written = value.substring(start, end);
        String url = written.strip();
        if (url.isEmpty()) {
            return value;
        }
        String client = clientUrl(url, prefix, site);
        int at = start + written.indexOf(url);
        return client.equals(url) ? value : value.substring(0, at) + client + value.substring(at + url.length());
    }
}
