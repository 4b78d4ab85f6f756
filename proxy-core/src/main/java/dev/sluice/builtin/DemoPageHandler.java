package dev.sluice.builtin;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.Methods;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Locale;

/** Serves the self-contained demo page ({@code echo-page.html}) to browsers. */
final class DemoPageHandler implements HttpHandler {
    private static final byte[] PAGE = load("echo-page.html");

    /** A browser navigation: GET or HEAD whose Accept includes text/html, on any path. */
    static boolean wantsPage(HttpServerExchange exchange) {
        if (!exchange.getRequestMethod().equals(Methods.GET) && !exchange.getRequestMethod().equals(Methods.HEAD)) {
            return false;
        }
        HeaderValues accept = exchange.getRequestHeaders().get(Headers.ACCEPT);
        return accept != null && accept.stream().anyMatch(value -> value.toLowerCase(Locale.ROOT).contains("text/html"));
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        exchange.setStatusCode(200);
        exchange.getResponseHeaders()
                .put(Headers.CONTENT_TYPE, "text/html; charset=utf-8")
                .put(Headers.CACHE_CONTROL, "no-store")
                .put(Headers.CONTENT_LENGTH, PAGE.length);
        exchange.getResponseSender().send(ByteBuffer.wrap(PAGE));
    }

    private static byte[] load(String name) {
        try (InputStream in = DemoPageHandler.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource dev/sluice/builtin/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
