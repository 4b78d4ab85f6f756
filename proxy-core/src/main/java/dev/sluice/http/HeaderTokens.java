package dev.sluice.http;

import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.HttpString;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The tokens of a comma-separated header (RFC 9110 §5.6.1) over all its field lines, trimmed; empty ones skipped. */
public final class HeaderTokens {
    private HeaderTokens() {
    }

    /** Lower-cased, for tokens that compare without case (Connection, Transfer-Encoding, Expect). */
    public static List<String> of(HeaderMap headers, HttpString name) {
        List<String> tokens = asWritten(headers, name);
        if (!tokens.isEmpty()) {
            tokens.replaceAll(token -> token.toLowerCase(Locale.ROOT));
        }
        return tokens;
    }

    /** As the client wrote them, for tokens that compare with case (WebSocket subprotocols). */
    public static List<String> asWritten(HeaderMap headers, HttpString name) {
        HeaderValues values = headers.get(name);
        if (values == null) {
            return List.of();
        }
        List<String> tokens = new ArrayList<>(2);
        for (String value : values) {
            for (String part : value.split(",")) {
                String token = part.trim();
                if (!token.isEmpty()) {
                    tokens.add(token);
                }
            }
        }
        return tokens;
    }
}
