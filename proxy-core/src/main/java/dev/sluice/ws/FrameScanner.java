package dev.sluice.ws;

import java.nio.ByteBuffer;

/**
 * Follows the WebSocket framing (RFC 6455 section 5.2) of one direction of a tunnel as its bytes
 * pass: it reads frame headers only, keeps their state across reads so a header may be split
 * anywhere, and skips payloads by arithmetic, so a frame may be larger than any buffer. It never
 * copies, moves or alters a byte. The one payload it looks into is the first Close frame's, for
 * the two bytes of its status code.
 *
 * <p>It counts data messages (not fragments) and control frames, and knows where frames end.
 * Bytes that break the framing rules a tunnel relies on put it out of sync for good: it stops
 * counting and says why in {@link #syncLostReason()}, and the bytes still pass unchanged (the
 * scanner never throws on input). Rules that do not affect finding frames (minimal length
 * encoding, UTF-8 in text, which close codes are allowed, RSV1 outside a first fragment) are
 * left to the endpoints.
 *
 * <p>One scanner per direction, fed by one thread (the tunnel's IO thread). {@link #messages()},
 * {@link #controlFrames()}, {@link #closeCode()}, {@link #inSync()}, {@link #syncLostReason()} and
 * {@link #bytesScanned()} may be read from any thread and show the state as of the end of some
 * {@link #scan} call. {@link #atFrameBoundary()} and {@link #bytesToBoundary()} are for the
 * feeding thread, between scan calls.
 */
public final class FrameScanner {

    /** {@link #closeCode()} before any Close frame. */
    static final int NO_CLOSE = -1;
    /** {@link #closeCode()} of a Close frame without a status code (RFC 6455 section 7.1.5). */
    static final int NO_STATUS_CODE = 1005;

    private static final int CONTINUATION = 0x0;
    private static final int CLOSE = 0x8;
    private static final int FIN = 0x80;
    private static final int RSV2_RSV3 = 0x30;
    private static final int MASK = 0x80;
    private static final int MAX_CONTROL_PAYLOAD = 125;

    private final boolean masked;
    private final int maskBit;
    private final int maskKeyLength;

    // The frame in progress, touched only by the feeding thread.
    /** Header bytes of the current frame read so far; 0 at a boundary and inside a payload. */
    private int headerRead;
    /** The full header length, known once its second byte is read. */
    private int headerLength;
    private int firstByte;
    private long payloadLength;
    private int maskKey;
    private long payloadRemaining;
    private long frameStart;
    /** Status-code bytes of the first Close frame still to read (2, 1 or 0). */
    private int closeBytesToRead;
    private int closeCodeSoFar;
    private boolean inFragmentedMessage;
    private long messages;
    private long controlFrames;
    private int closeCode = NO_CLOSE;
    /** Stream offset of the first byte of the next scan call. */
    private long offset;

    // What other threads read: copied once at the end of each scan call.
    private volatile long publishedMessages;
    private volatile long publishedControlFrames;
    private volatile int publishedCloseCode = NO_CLOSE;
    private volatile long publishedOffset;
    /** Null while in sync; written once. */
    private volatile String syncLostReason;

    /**
     * @param masked true when frames in this direction must be masked (client to upstream),
     *               false when they must not be (upstream to client)
     */
    public FrameScanner(boolean masked) {
        this.masked = masked;
        this.maskBit = masked ? MASK : 0;
        this.maskKeyLength = masked ? 4 : 0;
    }

    /**
     * Puts {@code target} (a scanner of the same direction) in this one's state, so that it can
     * read ahead from here without moving this one; for the feeding thread.
     */
    public void copyInto(FrameScanner target) {
        if (target.masked != masked) {
            throw new IllegalArgumentException("a scanner of the other direction");
        }
        target.headerRead = headerRead;
        target.headerLength = headerLength;
        target.firstByte = firstByte;
        target.payloadLength = payloadLength;
        target.maskKey = maskKey;
        target.payloadRemaining = payloadRemaining;
        target.frameStart = frameStart;
        target.closeBytesToRead = closeBytesToRead;
        target.closeCodeSoFar = closeCodeSoFar;
        target.inFragmentedMessage = inFragmentedMessage;
        target.messages = messages;
        target.controlFrames = controlFrames;
        target.closeCode = closeCode;
        target.offset = offset;
        target.syncLostReason = syncLostReason;
    }

