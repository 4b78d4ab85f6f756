package dev.sluice.edge;

import java.util.Map;
import java.util.TreeMap;

/** An HTTP response head as read off the wire: status and the first value of each header. */
record HttpHead(int status, Map<String, String> headers, String text) {

    static HttpHead parse(String text) {
        String[] lines = text.split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
            throw new AssertionError("not an HTTP response head: " + text);
        }
        return new HttpHead(Integer.parseInt(statusLine[1]), headers(text), text);
    }

    /** The header lines of a request or response head (first value per name, names case-insensitive). */
    static Map<String, String> headers(String text) {
        String[] lines = text.split("\r\n");
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.putIfAbsent(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
            }
        }
        return headers;
    }

    String header(String name) {
        return headers.get(name);
    }

    int contentLength() {
        String value = header("Content-Length");
        return value == null ? 0 : Integer.parseInt(value);
    }
}
