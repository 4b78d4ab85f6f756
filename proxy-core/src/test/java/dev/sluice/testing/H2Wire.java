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
    public static final int GOAWAY = 0x7;
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

    /** A header block of literal fields: name, value, name, value, ... (names and values under 127 bytes). */
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
        if (bytes.length >= 127) {
            throw new IllegalArgumentException("too long for this encoder: " + text);
        }
        out.write(bytes.length);
        out.writeBytes(bytes);
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
