package dev.sluice.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whose site an absolute URL in an upstream's answer names, by its authority: the site the
 * client asked for (the Host and X-Forwarded-Host the upstream was sent, which is where an
 * upstream builds its absolute URLs from), the upstream server itself (its URL or address, which
 * the client cannot reach, as nginx's default {@code proxy_redirect} matches the
 * {@code proxy_pass} URL), or someone else. Authorities compare without case, and a port that
 * is the scheme's default counts as none ({@code https://a.example:443} is {@code https://a.example}).
 */
public final class SiteAuthorities {
    /** Whose site a URL is on. */
    public enum Owner { CLIENT_SITE, UPSTREAM_SERVER, OTHER }

    private final String clientScheme;
    private final List<String> clientHosts;
    private final List<String> serverAuthorities;

    /**
     * @param clientScheme      http or https, as the client spoke to this proxy (or its trusted front)
     * @param clientHosts       the Host and X-Forwarded-Host values the upstream was sent
     * @param serverScheme      the upstream server's scheme, or null when no server answered
     * @param serverAuthorities the server's {@code host:port} spellings (its URL's, its address's)
     */
    public SiteAuthorities(String clientScheme, List<String> clientHosts, String serverScheme,
                           List<String> serverAuthorities) {
        this.clientScheme = clientScheme;
        this.clientHosts = normalised(clientScheme, clientHosts);
        this.serverAuthorities = serverScheme == null ? List.of() : normalised(serverScheme, serverAuthorities);
    }

    /**
     * Whose site {@code scheme://authority} is on.
     *
     * @param scheme null for a network-path reference ({@code //host/x}), which has the client's
     */
    public Owner owner(String scheme, String authority) {
        String normal = normal(scheme == null ? clientScheme : scheme, authority);
        if (clientHosts.contains(normal)) {
            return Owner.CLIENT_SITE;
        }
        return serverAuthorities.contains(normal) ? Owner.UPSTREAM_SERVER : Owner.OTHER;
    }

    private static List<String> normalised(String scheme, List<String> authorities) {
        List<String> normal = new ArrayList<>(authorities.size());
        for (String authority : authorities) {
            normal.add(normal(scheme, authority.trim()));
        }
        return normal;
    }

    private static String normal(String scheme, String authority) {
        String lower = authority.toLowerCase(Locale.ROOT);
        String defaultPort = "https".equalsIgnoreCase(scheme) ? ":443" : "http".equalsIgnoreCase(scheme) ? ":80" : null;
        if (defaultPort != null && lower.endsWith(defaultPort)) {
            return lower.substring(0, lower.length() - defaultPort.length());
        }
        return lower.endsWith(":") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
