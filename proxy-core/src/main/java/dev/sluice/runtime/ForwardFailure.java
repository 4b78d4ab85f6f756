package dev.sluice.runtime;

import io.undertow.predicate.IdempotentPredicate;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.proxy.ProxyCallback;
import io.undertow.server.handlers.proxy.ProxyConnection;
import io.undertow.util.AttachmentKey;
import io.undertow.util.StatusCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;

import java.io.IOException;

/**
 * Ends a forwarded request whose upstream connection failed before the answer's head, as
 * Undertow's ProxyHandler would (an idempotent request whose body was read is tried again,
 * on another connection), but without its ERROR line and stack trace for every upstream that
 * hangs up, and with the answer Sluice gives: 502, for the cause recorded on the exchange
 * ({@link UpstreamClient#UPSTREAM_FAILURE}), where ProxyHandler answers 503.
 */
final class ForwardFailure {
    private static final Logger log = LoggerFactory.getLogger(ForwardFailure.class);
    /** How ProxyHandler asks for another connection: set for the requests it forwards. */
    static final AttachmentKey<ProxyCallback<ProxyConnection>> RETRY = AttachmentKey.create(ProxyCallback.class);

    private ForwardFailure() {
    }

    /** True when the failure was handled here; false for a request that ProxyHandler did not forward. */
    static boolean handle(HttpServerExchange exchange, IOException e) {
        ProxyCallback<ProxyConnection> retry = exchange.getAttachment(RETRY);
        if (retry == null) {
            return false;
        }
        if (exchange.isResponseStarted()) {
            IoUtils.safeClose(exchange.getConnection());
        } else if (exchange.isRequestComplete() && IdempotentPredicate.INSTANCE.resolve(exchange)) {
            log.debug("upstream connection failed before answering {} {}; trying again: {}",
                    exchange.getRequestMethod(), exchange.getRequestURI(), e.toString());
            retry.failed(exchange); // another connection, or the end of the tries
        } else {
            exchange.setStatusCode(StatusCodes.BAD_GATEWAY);
            exchange.endExchange();
        }
        return true;
    }
}
