package dev.sluice.handler;

import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.AbstractServerConnection;
import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpServerExchange;

import java.nio.ByteBuffer;

/**
 * Skips empty lines (CRLF, or a bare LF) that a client sent behind a request, before the next
 * request line, as RFC 9112 §2.2 asks a server to and nginx does. Undertow's strict parser
 * (since 2.4.2) answers a request line that starts with CR or LF with 400 and closes.
 *
 * <p>The bytes read behind a request wait in the connection's "extra bytes" until Undertow
 * parses the next request from them, once every completion listener of the exchange has run;
 * so a completion listener can move past the empty lines first. Empty lines that arrive in a
 * later read than the request they follow are not seen here.
 */
final class EmptyLinesBetweenRequests implements ExchangeCompletionListener {
    static final EmptyLinesBetweenRequests INSTANCE = new EmptyLinesBetweenRequests();

    private EmptyLinesBetweenRequests() {
    }

    /** Registers on the exchange. */
    static void skipAfter(HttpServerExchange exchange) {
        exchange.addExchangeCompleteListener(INSTANCE);
    }

    @Override
    public void exchangeEvent(HttpServerExchange exchange, NextListener next) {
        try {
            // After a 101 the bytes behind the handshake belong to the tunnel, unchanged; on a
            // connection that closes no further request is parsed.
            if (exchange.isPersistent() && !exchange.isUpgrade()
                    && exchange.getConnection() instanceof AbstractServerConnection connection) {
                PooledByteBuffer extra = connection.getExtraBytes();
                if (extra != null) {
                    ByteBuffer bytes = extra.getBuffer();
                    while (bytes.hasRemaining() && (bytes.get(bytes.position()) == '\r' || bytes.get(bytes.position()) == '\n')) {
                        bytes.get();
                    }
                }
            }
        } finally {
            next.proceed();
        }
    }
}
