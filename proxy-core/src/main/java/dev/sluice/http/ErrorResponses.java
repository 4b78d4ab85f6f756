package dev.sluice.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import org.xnio.IoUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's own answers: short text/plain bodies that say what went wrong and carry the
 * request id, so an operator can find the matching log line, whose id names the cause
 * ({@link Answer}).
 */
public final class ErrorResponses {
    private static final Logger log = LoggerFactory.getLogger("dev.sluice.errors");

    private ErrorResponses() {
    }

    /** Answers with the cause's status and a one-line reason, and logs the reason ({@link Answer#warns}). */
    public static void send(HttpServerExchange exchange, Answer answer, String reason) {
        answer(exchange, answer, answer.status(), reason, reason);
    }

    /** The same for a cause whose status comes with each answer (a fault's, Undertow's own). */
    public static void send(HttpServerExchange exchange, Answer answer, int status, String reason) {
        if (!answer.statusVaries() && answer.status() != status) {
            throw new IllegalArgumentException(answer + " is answered " + answer.status() + ", not " + status);
        }
        answer(exchange, answer, status, reason, reason);
    }

    /** The same for an upstream's failure: where it happened (addresses) goes to the log line only. */
    public static void send(HttpServerExchange exchange, UpstreamFailure failure) {
        answer(exchange, failure.answer(), failure.answer().status(),
                failure.reason() + " (" + failure.where() + ")", failure.reason());
    }

    private static void answer(HttpServerExchange exchange, Answer answer, int status, String logged, String body) {
        String id = RequestIds.of(exchange);
        if (Answer.warns(status)) {
            log.warn("{} {} {} -> {}: {} (request id {})", answer.id(), exchange.getRequestMethod(),
                    exchange.getRequestURI(), status, logged, id);
        } else {
            log.info("{} {} {} -> {}: {} (request id {})", answer.id(), exchange.getRequestMethod(),
                    exchange.getRequestURI(), status, logged, id);
        }
        if (exchange.isResponseStarted()) {
            exchange.endExchange();
            return;
        }
        exchange.setStatusCode(status);
        exchange.setReasonPhrase(StatusCodes.getReason(status));
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getResponseSender().send(body + "\nrequest id: " + id + "\n");
    }

    /**
     * Closes the client's connection without an answer, because it stopped taking the response
     * (limits.send-timeout), and logs why, at info: the client's doing.
     */
    public static void closeConnection(HttpServerExchange exchange, String reason) {
        log.info("SLU1000 {} {} -> connection closed: {} (request id {})", exchange.getRequestMethod(),
                exchange.getRequestURI(), reason, RequestIds.of(exchange));
        IoUtils.safeClose(exchange.getConnection());
    }
}
