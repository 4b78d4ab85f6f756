package dev.sluice.tunnel;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/** The WebSocket Close frames Sluice itself sends (RFC 6455 §5.5.1). */
final class CloseFrames {
    static final int GOING_AWAY = 1001;

    private CloseFrames() {
    }

    /** A Close 1001 with a short reason, masked when it goes to the upstream (a client's frame). */
    static ByteBuffer goingAway(String reason, boolean masked) {
        return close(GOING_AWAY, reason, masked);
    }

    static ByteBuffer close(int code, String reason, boolean masked) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(2 + text.length, 125); // a control frame's payload is at most 125 bytes
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
