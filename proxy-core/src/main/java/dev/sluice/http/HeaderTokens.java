package dev.sluice.handler;

import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.HttpString;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The tokens of a comma-separated header (RFC 9110 §5.6.1) over all its field lines, trimmed and lower-cased; empty ones skipped. */
final class HeaderTokens {
    private HeaderTokens() {
    }

    static List<String> of(HeaderMap headers, HttpString name) {
        HeaderValues values = headers.get(name);
        if (values == null) {
            return List.of();
        }
        List<String> tokens = new ArrayList<>(2);
        for (String value : values) {
            for (String part : value.split(",")) {
                String token = part.trim();
                if (!token.isEmpty()) {
                    tokens.add(token.toLowerCase(Locale.ROOT));
                }
            }
        }
        return tokens;
    }
}
