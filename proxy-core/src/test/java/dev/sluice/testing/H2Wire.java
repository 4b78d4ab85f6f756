package dev.sluice.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/2 frames written and read by hand (RFC 9113 section 4.1), for what no client library
 * lets a test do: open more streams than allowed, reset them by the hundred. Headers are HPACK
 * literals without Huffman coding or indexing, which every decoder must take.
 */
public final class H2Wire {
    public static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    public static final int DATA = 0x0;
    public static final int HEADERS = 0x1;
    public static final int RST_STREAM = 0x3;
    public static final int SETTINGS = 0x4;
    public static final int PUSH_PROMISE = 0x5;
    public static final int GOAWAY = 0x7;
    public static final int WINDOW_UPDATE = 0x8;
    public static final int CONTINUATION = 0x9;
    public static final int SETTINGS_INITIAL_WINDOW_SIZE = 0x4;
    public static final int END_STREAM = 0x1;
    public static final int ACK = 0x1;
    public static final int END_HEADERS = 0x4;
    public static final int REFUSED_STREAM = 0x7;

    /** A frame as read: its type, flags, stream and payload. */
    public record Frame(int type, int flags, int stream, byte[] payload) {
        /** The error code of a RST_STREAM, or of a GOAWAY. */
        public int errorCode() {
            int at = type == GOAWAY ? 4 : 0;
            return ((payload[at] & 0xFF) << 24) | ((payload[at + 1] & 0xFF) << 16) | ((payload[at + 2] & 0xFF) << 8)
                    | (payload[at + 3] & 0xFF);
        }
    }

    private H2Wire() {
    }

    public static byte[] frame(int type, int flags, int stream, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(payload.length >>> 16);
        out.write(payload.length >>> 8);
        out.write(payload.length);
        out.write(type);
        out.write(flags);
        out.write(stream >>> 24);
        out.write(stream >>> 16);
        out.write(stream >>> 8);
        out.write(stream);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    /** A SETTINGS payload: id, value, id, value, ... */
    public static byte[] settings(int... idsAndValues) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < idsAndValues.length; i += 2) {
            out.write(idsAndValues[i] >>> 8);
            out.write(idsAndValues[i]);
            int value = idsAndValues[i + 1];
            out.write(value >>> 24);
            out.write(value >>> 16);
            out.write(value >>> 8);
            out.write(value);
        }
        return out.toByteArray();
    }

    /** A WINDOW_UPDATE frame giving {@code increment} more bytes on the stream (0: the connection). */
    public static byte[] windowUpdate(int stream, int increment) {
        return frame(WINDOW_UPDATE, 0, stream, new byte[] {(byte) (increment >>> 24), (byte) (increment >>> 16),
                (byte) (increment >>> 8), (byte) increment});
    }

    /**
     * The start of a literal field whose value is declared {@code valueLength} bytes long, without
     * the value: the rest of a header block (CONTINUATION frames) is to carry it.
     */
    public static byte[] literalStart(String name, long valueLength) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x00);
        literal(out, name);
        integer(out, valueLength);
        return out.toByteArray();
    }

    /** A header block of literal fields: name, value, name, value, ... */
    public static byte[] headerBlock(String... namesAndValues) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            out.write(0x00); // literal without indexing, new name
            literal(out, namesAndValues[i]);
            literal(out, namesAndValues[i + 1]);
        }
        return out.toByteArray();
    }

    private static void literal(ByteArrayOutputStream out, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        integer(out, bytes.length);
        out.writeBytes(bytes);
    }

    /** An HPACK integer with a 7-bit prefix (RFC 7541 section 5.1), the Huffman bit clear. */
    private static void integer(ByteArrayOutputStream out, long value) {
        if (value < 127) {
            out.write((int) value);
            return;
        }
        out.write(127);
        long rest = value - 127;
        while (rest >= 128) {
            out.write((int) (rest % 128 + 128));
            rest /= 128;
        }
        out.write((int) rest);
    }

    /** Reads the next frame; throws at the end of the stream. */
    public static Frame read(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int length = (data.readUnsignedByte() << 16) | (data.readUnsignedByte() << 8) | data.readUnsignedByte();
        int type = data.readUnsignedByte();
        int flags = data.readUnsignedByte();
        int stream = data.readInt() & 0x7FFFFFFF;
        byte[] payload = new byte[length];
        data.readFully(payload);
        return new Frame(type, flags, stream, payload);
    }
}
