package dev.sluice.handler;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpServerConnection;

/**
 * Keeps a plain HTTP/1.1 client connection in the selector while a request without a body runs.
 * Undertow (since UNDERTOW-1856, for its read timeout, which Sluice does not use) takes the
 * socket out of the selector as each request starts and puts it back when the request ends: on
 * Linux two {@code epoll_ctl} calls per request, a tenth of the CPU a small proxied request
 * costs. Put back at once, within the same turn of the IO thread, the selector has nothing to
 * change. Bytes a client sends while its request runs (a pipelined request, its FIN) wake
 * Undertow's read listener, which then takes the socket out itself until the request ends, as
 * it did before that change; nothing is read early.
 *
 * <p>Not for requests with a body (their body is read through the same socket, and Undertow's
 * request channel manages it) nor for TLS connections (Undertow suspends those through the TLS
 * conduit, which must not be resumed underneath it).
 */
final class ClientReadsKept {
    private ClientReadsKept() {
    }

    /** On the IO thread, first thing for every request. */
    static void keep(HttpServerExchange exchange) {
        if (exchange.getConnection() instanceof HttpServerConnection connection
                && connection.getSslSessionInfo() == null && exchange.isRequestComplete()) {
            connection.getOriginalSourceConduit().resumeReads();
        }
    }
}
