package dev.sluice.tunnel;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/** The WebSocket Close frames Sluice itself sends (RFC 6455 §5.5.1). */
final class CloseFrames {
    static final int GOING_AWAY = 1001;
    /** A control frame's payload is at most 125 bytes, two of them the code. */
    static final int MAX_REASON_BYTES = 123;

    private CloseFrames() {
    }

    /** A Close 1001 with a short reason, masked when it goes to the upstream (a client's frame). */
    static ByteBuffer goingAway(String reason, boolean masked) {
        return close(GOING_AWAY, reason, masked);
    }

    /**
     * How many bytes of {@code utf8} fit in {@code max} without cutting a character: a reason
     * must be valid UTF-8 (RFC 6455 §5.5.1), and a peer fails the connection with 1007 on a
     * character cut in half.
     */
    static int reasonBytes(byte[] utf8, int max) {
        if (utf8.length <= max) {
            return utf8.length;
        }
        int end = max;
        while (end > 0 && (utf8[end] & 0xC0) == 0x80) { // a continuation byte: the character began before
            end--;
        }
        return end;
    }

    static ByteBuffer close(int code, String reason, boolean masked) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        int length = 2 + reasonBytes(text, MAX_REASON_BYTES);
        byte[] payload = new byte[length];
        payload[0] = (byte) (code >> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, length - 2);
        ByteBuffer frame = ByteBuffer.allocate(2 + (masked ? 4 : 0) + length);
        frame.put((byte) 0x88); // FIN, opcode 8 (Close)
        frame.put((byte) ((masked ? 0x80 : 0) | length));
        if (masked) {
            byte[] key = new byte[4];
            ThreadLocalRandom.current().nextBytes(key);
            frame.put(key);
            for (int i = 0; i < length; i++) {
                payload[i] ^= key[i & 3];
            }
        }
        frame.put(payload);
        return frame.flip();
    }
}
