package dev.sluice.record;

import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Header maps as a recording keeps them: plain strings, in order, unmodifiable. */
final class Headers {
    private Headers() {
    }

    static Map<String, List<String>> copy(HeaderMap headers) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        for (HeaderValues values : headers) {
            copy.put(values.getHeaderName().toString(), List.copyOf(values));
        }
        return Collections.unmodifiableMap(copy);
    }

    static String first(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase(name) && !header.getValue().isEmpty()) {
                return header.getValue().get(0);
            }
        }
        return null;
    }
}
