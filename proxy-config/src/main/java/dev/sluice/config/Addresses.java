package dev.sluice.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the address-like values of the configuration: listen addresses, IP literals and
 * CIDR blocks, upstream URLs, route hosts and WebSocket origins. Nothing here ever asks DNS.
 * Every method throws {@link IllegalArgumentException} with a message saying what would be right.
 */
final class Addresses {
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final Pattern HOST_NAME = Pattern.compile(
            "[A-Za-z0-9]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)*\\.?");
    private static final Pattern PORT = Pattern.compile("\\d{1,5}");
    private static final String HOST_PORT_FORM = "host:port, e.g. 127.0.0.1:8080, 0.0.0.0:8080 or [::1]:8080";

    private Addresses() {
    }

    /** {@code host:port} with IPv6 in brackets; port 0..65535 (0 = any free port). */
    static HostPort hostPort(String text) {
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || !text.startsWith(":", close + 1)) {
                throw new IllegalArgumentException("'" + text + "' is not host:port (write " + HOST_PORT_FORM + ")");
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
            if (!isIpv6(host)) {
                throw new IllegalArgumentException("'" + host + "' in brackets is not an IPv6 address");
            }
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("'" + text + "' is not host:port (write " + HOST_PORT_FORM + ")");
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (host.isEmpty()) {
                throw new IllegalArgumentException("'" + text + "' has no host (write 0.0.0.0" + text
                        + " for every interface, or 127.0.0.1" + text + " for this machine only)");
            }
            if (host.indexOf(':') >= 0) {
                throw new IllegalArgumentException("'" + text + "': an IPv6 address needs brackets (e.g. [::1]:8080)");
            }
            checkHostName(host);
        }
        return new HostPort(host, port(text, port));
    }

    /**
     * A host name without a port, as a {@code Host} header names it: a name or IPv4 address, or an
     * IPv6 address in brackets (or bare, which gets brackets). Lower-case.
     */
    static String hostName(String text) {
        String host = text.strip().toLowerCase(java.util.Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]") && isIpv6(host.substring(1, host.length() - 1))) {
            return host;
        }
        if (host.indexOf(':') >= 0) {
            if (isIpv6(host)) {
                return "[" + host + "]";
            }
            throw new IllegalArgumentException("'" + text + "' is a host with a port or not a host: write the name"
                    + " alone (admin.example.com, 10.0.0.5, [::1]); any port is accepted");
        }
        checkHostName(host);
        return host;
    }

    private static int port(String text, String port) {
        if (!PORT.matcher(port).matches() || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException("'" + text + "' has a bad port '" + port
                    + "' (a port is 0..65535; 0 = any free port)");
        }
        return Integer.parseInt(port);
    }

    /** A host name or an IPv4 literal (IPv6 literals are handled by the callers, in brackets). */
    private static void checkHostName(String host) {
        if (host.chars().allMatch(c -> c == '.' || Character.isDigit(c))) {
            ipv4(host); // digits and dots must be a valid address, not a host name
        } else if (!HOST_NAME.matcher(host).matches()) {
            throw new IllegalArgumentException("'" + host + "' is not a host name or IP address");
        }
    }

    /** An IPv4 or IPv6 literal, never a host name. */
    static InetAddress ipLiteral(String text) {
        if (isIpv6Candidate(text)) {
            return ipv6(text);
        }
        if (IPV4.matcher(text).matches()) {
            return ipv4(text);
        }
        throw new IllegalArgumentException("'" + text + "' is not an IP address (write e.g. 10.0.0.1 or ::1;"
                + " host names are not allowed here)");
    }

    /** Whether a URL's host ({@code [::1]} in brackets as a URI gives it) is an IP literal rather than a name. */
    static boolean isIpLiteral(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            ipLiteral(bare);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** {@code 10.0.0.0/8}, {@code ::1/128}, or a bare IP literal meaning a single address. */
    static Cidr cidr(String text) {
        int slash = text.indexOf('/');
        InetAddress address = ipLiteral(slash < 0 ? text : text.substring(0, slash));
        int bits = address.getAddress().length * 8;
        if (slash < 0) {
            return new Cidr(address, bits);
        }
        String prefix = text.substring(slash + 1);
        if (!prefix.matches("\\d{1,3}") || Integer.parseInt(prefix) > bits) {
            throw new IllegalArgumentException("'" + text + "' has a bad prefix length '" + prefix
                    + "' (0.." + bits + ")");
        }
        Cidr cidr = new Cidr(address, Integer.parseInt(prefix));
        Cidr network = new Cidr(networkOf(address, cidr.prefixLength()), cidr.prefixLength());
        if (!network.network().equals(address)) {
            throw new IllegalArgumentException("'" + text + "' has host bits set (did you mean " + network + "?)");
        }
        return cidr;
    }

    private static InetAddress networkOf(InetAddress address, int prefixLength) {
        byte[] bytes = address.getAddress();
        for (int bit = prefixLength; bit < bytes.length * 8; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // only thrown for a wrong array length
        }
    }

    private static boolean isIpv6Candidate(String text) {
        return IPV6_CHARS.matcher(text).matches();
    }

    private static boolean isIpv6(String text) {
        try {
            ipv6(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static InetAddress ipv6(String text) {
        if (!isIpv6Candidate(text)) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv6 address");
        }
        InetAddress address;
        try {
            // only hex digits, ':' and '.', with a ':': the JDK parses this as a literal, no DNS
            address = InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv6 address");
        }
        if (!(address instanceof Inet6Address)) {
            throw new IllegalArgumentException("'" + text + "' is an IPv4-mapped address (write it as "
                    + address.getHostAddress() + ")");
        }
        return address;
    }

    private static InetAddress ipv4(String text) {
        Matcher m = IPV4.matcher(text);
        byte[] bytes = new byte[4];
        boolean valid = m.matches();
        for (int i = 0; valid && i < 4; i++) {
            String part = m.group(i + 1);
            int value = Integer.parseInt(part);
            valid = value <= 255 && (part.length() == 1 || part.charAt(0) != '0');
            bytes[i] = (byte) value;
        }
        if (!valid) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 address (four numbers 0..255, e.g. 10.0.0.1)");
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * An upstream server: {@code http://host[:port]} or {@code https://host[:port]}, normalised to
     * {@code scheme://host:port} (80 and 443 by default).
     */
    static URI upstreamUrl(String text) {
        String form = "write http://host:port or https://host:port, e.g. http://127.0.0.1:8081";
        int schemeEnd = text.indexOf("://");
        if (schemeEnd < 0) {
            throw new IllegalArgumentException("'" + text + "' is not a URL (" + form + ")");
        }
        String scheme = text.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "http", "https" -> { }
            case "ws", "wss" -> throw new IllegalArgumentException("'" + text + "': upstream URLs are http:// or"
                    + " https:// (WebSocket is detected per request: " + form + ")");
            default -> throw new IllegalArgumentException("'" + text + "' has an unsupported scheme '"
                    + scheme + "' (" + form + ")");
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + text + "' is not a valid URL (" + form + ")");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("'" + text + "': user info is not allowed in an upstream URL");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("'" + text + "' has no valid host (" + form + ")");
        }
        String path = uri.getRawPath();
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || !(path.isEmpty() || path.equals("/"))) {
            throw new IllegalArgumentException("'" + text + "': an upstream URL has no path, query or fragment "
                    + "(write " + scheme + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                    + "; use strip-prefix on the route to change paths)");
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        if (port > 65535) {
            throw new IllegalArgumentException("'" + text + "' has a bad port (0..65535)");
        }
        return URI.create(scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port);
    }

    /**
     * A route's {@code match.host}: a host name or IP literal without a port, lower-cased; an
     * IPv6 literal in brackets, as in a Host header ({@code ::1} is written {@code [::1]}).
     */
    static String matchHost(String text) {
        String host = text.toLowerCase(Locale.ROOT);
        if (host.startsWith("*")) {
            throw new IllegalArgumentException("'" + text + "': wildcard hosts are not supported (write the exact host)");
        }
        if (host.startsWith("[")) {
            if (host.endsWith("]") && isIpv6(host.substring(1, host.length() - 1))) {
                return host;
            }
            throw new IllegalArgumentException(portInHost(text, host.substring(0, host.indexOf(']') + 1)));
        }
        int colon = host.indexOf(':');
        if (colon >= 0 && isIpv6(host)) {
            return "[" + host + "]";
        }
        if (colon >= 0) {
            throw new IllegalArgumentException(portInHost(text, host.substring(0, colon)));
        }
        checkHostName(host);
        return host;
    }

    private static String portInHost(String text, String host) {
        return "'" + text + "': hosts match without the port (write '" + host + "')";
    }

    /** A WebSocket {@code Origin}: {@code scheme://host[:port]} or {@code null}, lower-cased. */
    static String origin(String text) {
        if (text.equals("*")) {
            throw new IllegalArgumentException("'*' is not an origin (leave allowed-origins empty to allow any)");
        }
        if (text.equals("null")) {
            return text; // what browsers send from file: pages and sandboxes; allowed only when listed
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            uri = null;
        }
        if (uri == null || uri.getScheme() == null || uri.getHost() == null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("'" + text + "' is not an origin (write scheme://host[:port],"
                    + " e.g. https://example.com)");
        }
        String origin = uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost().toLowerCase(Locale.ROOT)
                + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        if (!uri.getRawPath().isEmpty() || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("'" + text + "': an origin has no path (write '" + origin + "')");
        }
        return origin;
    }
}
