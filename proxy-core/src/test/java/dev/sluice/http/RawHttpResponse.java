package dev.sluice.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A response read off the wire by {@link RawHttpConnection}: status line, header lines in the
 * order and spelling received, and the body after transfer decoding.
 */
record RawHttpResponse(int status, List<Map.Entry<String, String>> headerLines, byte[] body) {

    RawHttpResponse {
        headerLines = List.copyOf(headerLines);
    }

    /** First value of the header (name case-insensitive), or null. */
    String header(String name) {
        List<String> values = headers(name);
        return values.isEmpty() ? null : values.get(0);
    }

    List<String> headers(String name) {
        return headerLines.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).toList();
    }

    boolean hasHeader(String name) {
        return !headers(name).isEmpty();
    }

    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return status + " " + headerLines + " (" + body.length + " body bytes)";
    }
}
