package dev.sluice.handler;

import dev.sluice.http.Answer;
import dev.sluice.http.ErrorResponses;
import dev.sluice.http.RequestIds;
import dev.sluice.http.UpstreamFailure;
import dev.sluice.runtime.ResponseDeadline;
import dev.sluice.runtime.UpstreamClient;
import io.undertow.server.DefaultResponseListener;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.proxy.ProxyConnection;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import org.xnio.IoUtils;

/**
 * Gives a body and a reason to the statuses Undertow's proxy ends an exchange with on its
 * own (no body, and 503 even when the upstream merely refused the connection). A response
 * that came from the upstream is never touched.
 */
final class ProxyErrorPages implements DefaultResponseListener {
    static final ProxyErrorPages INSTANCE = new ProxyErrorPages();

    @Override
    public boolean handleDefaultResponse(HttpServerExchange exchange) {
        if (exchange.isResponseStarted()) {
            return false;
        }
        // A broken request body is answered whatever status the exchange was ended with: while
        // the body is still being buffered, Undertow ends it with its default 200.
        String bodyTimeout = exchange.getAttachment(RequestBodyTimeout.EXPIRED);
        Long bodyLimit = exchange.getAttachment(RequestBodyWatch.BODY_TOO_LARGE);
        if (bodyTimeout != null || bodyLimit != null) {
            exchange.getResponseHeaders().clear();
            exchange.getResponseHeaders().put(RequestIds.HEADER, RequestIds.of(exchange));
            exchange.setPersistent(false); // the rest of the body will not be read
            if (bodyTimeout != null) {
                ErrorResponses.send(exchange, Answer.REQUEST_BODY_TIMEOUT, bodyTimeout);
            } else {
                ErrorResponses.send(exchange, Answer.REQUEST_BODY_TOO_LARGE,
                        "request body is over limits.max-request-body-size (" + bodyLimit + ")");
            }
            return true;
        }
        int status = exchange.getStatusCode();
        if (status < 400) {
            return false;
        }
        boolean switched = StatusCodes.SWITCHING_PROTOCOLS_STRING.equals(exchange.getReasonPhrase())
                || exchange.getResponseHeaders().contains(Headers.UPGRADE);
        // Whatever part of an upstream's answer was copied into the head is not ours to send.
        exchange.getResponseHeaders().clear();
        exchange.getResponseHeaders().put(RequestIds.HEADER, RequestIds.of(exchange));
        if (switched) {
            // Undertow's proxy copied an upstream 101 and then refused to switch, because the
            // client never asked to: that upstream connection speaks who knows what now.
            ProxyConnection connection = exchange.getAttachment(UpstreamClient.CONNECTION);
            if (connection != null) {
                IoUtils.safeClose(connection.getConnection());
            }
            ErrorResponses.send(exchange, Answer.UPSTREAM_UNASKED_SWITCH,
                    "the upstream switched protocols (101) although the client did not ask to upgrade");
            return true;
        }
        ResponseDeadline deadline = exchange.getAttachment(ResponseDeadline.KEY);
        if (deadline != null && deadline.expired()) {
            ErrorResponses.send(exchange, Answer.RESPONSE_TIMEOUT, deadline.reason());
            return true;
        }
        if (deadline != null && deadline.switchedToH2c()) {
            ErrorResponses.send(exchange, Answer.UPSTREAM_SWITCHED_TO_H2C, deadline.reason());
            return true;
        }
        UpstreamFailure upstreamFailure = exchange.getAttachment(UpstreamClient.UPSTREAM_FAILURE);
        if (upstreamFailure != null && status >= 500) {
            // Undertow's proxy answers 503 when a request it may not retry lost its connection.
            ErrorResponses.send(exchange, upstreamFailure);
            return true;
        }
        UpstreamFailure noServer = exchange.getAttachment(UpstreamClient.NO_SERVER);
        if (noServer != null && status == StatusCodes.SERVICE_UNAVAILABLE) {
            ErrorResponses.send(exchange, noServer);
            return true;
        }
        UpstreamFailure connectFailure = exchange.getAttachment(UpstreamClient.CONNECT_FAILURE);
        // Which failure is which status: connect failure 502 (the upstream is there but
        // unreachable), nothing to connect to 503, a response that never came 504.
        if (status == StatusCodes.SERVICE_UNAVAILABLE && connectFailure != null) {
            ErrorResponses.send(exchange, connectFailure);
        } else if (status == StatusCodes.SERVICE_UNAVAILABLE) {
            ErrorResponses.send(exchange, Answer.NO_CONNECTION, "no upstream server available");
        } else if (status == StatusCodes.GATEWAY_TIME_OUT) {
            ErrorResponses.send(exchange, Answer.UPSTREAM_TOO_SLOW, "the upstream did not answer in time");
        } else if (status == StatusCodes.INTERNAL_SERVER_ERROR) {
            ErrorResponses.send(exchange, Answer.UPSTREAM_CONNECTION_FAILED, "the upstream connection failed");
        } else {
            ErrorResponses.send(exchange, Answer.other(status), status,
                    StatusCodes.getReason(status).toLowerCase(java.util.Locale.ROOT));
        }
        return true;
    }
}
