package dev.sluice.handler;

import dev.sluice.http.Answer;
import dev.sluice.http.ErrorResponses;
import dev.sluice.http.HeaderTokens;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;

import java.util.Collections;
import java.util.List;

/**
 * Refuses a request whose framing the proxy and its upstream could read differently, before
 * any of it is forwarded, and closes the connection, since the bytes behind such a head are no
 * request of their own:
 * <ul>
 * <li>400 for a Transfer-Encoding that does not end in chunked, or has it twice (RFC 9112 §6.3:
 *     the length cannot be known), or comes with a Content-Length (a smuggling attempt); 501 for
 *     a coding before chunked, which the upstream may not know (as nginx answers);</li>
 * <li>400 for Content-Length fields that disagree (RFC 9110 §8.6) and for more than one Host
 *     field (RFC 9112 §3.2);</li>
 * <li>417 for an Expect other than 100-continue (RFC 9110 §10.1.1): forwarded, it made a Node
 *     upstream answer 417 before the body and then read the body as a request of its own.</li>
 * </ul>
 */
final class RequestFramingCheck implements HttpHandler {
    private static final String CHUNKED = "chunked";
    private static final String CONTINUE = "100-continue";

    private final HttpHandler next;

    RequestFramingCheck(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        HeaderMap headers = exchange.getRequestHeaders();
        HeaderValues hosts = headers.get(Headers.HOST);
        if (hosts != null && hosts.size() > 1) {
            refuse(exchange, Answer.SEVERAL_HOST_FIELDS, "the request has " + hosts.size() + " Host fields");
            return;
        }
        if (headers.contains(Headers.TRANSFER_ENCODING)) {
            List<String> codings = HeaderTokens.of(headers, Headers.TRANSFER_ENCODING);
            if (codings.isEmpty() || !codings.get(codings.size() - 1).equals(CHUNKED)
                    || Collections.frequency(codings, CHUNKED) > 1) {
                refuse(exchange, Answer.TRANSFER_ENCODING_NOT_CHUNKED, "Transfer-Encoding " + String.join(", ", codings)
                        + " does not end in one chunked: the body's length cannot be known");
                return;
            }
            if (codings.size() > 1) {
                refuse(exchange, Answer.TRANSFER_CODING_UNSUPPORTED, "Transfer-Encoding " + String.join(", ", codings)
                        + ": only chunked is supported");
                return;
            }
            if (headers.contains(Headers.CONTENT_LENGTH)) {
                refuse(exchange, Answer.TRANSFER_ENCODING_AND_CONTENT_LENGTH,
                        "the request has both Transfer-Encoding and Content-Length");
                return;
            }
        }
        HeaderValues lengthFields = headers.get(Headers.CONTENT_LENGTH);
        if (lengthFields != null && (lengthFields.size() > 1 || lengthFields.getFirst().indexOf(',') >= 0)) {
            List<String> lengths = HeaderTokens.of(headers, Headers.CONTENT_LENGTH);
            if (lengths.stream().distinct().count() > 1) {
                refuse(exchange, Answer.CONTENT_LENGTHS_DISAGREE,
                        "Content-Length fields disagree: " + String.join(", ", lengths));
                return;
            }
        }
        if (headers.contains(Headers.EXPECT)) {
            List<String> expectations = HeaderTokens.of(headers, Headers.EXPECT);
            if (expectations.isEmpty() || expectations.stream().anyMatch(e -> !e.equals(CONTINUE))) {
                refuse(exchange, Answer.EXPECTATION_NOT_MET, "Expect: " + String.join(", ", expectations)
                        + " cannot be met: only 100-continue is");
                return;
            }
        }
        next.handleRequest(exchange);
    }

    private static void refuse(HttpServerExchange exchange, Answer answer, String reason) {
        exchange.setPersistent(false);
        ErrorResponses.send(exchange, answer, reason);
    }
}
