package dev.sluice.upstream;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** The bits of RFC 6455 a client's handshake and goodbye need: key, expected accept, a masked Close. */
final class WebSocketKeys {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int CLOSE_OPCODE = 0x8;
    // RFC 6455 section 5.3 asks for masking keys from a strong source of entropy; on Linux this
    // reads /dev/urandom, which does not block the IO thread.
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebSocketKeys() {
    }

    /** A Sec-WebSocket-Key: 16 random bytes, base64. */
    static String newKey() {
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** The Sec-WebSocket-Accept a server must answer {@code key} with: base64(SHA-1(key + GUID)). */
    static String acceptFor(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every JDK", e);
        }
    }

    /** A final Close frame with {@code code} and no reason text, masked as every client frame must be. */
    static ByteBuffer maskedClose(int code) {
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        byte[] payload = {(byte) (code >>> 8), (byte) code};
        ByteBuffer frame = ByteBuffer.allocate(2 + mask.length + payload.length);
        frame.put((byte) (0x80 | CLOSE_OPCODE));
        frame.put((byte) (0x80 | payload.length));
        frame.put(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.put((byte) (payload[i] ^ mask[i & 3]));
        }
        return frame.flip();
    }
}
