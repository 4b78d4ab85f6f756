package dev.sluice.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;

import java.util.concurrent.ThreadLocalRandom;

/** X-Request-Id: kept when the client sent one, generated otherwise; forwarded, returned and logged. */
public final class RequestIds {
    public static final HttpString HEADER = new HttpString("X-Request-Id");
    private static final int MAX_LENGTH = 200;

    private RequestIds() {
    }

    /** Makes sure the request has an id, mirrors it on the response and returns it. */
    public static String assign(HttpServerExchange exchange) {
        String id = exchange.getRequestHeaders().getFirst(HEADER);
        if (!acceptable(id)) {
            id = generate();
            exchange.getRequestHeaders().put(HEADER, id);
        }
        exchange.getResponseHeaders().put(HEADER, id);
        return id;
    }

    /**
     * A client's id is taken only as visible ASCII of a bounded length: it goes into log lines,
     * where a space, a quote or a line break would let a client forge fields or lines.
     */
    static boolean acceptable(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /** The request's id, once {@link #assign} has run. */
    public static String of(HttpServerExchange exchange) {
        String id = exchange.getRequestHeaders().getFirst(HEADER);
        return id == null ? "-" : id;
    }

    private static String generate() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return Long.toHexString(random.nextLong() | Long.MIN_VALUE) + Long.toHexString(random.nextLong() | Long.MIN_VALUE);
    }
}
