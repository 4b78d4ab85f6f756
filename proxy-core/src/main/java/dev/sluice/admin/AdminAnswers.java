package dev.sluice.admin;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/** How the admin endpoints answer: plain-text reasons, JSON, never cached. */
final class AdminAnswers {
    private AdminAnswers() {
    }

    /** 405 with the methods the path takes, in {@code Allow} and in the reason. */
    static void notAllowed(HttpServerExchange exchange, String allowed) {
        exchange.getResponseHeaders().put(Headers.ALLOW, allowed);
        text(exchange, StatusCodes.METHOD_NOT_ALLOWED, exchange.getRequestMethod() + " is not allowed on "
                + exchange.getRequestPath() + " (" + allowed + ")");
    }

    static void text(HttpServerExchange exchange, int status, String body) {
        send(exchange, status, "text/plain; charset=utf-8", body + "\n");
    }

    static void json(HttpServerExchange exchange, int status, String body) {
        send(exchange, status, "application/json", body);
    }

    static void send(HttpServerExchange exchange, int status, String type, String body) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, type);
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        exchange.getResponseSender().send(body);
    }

    /** Text written as it goes (chunked, UTF-8) rather than built first; call on a worker thread. */
    interface Body {
        void writeTo(Writer out) throws IOException;
    }

    /**
     * A 200 whose body is written as it goes by {@code body}, through a blocking stream: the
     * caller is on a worker thread (the admin endpoints dispatch there), never an IO thread.
     */
    static void stream(HttpServerExchange exchange, String type, Body body) throws IOException {
        exchange.setStatusCode(StatusCodes.OK);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, type);
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        exchange.startBlocking();
        try (Writer out = new BufferedWriter(new OutputStreamWriter(exchange.getOutputStream(),
                StandardCharsets.UTF_8), 16 * 1024)) {
            body.writeTo(out);
        }
    }

    /** An answer without a body, e.g. 204. */
    static void empty(HttpServerExchange exchange, int status) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        exchange.endExchange();
    }
}