    /**
     * Reads the bytes between the buffer's position and limit, which are the next bytes of this
     * direction's stream, with absolute gets: the position, limit and content are left as they
     * were. Never throws on any input and allocates nothing while in sync.
     */
    public void scan(ByteBuffer bytes) {
        int start = bytes.position();
        int limit = bytes.limit();
        if (syncLostReason == null) {
            int pos = start;
            while (pos < limit) {
                if (payloadRemaining > 0) {
                    if (closeBytesToRead > 0) {
                        readCloseCodeByte(bytes.get(pos) & 0xFF);
                        pos++;
                        payloadRemaining--;
                    } else {
                        long skip = Math.min(payloadRemaining, limit - pos);
                        pos += (int) skip;
                        payloadRemaining -= skip;
                    }
                } else if (headerByte(bytes.get(pos) & 0xFF, offset + (pos - start))) {
                    pos++;
                } else {
                    break;
                }
            }
        }
        offset += limit - start;
        publishedMessages = messages;
        publishedControlFrames = controlFrames;
        publishedCloseCode = closeCode;
        publishedOffset = offset;
    }

    /**
     * Data messages whose final frame's header has been read: a text or binary frame with FIN,
     * or a continuation frame with FIN; the fragments of a message count once.
     */
    public long messages() {
        return publishedMessages;
    }

    /** Close, ping and pong frames whose header has been read. */
    public long controlFrames() {
        return publishedControlFrames;
    }

    /**
     * The status code of the first Close frame, once its first two payload bytes have been read
     * (unmasked); {@link #NO_STATUS_CODE} for a Close frame with fewer than two payload bytes;
     * {@link #NO_CLOSE} before any Close frame. Not validated: any 16-bit value is reported.
     */
    public int closeCode() {
        return publishedCloseCode;
    }

    /** Bytes passed to {@link #scan} so far, in or out of sync. */
    public long bytesScanned() {
        return publishedOffset;
    }

    /** True until the framing is broken; then false for good. */
    public boolean inSync() {
        return syncLostReason == null;
    }

    /**
     * Why the scanner lost sync, e.g. {@code "reserved opcode 0x3 at byte 1234"}, where the
     * byte is the stream offset of the offending frame's first byte; null while in sync.
     */
    public String syncLostReason() {
        return syncLostReason;
    }

    /**
     * True where a new frame may begin: no header or payload is in progress. False out of sync,
     * where no boundary is known. A boundary may fall inside a fragmented message (control
     * frames may come between fragments).
     */
    public boolean atFrameBoundary() {
        return syncLostReason == null && headerRead == 0 && payloadRemaining == 0;
    }

    /**
     * Where the next WebSocket message may begin, as a stream offset: the end of the frame in
     * progress when it ends a message (or no message is in progress), the current offset at such
     * a boundary, and -1 while that is not known yet (inside a header, inside a fragmented
     * message, or out of sync). For the feeding thread, between scan calls.
     */
    public long nextMessageBoundary() {
        long left = bytesToBoundary();
        return left < 0 || inFragmentedMessage ? -1 : offset + left;
    }

    /** Opcode of the frame in progress (or the last one), once its first byte was read; for the feeding thread. */
    public int frameOpcode() {
        return firstByte & 0x0F;
    }

    /** Whether the frame in progress (or the last one) has FIN set; for the feeding thread. */
    public boolean frameFin() {
        return (firstByte & FIN) != 0;
    }

    /** Whether the frame in progress (or the last one) is a control frame (close, ping, pong). */
    public boolean frameIsControl() {
        return (firstByte & 0x08) != 0;
    }

    /** Payload length of the frame in progress, once its header was read whole; for the feeding thread. */
    public long framePayloadLength() {
        return payloadLength;
    }

