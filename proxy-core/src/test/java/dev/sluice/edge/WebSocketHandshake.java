package dev.sluice.edge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * RFC 6455 opening handshakes written and read by hand, so tests control every byte: the
 * client's request, a backend's 101, and a client that opens one through the proxy.
 */
final class WebSocketHandshake {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /** What the proxy answered a handshake with; after a 101 the peer is a raw tunnel. */
    record Answer(RawPeer peer, HttpHead head) {
        int status() {
            return head.status();
        }

        /** The body of a non-101 answer (by its Content-Length). */
        String body() throws IOException {
            return new String(peer.readExactly(head.contentLength()), StandardCharsets.UTF_8);
        }
    }

    private WebSocketHandshake() {
    }

    /** Connects to the proxy, sends a handshake for {@code path} and reads the answer's head. */
    static Answer open(int port, String path, String... extraHeaderLines) throws IOException {
        return open(port, 0, path, extraHeaderLines);
    }

    /** The same with the client's socket buffers fixed at {@code bufferSize} (0: defaults). */
    static Answer open(int port, int bufferSize, String path, String... extraHeaderLines) throws IOException {
        RawPeer peer = RawPeer.connect(port, bufferSize);
        try {
            peer.write(request(path, "127.0.0.1:" + port, newKey(), extraHeaderLines));
            return new Answer(peer, HttpHead.parse(peer.readHead()));
        } catch (IOException | RuntimeException | Error e) {
            peer.close();
            throw e;
        }
    }

    static String request(String path, String host, String key, String... extraHeaderLines) {
        StringBuilder head = new StringBuilder()
                .append("GET ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append("\r\n")
                .append("Upgrade: websocket\r\n")
                .append("Connection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(key).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n");
        for (String line : extraHeaderLines) {
            head.append(line).append("\r\n");
        }
        return head.append("\r\n").toString();
    }

    /** A correct 101 for a request that carried {@code key}. */
    static String switchingProtocols(String key) {
        return "HTTP/1.1 101 Switching Protocols\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + accept(key) + "\r\n\r\n";
    }

    static String newKey() {
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** base64(SHA-1(key + GUID)), RFC 6455 §1.3. */
    static String accept(String key) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }
}
