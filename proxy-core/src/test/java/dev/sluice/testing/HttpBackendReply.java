package dev.sluice.testing;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The response an {@link HttpBackendResponder} writes: status and headers first, then either one
 * {@code send} (which sets Content-Length) or a {@link #stream()} written and flushed piece by piece.
 */
public final class HttpBackendReply {
    private final HttpServerExchange exchange;

    HttpBackendReply(HttpServerExchange exchange) {
        this.exchange = exchange;
    }

    public HttpBackendReply status(int status) {
        exchange.setStatusCode(status);
        return this;
    }

    /** Adds a header line; call again with the same name for several lines. */
    public HttpBackendReply header(String name, String value) {
        exchange.getResponseHeaders().add(new HttpString(name), value);
        return this;
    }

    public void send(String body) throws IOException {
        send(body.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends the whole body with a Content-Length (dropped on the wire for HEAD, header kept). */
    public void send(byte[] body) throws IOException {
        exchange.setResponseContentLength(body.length);
        try (OutputStream out = exchange.getOutputStream()) {
            out.write(body);
        }
    }

    /**
     * The body as a stream, for large or slow answers. Without a Content-Length header it goes out
     * chunked; {@code flush()} puts what was written on the wire now.
     */
    public OutputStream stream() {
        return exchange.getOutputStream();
    }
}
