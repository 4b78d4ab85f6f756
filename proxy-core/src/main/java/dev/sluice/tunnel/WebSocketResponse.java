package dev.sluice.tunnel;

import dev.sluice.http.HeaderTokens;

import dev.sluice.http.HopByHopHeaders;
import io.undertow.client.ClientResponse;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Judges an upstream's 101: only a switch to websocket with the Sec-WebSocket-Accept that
 * answers the client's key (RFC 6455 §4.1), and a subprotocol the client offered, may open
 * a tunnel. Anything else could be a relayed or forged 101 (WebSocket smuggling).
 */
final class WebSocketResponse {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private WebSocketResponse() {
    }

    /** What is wrong with this 101, or null when it is a valid switch for the request. */
    static String problem(ClientResponse response, HeaderMap request) {
        HeaderMap headers = response.getResponseHeaders();
        if (!HopByHopHeaders.hasToken(headers, Headers.UPGRADE, "websocket")) {
            return "101 without Upgrade: websocket (got " + headers.getFirst(Headers.UPGRADE) + ")";
        }
        String expected = accept(request.getFirst(Headers.SEC_WEB_SOCKET_KEY).trim());
        String accept = headers.getFirst(Headers.SEC_WEB_SOCKET_ACCEPT);
        if (headers.count(Headers.SEC_WEB_SOCKET_ACCEPT) != 1 || !expected.equals(accept.trim())) {
            return "101 with a wrong Sec-WebSocket-Accept (" + accept + ", expected " + expected + ")";
        }
        String protocol = headers.getFirst(Headers.SEC_WEB_SOCKET_PROTOCOL);
        if (protocol != null && !offered(request, protocol.trim())) {
            return "101 picked subprotocol '" + protocol + "' that the client did not offer";
        }
        return null;
    }

    /** base64(SHA-1(key + GUID)), RFC 6455 §1.3. */
    static String accept(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }

    private static boolean offered(HeaderMap request, String protocol) {
        return HeaderTokens.asWritten(request, Headers.SEC_WEB_SOCKET_PROTOCOL).contains(protocol);
    }
}
