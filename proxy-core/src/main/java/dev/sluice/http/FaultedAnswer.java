package dev.sluice.http;

import dev.sluice.config.Plural;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;

/**
 * What a fault did to the answer a client got, put on the exchange where the fault acts, so that
 * the recording, the access log and the metrics tell what the client saw rather than what the
 * upstream answered: a reset connection got no status at all, a cut body fewer bytes.
 *
 * @param fault     the name of the fault that acted
 * @param error     what the client saw, e.g. {@code connection reset}
 * @param answered  whether the status line reached the client (a body cut short) or nothing did
 * @param bodyBytes body bytes the client got
 */
public record FaultedAnswer(String fault, String error, boolean answered, long bodyBytes) {
    private static final AttachmentKey<FaultedAnswer> KEY = AttachmentKey.create(FaultedAnswer.class);

    /** The client got nothing: its connection was reset or closed, or is left waiting. */
    public static void unanswered(HttpServerExchange exchange, String fault, String error) {
        exchange.putAttachment(KEY, new FaultedAnswer(fault, error, false, 0));
    }

    /** The client got the status and headers and only {@code bodyBytes} of the body. */
    public static void cut(HttpServerExchange exchange, String fault, long bodyBytes) {
        exchange.putAttachment(KEY, new FaultedAnswer(fault, "body cut after " + Plural.of(bodyBytes, "byte"), true,
                bodyBytes));
    }

    /** What a fault did to this exchange's answer, or null when none did. */
    public static FaultedAnswer of(HttpServerExchange exchange) {
        return exchange.getAttachment(KEY);
    }

    /** The status the client got: 0 when no status line reached it. */
    public static int status(HttpServerExchange exchange) {
        FaultedAnswer faulted = of(exchange);
        return faulted != null && !faulted.answered ? 0 : exchange.getStatusCode();
    }

    /** The body bytes the client got. */
    public static long bodyBytes(HttpServerExchange exchange) {
        FaultedAnswer faulted = of(exchange);
        return faulted != null ? faulted.bodyBytes : exchange.getResponseBytesSent();
    }
}
