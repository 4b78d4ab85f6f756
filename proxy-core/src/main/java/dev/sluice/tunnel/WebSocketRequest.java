package dev.sluice.tunnel;

import dev.sluice.http.Answer;
import dev.sluice.http.HopByHopHeaders;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.Protocols;

import java.util.Base64;

/**
 * Reads a client's WebSocket opening handshake (RFC 6455 §4.2.1): whether the request asks
 * for one, and whether it is one Sluice will forward.
 */
public final class WebSocketRequest {
    /** Why a handshake is refused before any upstream is contacted. */
    record Refusal(Answer answer, String reason) {
    }

    private WebSocketRequest() {
    }

    /** GET, HTTP/1.1, Upgrade has the token websocket and Connection the token upgrade. */
    public static boolean isUpgrade(HttpServerExchange exchange) {
        HeaderMap headers = exchange.getRequestHeaders();
        return exchange.getRequestMethod().equals(Methods.GET)
                && exchange.getProtocol().equals(Protocols.HTTP_1_1)
                && HopByHopHeaders.hasToken(headers, Headers.UPGRADE, "websocket")
                && HopByHopHeaders.hasToken(headers, Headers.CONNECTION, "upgrade");
    }

    /** A refusal for a malformed handshake, or null when it may be forwarded. */
    static Refusal check(HttpServerExchange exchange) {
        HeaderMap headers = exchange.getRequestHeaders();
        String key = headers.getFirst(Headers.SEC_WEB_SOCKET_KEY);
        if (headers.count(Headers.SEC_WEB_SOCKET_KEY) != 1 || !isValidKey(key)) {
            return new Refusal(Answer.WEBSOCKET_KEY_INVALID,
                    "WebSocket handshake needs one Sec-WebSocket-Key of 16 base64-encoded bytes");
        }
        String version = headers.getFirst(Headers.SEC_WEB_SOCKET_VERSION);
        if (!"13".equals(version == null ? null : version.trim())) {
            return new Refusal(Answer.WEBSOCKET_VERSION_UNSUPPORTED,
                    "WebSocket version " + version + " is not supported (Sec-WebSocket-Version: 13)");
        }
        if (headers.contains(Headers.TRANSFER_ENCODING) || contentLength(headers) != 0) {
            return new Refusal(Answer.WEBSOCKET_HANDSHAKE_WITH_BODY, "a WebSocket handshake must not have a body");
        }
        return null;
    }

    private static boolean isValidKey(String key) {
        if (key == null) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key.trim()).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static long contentLength(HeaderMap headers) {
        String value = headers.getFirst(Headers.CONTENT_LENGTH);
        if (value == null) {
            return 0;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
