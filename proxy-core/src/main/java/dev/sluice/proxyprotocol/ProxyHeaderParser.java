package dev.sluice.proxyprotocol;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads one PROXY protocol header (HAProxy's proxy-protocol.txt, v1 and v2) from a connection's
 * first bytes, in whatever pieces they arrive: {@link #feed} takes the bytes of one read and
 * consumes only the header's, leaving what follows it (the client's first request) in the buffer.
 * It holds at most {@link #V1_MAX} bytes; a v2 header's TLVs are skipped as they pass, never
 * stored. Each byte is checked as it comes, so garbage fails at its first wrong byte rather than
 * at some length.
 *
 * <ul>
 * <li>v1: {@code PROXY TCP4|TCP6 SRC DST SRCPORT DSTPORT\r\n}, at most 107 bytes; addresses are
 *     literals of the named family, ports decimal 0..65535 without leading zeros.
 *     {@code PROXY UNKNOWN ...\r\n}: the connection's own addresses stand.
 * <li>v2: the 12-byte signature, version 2, command {@code LOCAL} (the connection's own
 *     addresses stand: a balancer's health check) or {@code PROXY} with {@code AF_INET} or
 *     {@code AF_INET6} over {@code STREAM} (addresses carried), {@code AF_UNSPEC} or
 *     {@code AF_UNIX} (the connection's own addresses stand); the length must cover the address
 *     block; TLVs are skipped.
 * </ul>
 * Not thread-safe: one per connection, used on its IO thread.
 */
public final class ProxyHeaderParser {
    /** The longest v1 line the spec allows, CRLF included. */
    public static final int V1_MAX = 107;
    static final byte[] V1_PREFIX = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final int V2_FIXED = 16;
    private static final int V2_INET = 12;
    private static final int V2_INET6 = 36;
    private static final int V2_UNIX = 216;

    /** Where a feed left the parser. */
    public sealed interface Outcome permits NeedMore, Done, Failed {
    }

    /** The header is not complete yet: feed the next read. */
    public record NeedMore() implements Outcome {
    }

    /** The header is complete; the buffer's remaining bytes follow it. */
    public record Done(ProxyHeader header) implements Outcome {
    }

    /** Not a valid PROXY header: {@code reason} says what was wrong, for a log line. */
    public record Failed(String reason) implements Outcome {
    }

    private static final NeedMore NEED_MORE = new NeedMore();

    private enum State { START, V1, V2_FIXED, V2_BODY, DONE }

    private State state = State.START;
    private final byte[] held = new byte[V1_MAX];
    private int heldCount;
    // v2
    private int command;
    private int family;
    private int bodyLength;
    private int bodyRead;
    private int addressLength;

    /** Consumes header bytes from {@code in} (from its position), at most up to the header's end. */
    public Outcome feed(ByteBuffer in) {
        while (in.hasRemaining()) {
            switch (state) {
                case START -> {
                    byte first = in.get(in.position());
                    if (first == V1_PREFIX[0]) {
                        state = State.V1;
                    } else if (first == V2_SIGNATURE[0]) {
                        state = State.V2_FIXED;
                    } else {
                        return fail("no PROXY header: the connection starts with " + printable(in));
                    }
                }
                case V1 -> {
                    Outcome outcome = v1(in);
                    if (outcome != null) {
                        return outcome;
                    }
                }
                case V2_FIXED -> {
                    Outcome outcome = v2Fixed(in);
                    if (outcome != null) {
                        return outcome;
                    }
                }
                case V2_BODY -> {
                    Outcome outcome = v2Body(in);
                    if (outcome != null) {
                        return outcome;
                    }
                }
                case DONE -> throw new IllegalStateException("the header was read already");
            }
        }
        return NEED_MORE;
    }

    /** How many bytes of the header were read so far (for a log line). */
    public int bytesSeen() {
        return state == State.V2_BODY ? V2_FIXED + bodyRead : heldCount;
    }

    private Outcome v1(ByteBuffer in) {
        while (in.hasRemaining()) {
            byte b = in.get();
            held[heldCount++] = b;
            if (heldCount <= V1_PREFIX.length) {
                if (b != V1_PREFIX[heldCount - 1]) {
                    return fail("no PROXY header: the connection starts with " + printable(held, heldCount));
                }
                continue;
            }
            if (b == '\n') {
                if (held[heldCount - 2] != '\r') {
                    return fail("PROXY v1 line ends with a bare LF");
                }
                return v1Line(new String(held, V1_PREFIX.length, heldCount - V1_PREFIX.length - 2,
                        StandardCharsets.US_ASCII));
            }
            if (heldCount == V1_MAX) {
                return fail("PROXY v1 line longer than " + V1_MAX + " bytes");
            }
            if (held[heldCount - 2] == '\r') {
                return fail("PROXY v1 line has a CR not followed by LF");
            }
            if ((b < 0x20 || b == 0x7f) && b != '\r') {
                return fail("PROXY v1 line has a byte that is not printable ASCII (0x"
                        + String.format("%02x", b & 0xff) + ") at " + (heldCount - 1));
            }
        }
        return null;
    }

    private Outcome v1Line(String rest) {
        if (rest.startsWith("UNKNOWN")) {
            if (rest.length() > 7 && rest.charAt(7) != ' ') {
                return fail("PROXY v1 protocol is not TCP4, TCP6 or UNKNOWN: '" + rest + "'");
            }
            return done(new ProxyHeader(ProxyHeader.Kind.V1_UNKNOWN, null, null));
        }
        String[] parts = rest.split(" ", -1);
        if (parts.length != 5) {
            return fail("PROXY v1 line is not 'PROXY TCP4|TCP6 SRC DST SRCPORT DSTPORT': 'PROXY " + rest + "'");
        }
        boolean v4;
        if (parts[0].equals("TCP4")) {
            v4 = true;
        } else if (parts[0].equals("TCP6")) {
            v4 = false;
        } else {
            return fail("PROXY v1 protocol is not TCP4, TCP6 or UNKNOWN: '" + parts[0] + "'");
        }
        InetAddress source = literal(parts[1], v4);
        InetAddress destination = literal(parts[2], v4);
        int sourcePort = port(parts[3]);
        int destinationPort = port(parts[4]);
        if (source == null || destination == null) {
            return fail("PROXY v1 address is not an " + (v4 ? "IPv4" : "IPv6") + " literal: 'PROXY " + rest + "'");
        }
        if (sourcePort < 0 || destinationPort < 0) {
            return fail("PROXY v1 port is not 0..65535: 'PROXY " + rest + "'");
        }
        return done(new ProxyHeader(v4 ? ProxyHeader.Kind.V1_TCP4 : ProxyHeader.Kind.V1_TCP6,
                new InetSocketAddress(source, sourcePort), new InetSocketAddress(destination, destinationPort)));
    }

    private Outcome v2Fixed(ByteBuffer in) {
        while (in.hasRemaining() && heldCount < V2_FIXED) {
            byte b = in.get();
            held[heldCount++] = b;
            if (heldCount <= V2_SIGNATURE.length && b != V2_SIGNATURE[heldCount - 1]) {
                return fail("no PROXY header: the connection starts with " + printable(held, heldCount));
            }
            if (heldCount == 13) {
                int versionCommand = b & 0xff;
                if (versionCommand >> 4 != 2) {
                    return fail("PROXY v2 version is " + (versionCommand >> 4) + ", not 2");
                }
                command = versionCommand & 0x0f;
                if (command > 1) {
                    return fail("PROXY v2 command is " + command + ", not LOCAL (0) or PROXY (1)");
                }
            } else if (heldCount == 14) {
                family = b & 0xff;
            }
        }
        if (heldCount < V2_FIXED) {
            return null;
        }
        bodyLength = ((held[14] & 0xff) << 8) | (held[15] & 0xff);
        if (command == 1) {
            addressLength = switch (family) {
                case 0x11 -> V2_INET;   // AF_INET, STREAM
                case 0x21 -> V2_INET6;  // AF_INET6, STREAM
                case 0x31 -> V2_UNIX;   // AF_UNIX, STREAM: the connection's own addresses stand
                case 0x00 -> 0;         // AF_UNSPEC: likewise
                default -> -1;
            };
            if (addressLength < 0) {
                return fail("PROXY v2 address family and transport 0x" + String.format("%02x", family)
                        + " is not TCP over IPv4 or IPv6, UNIX stream or unspecified");
            }
            if (bodyLength < addressLength) {
                return fail("PROXY v2 length " + bodyLength + " is shorter than its address block ("
                        + addressLength + " bytes for family 0x" + String.format("%02x", family) + ")");
            }
            if (addressLength == V2_UNIX) {
                addressLength = 0; // skipped like a TLV
            }
        }
        heldCount = 0;
        state = State.V2_BODY;
        return bodyLength == 0 ? v2Done() : null;
    }

    private Outcome v2Body(ByteBuffer in) {
        while (in.hasRemaining() && bodyRead < bodyLength) {
            if (bodyRead < addressLength) {
                int n = Math.min(addressLength - bodyRead, in.remaining());
                in.get(held, heldCount, n);
                heldCount += n;
                bodyRead += n;
            } else {
                int n = Math.min(bodyLength - bodyRead, in.remaining());
                in.position(in.position() + n); // TLVs: skipped
                bodyRead += n;
            }
        }
        return bodyRead == bodyLength ? v2Done() : null;
    }

    private Outcome v2Done() {
        if (command == 0) {
            return done(new ProxyHeader(ProxyHeader.Kind.V2_LOCAL, null, null));
        }
        if (addressLength == 0) {
            return done(new ProxyHeader(ProxyHeader.Kind.V2_UNSPEC, null, null));
        }
        int size = addressLength == V2_INET ? 4 : 16;
        try {
            InetAddress source = InetAddress.getByAddress(java.util.Arrays.copyOfRange(held, 0, size));
            InetAddress destination = InetAddress.getByAddress(java.util.Arrays.copyOfRange(held, size, 2 * size));
            int sourcePort = ((held[2 * size] & 0xff) << 8) | (held[2 * size + 1] & 0xff);
            int destinationPort = ((held[2 * size + 2] & 0xff) << 8) | (held[2 * size + 3] & 0xff);
            return done(new ProxyHeader(size == 4 ? ProxyHeader.Kind.V2_TCP4 : ProxyHeader.Kind.V2_TCP6,
                    new InetSocketAddress(source, sourcePort), new InetSocketAddress(destination, destinationPort)));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }

    private Outcome done(ProxyHeader header) {
        state = State.DONE;
        return new Done(header);
    }

    private Failed fail(String reason) {
        state = State.DONE;
        return new Failed(reason);
    }

    /** An address literal of the family, or null; never a name lookup. */
    private static InetAddress literal(String text, boolean v4) {
        if (v4) {
            String[] octets = text.split("\\.", -1);
            if (octets.length != 4) {
                return null;
            }
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                int value = decimal(octets[i], 3);
                if (value < 0 || value > 255) {
                    return null;
                }
                bytes[i] = (byte) value;
            }
            try {
                return InetAddress.getByAddress(bytes);
            } catch (UnknownHostException e) {
                return null;
            }
        }
        if (text.isEmpty() || text.length() > 45 || text.indexOf(':') < 0
                || !text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            return null;
        }
        try {
            InetAddress address = InetAddress.getByName(text); // a literal with ':' never goes to DNS
            return address instanceof Inet4Address ? InetAddress.getByAddress(ipv4Mapped(address)) : address;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte[] ipv4Mapped(InetAddress v4) {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(v4.getAddress(), 0, mapped, 12, 4);
        return mapped;
    }

    private static int port(String text) {
        int value = decimal(text, 5);
        return value > 65535 ? -1 : value;
    }

    /** Decimal digits without a leading zero (0 itself excepted), at most {@code maxDigits}; else -1. */
    private static int decimal(String text, int maxDigits) {
        if (text.isEmpty() || text.length() > maxDigits || text.length() > 1 && text.charAt(0) == '0'
                || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Integer.parseInt(text);
    }

    private static String printable(ByteBuffer in) {
        byte[] bytes = new byte[Math.min(16, in.remaining())];
        in.get(in.position(), bytes);
        return printable(bytes, in.remaining());
    }

    /** Up to 16 bytes as a quoted string, non-printable ones as \xNN. */
    static String printable(byte[] bytes, int count) {
        StringBuilder text = new StringBuilder("'");
        for (int i = 0; i < Math.min(16, count); i++) {
            int b = bytes[i] & 0xff;
            if (b >= 0x20 && b < 0x7f && b != '\'' && b != '\\') {
                text.append((char) b);
            } else {
                text.append(String.format("\\x%02x", b));
            }
        }
        return text.append(count > 16 ? "'..." : "'").toString();
    }
}
