package dev.sluice.http;

/**
 * The {@code Path} of a cookie an upstream behind {@code strip-prefix} sets, as the client's
 * browser must scope it ({@code rewrite-cookie-path}, nginx's {@code proxy_cookie_path}): the
 * upstream's {@code Path=/x} is {@code /static/x} on the client's side, and {@code Path=/} the
 * prefix. A cookie without a Path, or with one that does not start with '/', is scoped by the
 * browser to the directory of the request it came with (RFC 6265 §5.2.4), which is already the
 * client's path, and is left alone. Only the Path attribute's value is touched; the rest of the
 * line, spacing and case included, stays as written.
 */
public final class CookiePaths {
    private CookiePaths() {
    }

    /** {@code setCookie} (one Set-Cookie field value) with each Path attribute restored under the prefix. */
    public static String clientCookie(String setCookie, StrippedPrefix prefix) {
        StringBuilder out = null;
        int copied = 0;
        // Attributes follow the name=value pair, each after a ';' (RFC 6265 §5.2); names without case.
        int semicolon = setCookie.indexOf(';');
        while (semicolon >= 0) {
            int start = semicolon + 1;
            int next = setCookie.indexOf(';', start);
            int end = next < 0 ? setCookie.length() : next;
            int equals = setCookie.indexOf('=', start);
            if (equals > 0 && equals < end && setCookie.substring(start, equals).trim().equalsIgnoreCase("path")) {
                int valueStart = equals + 1;
                while (valueStart < end && isSpace(setCookie.charAt(valueStart))) {
                    valueStart++;
                }
                int valueEnd = end;
                while (valueEnd > valueStart && isSpace(setCookie.charAt(valueEnd - 1))) {
                    valueEnd--;
                }
                String path = setCookie.substring(valueStart, valueEnd);
                if (path.startsWith("/")) {
                    out = out == null ? new StringBuilder(setCookie.length() + 16) : out;
                    out.append(setCookie, copied, valueStart).append(prefix.cookiePath(path));
                    copied = valueEnd;
                }
            }
            semicolon = next;
        }
        return out == null ? setCookie : out.append(setCookie, copied, setCookie.length()).toString();
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }
}
