package dev.sluice.record;

import dev.sluice.config.Plural;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Header maps as a recording keeps them: plain strings, in order, unmodifiable; credentials
 * redacted unless asked to keep them, and at most {@link Recording#MAX_HEADER_BYTES} of each
 * list (names, values and {@link Recording#HEADER_VALUE_OVERHEAD} for each value), so that one request with huge headers cannot take the recording's budget.
 */
final class Headers {
    /** The headers whose values are secrets, lower case. */
    private static final Set<String> SECRETS = Set.of("cookie", "set-cookie", "authorization", "proxy-authorization");

    private Headers() {
    }

    static Map<String, List<String>> copy(HeaderMap headers, boolean keepSecrets) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        int room = Recording.MAX_HEADER_BYTES;
        int cutValues = 0;
        long cutBytes = 0;
        for (HeaderValues values : headers) {
            String name = values.getHeaderName().toString();
            boolean secret = !keepSecrets && isSecret(name);
            List<String> kept = new ArrayList<>(values.size());
            for (String value : values) {
                String recorded = secret ? Recording.REDACTED : value;
                int bytes = cost(name, recorded);
                if (bytes <= room) {
                    kept.add(recorded);
                    room -= bytes;
                } else {
                    cutValues++;
                    cutBytes += bytes;
                }
            }
            if (!kept.isEmpty()) {
                copy.put(name, List.copyOf(kept));
            }
        }
        if (cutValues > 0) {
            copy.put(Recording.HEADERS_CUT, List.of(Plural.of(cutValues, "header value") + " ("
                    + Plural.of(cutBytes, "byte") + ") not recorded:"
                    + " a recording keeps " + Recording.MAX_HEADER_BYTES / 1024 + " KiB of an exchange's request headers"
                    + " and as much of its response headers"));
        }
        return Collections.unmodifiableMap(copy);
    }

    static boolean isSecret(String name) {
        return SECRETS.contains(name.toLowerCase(Locale.ROOT));
    }

    static String first(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase(name) && !header.getValue().isEmpty()) {
                return header.getValue().get(0);
            }
        }
        return null;
    }

    /** An estimate of the heap a header map takes, as {@link Recording} counts it. */
    static long estimate(Map<String, List<String>> headers) {
        long bytes = 0;
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            for (String value : header.getValue()) {
                bytes += cost(header.getKey(), value);
            }
        }
        return bytes;
    }

    /** What one header value counts: its name and value and a fixed overhead. */
    private static int cost(String name, String value) {
        return Recording.HEADER_VALUE_OVERHEAD + name.length() + value.length();
    }
}
