package dev.sluice.ws;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * WebSocket frames built byte by byte for the frame scanner's tests, including ones a real
 * endpoint must never send (reserved bits and opcodes, oversized control frames, a 64-bit length
 * with its top bit set). Unlike {@link dev.sluice.testing.WsWire} it builds non-final frames and
 * bare headers, whose payload a test only counts.
 */
public final class TestFrames {
    public static final int CONTINUATION = 0x0;
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

    public static final int FIN = 0x80;
    public static final int RSV1 = 0x40;
    public static final int RSV2 = 0x20;
    public static final int RSV3 = 0x10;

    /** The mask key of RFC 6455 section 5.7's examples; none of its bytes is zero, so a missed unmask shows. */
    public static final byte[] MASK_KEY = {0x37, (byte) 0xfa, 0x21, 0x3d};

    private TestFrames() {
    }

    /** The mask key frames carry in a direction: {@link #MASK_KEY} where they must be masked, else none. */
    public static byte[] keyFor(boolean masked) {
        return masked ? MASK_KEY : null;
    }

    /**
     * A frame header announcing {@code length} payload bytes in the shortest encoding (7, 16 or
     * 64 bits); a negative length is written as 64 bits with the top bit set. The mask bit is set
     * and the key appended when {@code maskKey} is not null.
     */
    public static byte[] header(int firstByte, byte[] maskKey, long length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(14);
        out.write(firstByte);
        int maskBit = maskKey == null ? 0 : 0x80;
        if (length >= 0 && length < 126) {
            out.write(maskBit | (int) length);
        } else if (length >= 0 && length <= 0xFFFF) {
            out.write(maskBit | 126);
            out.write((int) (length >>> 8));
            out.write((int) length);
        } else {
            out.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (length >>> shift));
            }
        }
        if (maskKey != null) {
            out.writeBytes(maskKey);
        }
        return out.toByteArray();
    }

    /** A whole frame: its header, then the payload masked with {@code maskKey} when that is not null. */
    public static byte[] frame(int firstByte, byte[] maskKey, byte[] payload) {
        byte[] header = header(firstByte, maskKey, payload.length);
        byte[] frame = new byte[header.length + payload.length];
        System.arraycopy(header, 0, frame, 0, header.length);
        for (int i = 0; i < payload.length; i++) {
            frame[header.length + i] = maskKey == null ? payload[i] : (byte) (payload[i] ^ maskKey[i & 3]);
        }
        return frame;
    }

    public static byte[] frame(int firstByte, byte[] maskKey, String text) {
        return frame(firstByte, maskKey, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A Close frame's payload: the status code, then the UTF-8 reason. */
    public static byte[] closePayload(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + text.length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, text.length);
        return payload;
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
