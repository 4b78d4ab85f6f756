package dev.sluice.handler;

import dev.sluice.config.LimitsConfig;
import dev.sluice.http.Answer;
import dev.sluice.http.ErrorResponses;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;

/**
 * Refuses what is too big before anything is forwarded: a request head over
 * {@code limits.max-request-header-size} gets 431, a declared body over
 * {@code limits.max-request-body-size} gets 413, and one too large to be a length at all 400.
 * A chunked body is counted as it streams ({@link RequestBodyGuard}).
 *
 * <p>Undertow's parser keeps a hard ceiling of its own, 64 KiB above the limit, and answers a
 * head beyond it with 400 (as nginx does), so the head measured here is never unbounded.
 */
final class RequestLimitsHandler implements HttpHandler {
    private final LimitsConfig limits;
    private final HttpHandler next;

    RequestLimitsHandler(LimitsConfig limits, HttpHandler next) {
        this.limits = limits;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        long head = headSize(exchange);
        if (head > limits.maxRequestHeaderSize()) {
            exchange.setPersistent(false);
            ErrorResponses.send(exchange, Answer.REQUEST_HEAD_TOO_LARGE, "request head of about "
                    + head + " bytes is over limits.max-request-header-size (" + limits.maxRequestHeaderSize() + ")");
            return;
        }
        long body;
        try {
            body = exchange.getRequestContentLength();
        } catch (NumberFormatException e) {
            // Digits only (Undertow's parser refuses anything else), but past 2^63-1. Undertow
            // framed the body with the length taken modulo 2^64 (2^64 itself became 0), so the
            // bytes behind this head are no request of their own: answer and close.
            exchange.setPersistent(false);
            String value = exchange.getRequestHeaders().getFirst(Headers.CONTENT_LENGTH);
            ErrorResponses.send(exchange, Answer.CONTENT_LENGTH_TOO_LARGE, "Content-Length "
                    + (value.length() > 40 ? value.substring(0, 40) + "..." : value) + " is too large to be a length");
            return;
        }
        if (body > limits.maxRequestBodySize()) {
            exchange.setPersistent(false); // the body will not be read
            ErrorResponses.send(exchange, Answer.REQUEST_BODY_TOO_LARGE, "request body of " + body
                    + " bytes is over limits.max-request-body-size (" + limits.maxRequestBodySize() + ")");
            return;
        }
        if (!exchange.isRequestComplete()) {
            exchange.addRequestWrapper((factory, ex) -> new RequestBodyGuard(factory.create(), limits.maxRequestBodySize()));
        }
        next.handleRequest(exchange);
    }

    /** The head as it came on the wire, give or take white space: request line and every field line. */
    private static long headSize(HttpServerExchange exchange) {
        long size = exchange.getRequestMethod().length() + 1 + exchange.getRequestURI().length()
                + (exchange.getQueryString().isEmpty() ? 0 : 1 + exchange.getQueryString().length())
                + 1 + exchange.getProtocol().length() + 2 + 2;
        for (HeaderValues values : exchange.getRequestHeaders()) {
            for (String value : values) {
                size += values.getHeaderName().length() + 2 + value.length() + 2;
            }
        }
        return size;
    }

    /** The ceiling given to Undertow's parser. */
    static int parserCeiling(LimitsConfig limits) {
        return (int) Math.min(Integer.MAX_VALUE, limits.maxRequestHeaderSize() + 64 * 1024);
    }
}
