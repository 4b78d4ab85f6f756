package dev.sluice.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import org.xnio.IoUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's own answers: short text/plain bodies that say what went wrong and carry the
 * request id, so an operator can find the matching log line.
 */
public final class ErrorResponses {
    private static final Logger log = LoggerFactory.getLogger("dev.sluice.errors");

    private ErrorResponses() {
    }

    /**
     * Answers with the status and a one-line reason, and logs the reason (4xx at info: the
     * client's problem; 5xx at warn: ours or the upstream's).
     */
    public static void send(HttpServerExchange exchange, int status, String reason) {
        answer(exchange, status, reason, reason);
    }

    /** The same for an upstream's failure: where it happened (addresses) goes to the log line only. */
    public static void send(HttpServerExchange exchange, int status, UpstreamFailure failure) {
        answer(exchange, status, failure.reason() + " (" + failure.where() + ")", failure.reason());
    }

    private static void answer(HttpServerExchange exchange, int status, String logged, String body) {
        String id = RequestIds.of(exchange);
        if (status >= 500) {
            log.warn("SLU1{} {} {} -> {}: {} (request id {})", status, exchange.getRequestMethod(),
                    exchange.getRequestURI(), status, logged, id);
        } else {
            log.info("SLU1{} {} {} -> {}: {} (request id {})", status, exchange.getRequestMethod(),
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
     * Closes the client's connection without an answer (one has started, or the client would
     * not take it) and logs why, at info: the client's doing.
     */
    public static void closeConnection(HttpServerExchange exchange, String reason) {
        log.info("SLU1000 {} {} -> connection closed: {} (request id {})", exchange.getRequestMethod(),
                exchange.getRequestURI(), reason, RequestIds.of(exchange));
        IoUtils.safeClose(exchange.getConnection());
    }
}