    /** Mask key of the frame in progress (0 when unmasked), once its header was read whole. */
    public int frameMaskKey() {
        return maskKey;
    }

    /**
     * Bytes until the current frame ends: 0 at a boundary, the payload bytes left once a
     * frame's header has been read, and -1 when unknown (inside a header, or out of sync).
     */
    public long bytesToBoundary() {
        if (syncLostReason != null || headerRead != 0) {
            return -1;
        }
        return payloadRemaining;
    }

    /** Takes one header byte at stream offset {@code at}; false when it broke the framing. */
    private boolean headerByte(int b, long at) {
        switch (headerRead) {
            case 0 -> {
                frameStart = at;
                if (!firstByteValid(b)) {
                    return false;
                }
                firstByte = b;
                headerRead = 1;
                return true;
            }
            case 1 -> {
                if ((b & MASK) != maskBit) {
                    return lose(masked ? "unmasked frame where frames must be masked" : "masked frame where frames must not be masked");
                }
                int length = b & 0x7F;
                if ((firstByte & 0x08) != 0 && length > MAX_CONTROL_PAYLOAD) {
                    return lose("control frame 0x" + Integer.toHexString(firstByte & 0x0F) + " with a payload over 125 bytes");
                }
                int extendedLength = length == 126 ? 2 : length == 127 ? 8 : 0;
                headerLength = 2 + extendedLength + maskKeyLength;
                payloadLength = extendedLength == 0 ? length : 0;
                maskKey = 0;
            }
            default -> {
                if (headerRead < headerLength - maskKeyLength) {
                    if (headerRead == 2 && headerLength - maskKeyLength == 10 && (b & 0x80) != 0) {
                        return lose("64-bit payload length with the top bit set");
                    }
                    payloadLength = (payloadLength << 8) | b;
                } else {
                    maskKey = (maskKey << 8) | b;
                }
            }
        }
        if (++headerRead == headerLength) {
            headerDone();
        }
        return true;
    }

    private boolean firstByteValid(int b) {
        int opcode = b & 0x0F;
        if ((b & RSV2_RSV3) != 0) {
            return lose("RSV2/RSV3 set");
        }
        if ((opcode > 0x2 && opcode < 0x8) || opcode > 0xA) {
            return lose("reserved opcode 0x" + Integer.toHexString(opcode));
        }
        if (opcode >= CLOSE && (b & FIN) == 0) {
            return lose("control frame 0x" + Integer.toHexString(opcode) + " without FIN");
        }
        if (opcode == CONTINUATION && !inFragmentedMessage) {
            return lose("continuation frame with no message in progress");
        }
        if (opcode != CONTINUATION && opcode < CLOSE && inFragmentedMessage) {
            return lose("new data frame 0x" + Integer.toHexString(opcode) + " inside a fragmented message");
        }
        return true;
    }

    private void headerDone() {
        headerRead = 0;
        payloadRemaining = payloadLength;
        int opcode = firstByte & 0x0F;
        if (opcode >= CLOSE) {
            controlFrames++;
            if (opcode == CLOSE && closeCode == NO_CLOSE && closeBytesToRead == 0) {
                if (payloadLength < 2) {
                    closeCode = NO_STATUS_CODE;
                } else {
                    closeBytesToRead = 2;
                    closeCodeSoFar = 0;
                }
            }
        } else if ((firstByte & FIN) != 0) {
            messages++;
            inFragmentedMessage = false;
        } else {
            inFragmentedMessage = true;
        }
    }

    private void readCloseCodeByte(int b) {
        int index = 2 - closeBytesToRead;
        int maskByte = (maskKey >>> (24 - 8 * index)) & 0xFF;
        closeCodeSoFar = (closeCodeSoFar << 8) | (b ^ maskByte);
        if (--closeBytesToRead == 0) {
            closeCode = closeCodeSoFar;
        }
    }

    /** Marks the stream out of sync at the current frame; always false, for the caller to return. */
    private boolean lose(String why) {
        syncLostReason = why + " at byte " + frameStart;
        return false;
    }
}
