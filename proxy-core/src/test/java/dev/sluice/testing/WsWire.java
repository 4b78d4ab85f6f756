package dev.sluice.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

/**
 * RFC 6455 written and read by hand, so tests control every byte: opening handshakes (the
 * client's request, a backend's 101, a client that opens one through the proxy) and frames.
 */
public final class WsWire {
    public static final int CONTINUATION = 0x0;
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

    /** The RFC 6455 sample nonce and its accept value (section 1.3). */
    public static final String SAMPLE_KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    public static final String SAMPLE_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private WsWire() {
    }

    /** What a handshake was answered with; after a 101 the peer is a raw tunnel. */
    public record Answer(RawPeer peer, RawHttp.Head head) {
        public int status() {
            return head.status();
        }

        /** The body of a non-101 answer (by its Content-Length). */
        public String body() throws IOException {
            return new String(peer.readExactly(head.contentLength()), StandardCharsets.UTF_8);
        }
    }

    /** One frame as read from the wire; the payload is already unmasked. */
    public record Frame(boolean fin, int opcode, boolean masked, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** Connects to 127.0.0.1:port, sends a handshake for {@code path} with a fresh key and reads the answer's head. */
    public static Answer open(int port, String path, String... extraHeaderLines) throws IOException {
        return open(port, 0, path, extraHeaderLines);
    }

    /** The same with the client's socket buffers fixed at {@code bufferSize} (0: defaults). */
    public static Answer open(int port, int bufferSize, String path, String... extraHeaderLines) throws IOException {
        RawPeer peer = RawPeer.connect(port, bufferSize);
        try {
            peer.write(request(path, "127.0.0.1:" + port, newKey(), extraHeaderLines));
            return new Answer(peer, peer.readHead());
        } catch (IOException | RuntimeException | Error e) {
            peer.close();
            throw e;
        }
    }

    /** A complete, valid client handshake for {@code path} with {@code Host: x} and the sample key, plus extra header lines. */
    public static String handshake(String path, String... extraHeaderLines) {
        return request(path, "x", SAMPLE_KEY, extraHeaderLines);
    }

    /** A complete, valid client handshake for {@code path}, plus extra header lines. */
    public static String request(String path, String host, String key, String... extraHeaderLines) {
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

    /** The head of a correct 101 answer to a handshake carrying {@code key}. */
    public static String switchingProtocols(String key) {
        return "HTTP/1.1 101 Switching Protocols\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + acceptFor(key) + "\r\n\r\n";
    }

    /** A random Sec-WebSocket-Key: 16 bytes, base64. */
    public static String newKey() {
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** Sec-WebSocket-Accept for a key: base64(SHA-1(key + GUID)), RFC 6455 section 4.2.2. */
    public static String acceptFor(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every JDK", e);
        }
    }

    /** A final, masked client frame (clients must mask, RFC 6455 section 5.3). */
    public static byte[] clientFrame(int opcode, byte[] payload) {
        return clientFragment(true, opcode, payload);
    }

    /**
     * A masked client frame with FIN as given: a message in fragments is a first frame with its
     * opcode and FIN clear, then {@link #CONTINUATION} frames, the last with FIN set.
     */
    public static byte[] clientFragment(boolean fin, int opcode, byte[] payload) {
        byte[] mask = new byte[4];
        new Random(payload.length).nextBytes(mask);
        return frame(fin, opcode, payload, mask);
    }

    public static byte[] clientText(String text) {
        return clientFrame(TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A final, unmasked server frame. */
    public static byte[] serverFrame(int opcode, byte[] payload) {
        return serverFragment(true, opcode, payload);
    }

    /** An unmasked server frame with FIN as given (see {@link #clientFragment}). */
    public static byte[] serverFragment(boolean fin, int opcode, byte[] payload) {
        return frame(fin, opcode, payload, null);
    }

    public static byte[] serverText(String text) {
        return serverFrame(TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] frame(boolean fin, int opcode, byte[] payload, byte[] mask) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 14);
        out.write((fin ? 0x80 : 0) | opcode);
        int maskBit = mask == null ? 0 : 0x80;
        if (payload.length < 126) {
            out.write(maskBit | payload.length);
        } else if (payload.length < 65536) {
            out.write(maskBit | 126);
            out.write(payload.length >>> 8);
            out.write(payload.length);
        } else {
            out.write(maskBit | 127);
            long len = payload.length;
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (len >>> shift));
            }
        }
        if (mask == null) {
            out.writeBytes(payload);
        } else {
            out.writeBytes(mask);
            for (int i = 0; i < payload.length; i++) {
                out.write(payload[i] ^ mask[i & 3]);
            }
        }
        return out.toByteArray();
    }

    /** Reads exactly one frame; EOFException when the stream ends first. */
    public static Frame readFrame(InputStream in) throws IOException {
        int b0 = readByte(in);
        int b1 = readByte(in);
        boolean masked = (b1 & 0x80) != 0;
        long len = b1 & 0x7F;
        if (len == 126) {
            len = ((long) readByte(in) << 8) | readByte(in);
        } else if (len == 127) {
            len = 0;
            for (int i = 0; i < 8; i++) {
                len = (len << 8) | readByte(in);
            }
        }
        if (len > 16 * 1024 * 1024) {
            throw new IOException("frame payload of " + len + " bytes is not plausible in a test");
        }
        byte[] mask = masked ? readExactly(in, 4) : null;
        byte[] payload = readExactly(in, (int) len);
        if (masked) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
        }
        return new Frame((b0 & 0x80) != 0, b0 & 0x0F, masked, payload);
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("stream ended inside a WebSocket frame");
        }
        return b;
    }

    private static byte[] readExactly(InputStream in, int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length != n) {
            throw new EOFException("stream ended after " + bytes.length + " of " + n + " frame bytes");
        }
        return bytes;
    }
}
