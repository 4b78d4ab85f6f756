package dev.sluice.testing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One request exactly as an {@link HttpBackend} received it.
 *
 * @param method  request method
 * @param uri     request target as sent on the wire: path plus {@code ?query}, not decoded
 * @param headers every header line, names case-insensitive, values in arrival order
 * @param body    the whole body after transfer decoding (empty when there was none)
 */
public record HttpBackendRequest(String method, String uri, Map<String, List<String>> headers, byte[] body) {

    public HttpBackendRequest {
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> copy.merge(name, List.copyOf(values),
                (a, b) -> Stream.concat(a.stream(), b.stream()).toList()));
        headers = Collections.unmodifiableMap(copy);
        body = body.clone();
    }

    /** The first value of the header, or null when it was not sent. */
    public String header(String name) {
        List<String> values = headers.getOrDefault(name, List.of());
        return values.isEmpty() ? null : values.get(0);
    }

    /** Every value of the header, one per header line. */
    public List<String> headerLines(String name) {
        return headers.getOrDefault(name, List.of());
    }

    /**
     * The header read as a comma list across all its lines (RFC 9110 §5.3), elements trimmed:
     * {@code X-Forwarded-For: a, b} and two lines {@code a} / {@code b} both give [a, b].
     */
    public List<String> headerList(String name) {
        return headerLines(name).stream()
                .flatMap(line -> Arrays.stream(line.split(",")))
                .map(String::trim)
                .filter(element -> !element.isEmpty())
                .toList();
    }

    public boolean hasHeader(String name) {
        return headers.containsKey(name);
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return method + " " + uri + " " + headers + " (" + body.length + " body bytes)";
    }
}
