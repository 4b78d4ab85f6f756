package dev.sluice.builtin;

import io.undertow.io.IoCallback;
import io.undertow.io.Sender;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpContinue;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.SameThreadExecutor;
import io.undertow.util.Transfer;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Answers {@code 200 text/plain} with the request as it arrived here, then the request body streamed back:
 *
 * <pre>
 * POST /api?x=1 HTTP/1.1
 * Content-Length: 5
 * Host: 127.0.0.1:8080
 * X-Forwarded-For: 127.0.0.1
 *
 * hello
 * </pre>
 *
 * Headers are listed by name (case-insensitive), each value on its own line in arrival order: Undertow's
 * header map does not keep the order between different names. The body is copied by channel listeners
 * through one pooled buffer, never held whole.
 */
final class RequestEchoHandler implements HttpHandler {

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        exchange.setStatusCode(200);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        if (exchange.getRequestMethod().equals(Methods.HEAD)) {
            exchange.endExchange();
            return;
        }
        ByteBuffer head = ByteBuffer.wrap(describe(exchange).getBytes(StandardCharsets.UTF_8));
        if (!HttpContinue.requiresContinueResponse(exchange)) {
            startEcho(exchange, head);
            return;
        }
        // "Expect: 100-continue" must be answered before our 200 starts, or the client never sends the body.
        HttpContinue.sendContinueResponse(exchange, new IoCallback() {
            @Override
            public void onComplete(HttpServerExchange continued, Sender sender) {
                startEcho(continued, head);
            }

            @Override
            public void onException(HttpServerExchange continued, Sender sender, IOException failure) {
                IoUtils.safeClose(continued.getConnection());
            }
        });
    }

    /** Dispatched so Undertow does not end the exchange when the current call returns; runs right after, same thread. */
    private static void startEcho(HttpServerExchange exchange, ByteBuffer head) {
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> new BodyEcho(exchange, head).start());
    }

    static String describe(HttpServerExchange exchange) {
        StringBuilder text = new StringBuilder(512);
        text.append(exchange.getRequestMethod()).append(' ').append(exchange.getRequestURI());
        if (!exchange.getQueryString().isEmpty()) {
            text.append('?').append(exchange.getQueryString());
        }
        text.append(' ').append(exchange.getProtocol()).append('\n');
        List<HeaderValues> headers = new ArrayList<>();
        exchange.getRequestHeaders().forEach(headers::add);
        headers.sort(Comparator.comparing(values -> values.getHeaderName().toString(), String.CASE_INSENSITIVE_ORDER));
        for (HeaderValues values : headers) {
            for (String value : values) {
                text.append(values.getHeaderName()).append(": ").append(value).append('\n');
            }
        }
        return text.append('\n').toString();
    }

    /** Writes the description, then relays request body to response body until the request ends. */
    private static final class BodyEcho {
        private final HttpServerExchange exchange;
        private final ByteBuffer head;
        private final StreamSourceChannel requestBody;
        private final StreamSinkChannel responseBody;

        BodyEcho(HttpServerExchange exchange, ByteBuffer head) {
            this.exchange = exchange;
            this.head = head;
            this.requestBody = exchange.getRequestChannel();
            this.responseBody = exchange.getResponseChannel();
        }

        void start() {
            responseBody.getWriteSetter().set(channel -> writeHead());
            writeHead();
        }

        private void writeHead() {
            try {
                while (head.hasRemaining()) {
                    if (responseBody.write(head) == 0) {
                        responseBody.resumeWrites();
                        return;
                    }
                }
            } catch (IOException e) {
                fail(e);
                return;
            }
            responseBody.suspendWrites();
            if (requestBody == null) { // body already consumed elsewhere; nothing left to echo
                finish(responseBody);
                return;
            }
            Transfer.initiateTransfer(requestBody, responseBody,
                    null, this::finish,
                    (channel, e) -> fail(e), (channel, e) -> fail(e),
                    exchange.getConnection().getByteBufferPool());
        }

        /** Request body ended and all of it was written: end the response (the exchange completes when flushed). */
        private void finish(StreamSinkChannel channel) {
            try {
                channel.shutdownWrites();
                if (channel.flush()) {
                    channel.suspendWrites();
                } else {
                    channel.getWriteSetter().set(ChannelListeners.flushingChannelListener(
                            (ChannelListener<StreamSinkChannel>) null, (ch, e) -> fail(e)));
                    channel.resumeWrites();
                }
            } catch (IOException e) {
                fail(e);
            }
        }

        /** Mid-response failure (client gone, malformed chunk): the only honest signal left is closing the connection. */
        private void fail(IOException e) {
            IoUtils.safeClose(exchange.getConnection());
        }
    }
}
