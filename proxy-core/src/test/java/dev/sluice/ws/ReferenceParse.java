package dev.sluice.ws;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The oracle for {@link FrameScanner}: a plain parse of a whole stream held in one array, written
 * for clarity rather than speed, that says what the scanner should report after any prefix of it.
 * It knows the same framing rules but not the scanner's incremental state, so a scanner fed the
 * stream in any chunks must agree with it at every chunk end.
 */
final class ReferenceParse {

    /** A frame whose header was read whole: its first byte's offset, where its payload starts and ends. */
    record Frame(long start, long headerEnd, long end, int firstByte) {
        boolean control() {
            return (firstByte & 0x08) != 0;
        }

        boolean endsMessage() {
            return !control() && (firstByte & 0x80) != 0;
        }
    }

    private final List<Frame> frames;
    private final long length;
    private final int closeCode;
    /** The offset from which the scanner knows {@link #closeCode}; Long.MAX_VALUE if never within the stream. */
    private final long closeCodeKnownAt;
    /** The offset of the first byte of the frame that broke the framing; -1 when nothing did. */
    private final long lostFrameStart;
    /** The offset just past the byte that broke it: the scanner is out of sync from here on. */
    private final long lostFrom;

    private ReferenceParse(List<Frame> frames, long length, int closeCode, long closeCodeKnownAt,
                           long lostFrameStart, long lostFrom) {
        this.frames = frames;
        this.length = length;
        this.closeCode = closeCode;
        this.closeCodeKnownAt = closeCodeKnownAt;
        this.lostFrameStart = lostFrameStart;
        this.lostFrom = lostFrom;
    }

    static ReferenceParse of(byte[] s, boolean masked) {
        List<Frame> frames = new ArrayList<>();
        boolean fragmented = false;
        boolean closeSeen = false;
        int closeCode = FrameScanner.NO_CLOSE;
        long closeKnownAt = Long.MAX_VALUE;
        long at = 0;
        while (at < s.length) {
            int i = (int) at;
            int b0 = s[i] & 0xFF;
            int opcode = b0 & 0x0F;
            boolean fin = (b0 & 0x80) != 0;
            boolean control = opcode >= 0x8;
            boolean reservedOpcode = (opcode >= 0x3 && opcode <= 0x7) || opcode >= 0xB;
            boolean dataStart = opcode == 0x1 || opcode == 0x2;
            if ((b0 & 0x30) != 0 || reservedOpcode || (control && !fin) || (opcode == 0 && !fragmented)
                    || (dataStart && fragmented)) {
                return lost(frames, s.length, closeCode, closeKnownAt, at, at + 1);
            }
            if (i + 1 >= s.length) {
                break;
            }
            int b1 = s[i + 1] & 0xFF;
            int length7 = b1 & 0x7F;
            if (((b1 & 0x80) != 0) != masked || (control && length7 > 125)) {
                return lost(frames, s.length, closeCode, closeKnownAt, at, at + 2);
            }
            int extended = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
            if (extended == 8 && i + 2 < s.length && (s[i + 2] & 0x80) != 0) {
                return lost(frames, s.length, closeCode, closeKnownAt, at, at + 3);
            }
            int headerLength = 2 + extended + (masked ? 4 : 0);
            if (i + headerLength > s.length) {
                break;
            }
            long payloadLength = length7;
            if (extended > 0) {
                payloadLength = 0;
                for (int k = 0; k < extended; k++) {
                    payloadLength = (payloadLength << 8) | (s[i + 2 + k] & 0xFF);
                }
            }
            long headerEnd = at + headerLength;
            frames.add(new Frame(at, headerEnd, headerEnd + payloadLength, b0));
            if (opcode == 0x8 && !closeSeen) {
                closeSeen = true;
                if (payloadLength < 2) {
                    closeCode = FrameScanner.NO_STATUS_CODE;
                    closeKnownAt = headerEnd;
                } else if (headerEnd + 2 <= s.length) {
                    int p = (int) headerEnd;
                    int hi = s[p] & 0xFF;
                    int lo = s[p + 1] & 0xFF;
                    if (masked) {
                        hi ^= s[p - 4] & 0xFF;
                        lo ^= s[p - 3] & 0xFF;
                    }
                    closeCode = (hi << 8) | lo;
                    closeKnownAt = headerEnd + 2;
                }
            }
            if (!control) {
                fragmented = !fin;
            }
            at = headerEnd + payloadLength;
        }
        return new ReferenceParse(frames, s.length, closeCode, closeKnownAt, -1, -1);
    }

    private static ReferenceParse lost(List<Frame> frames, long length, int closeCode, long closeKnownAt,
                                       long frameStart, long from) {
        return new ReferenceParse(frames, length, closeCode, closeKnownAt, frameStart, from);
    }

    List<Frame> frames() {
        return frames;
    }

    boolean keepsFraming() {
        return lostFrameStart < 0;
    }

    long lostFrameStart() {
        return lostFrameStart;
    }

    /** Every offset where a frame may begin, within the stream (0, and the end of every frame that ends in it). */
    List<Long> boundaries() {
        List<Long> boundaries = new ArrayList<>();
        boundaries.add(0L);
        for (Frame f : frames) {
            if (f.end() <= length) {
                boundaries.add(f.end());
            }
        }
        return boundaries;
    }

    long messagesAt(long x) {
        return frames.stream().filter(f -> f.headerEnd() <= x && f.endsMessage()).count();
    }

    long controlFramesAt(long x) {
        return frames.stream().filter(f -> f.headerEnd() <= x && f.control()).count();
    }

    int closeCodeAt(long x) {
        return x >= closeCodeKnownAt ? closeCode : FrameScanner.NO_CLOSE;
    }

    boolean inSyncAt(long x) {
        return lostFrom < 0 || x < lostFrom;
    }

    /** What {@link FrameScanner#bytesToBoundary()} should say after the first {@code x} bytes. */
    long bytesToBoundaryAt(long x) {
        if (!inSyncAt(x)) {
            return -1;
        }
        long lastEnd = 0;
        for (Frame f : frames) {
            if (x < f.start()) {
                break;
            }
            if (x < f.headerEnd()) {
                return x == f.start() ? 0 : -1;
            }
            if (x < f.end()) {
                return f.end() - x;
            }
            lastEnd = f.end();
        }
        // Past every whole header: at the last boundary, or inside a header the stream cuts short.
        return x == lastEnd ? 0 : -1;
    }

    /** Asserts that the scanner, fed exactly the first {@code x} bytes, reports what this parse says. */
    void assertScannerAt(FrameScanner scanner, long x, Supplier<String> context) {
        Supplier<String> where = () -> context.get() + ", after " + x + " bytes";
        assertEquals(x, scanner.bytesScanned(), where);
        assertEquals(inSyncAt(x), scanner.inSync(), where);
        if (inSyncAt(x)) {
            assertNull(scanner.syncLostReason(), where);
        } else {
            assertNotNull(scanner.syncLostReason(), where);
            assertTrue(scanner.syncLostReason().endsWith(" at byte " + lostFrameStart),
                    () -> where.get() + ": " + scanner.syncLostReason());
        }
        assertEquals(messagesAt(x), scanner.messages(), () -> where.get() + ": messages");
        assertEquals(controlFramesAt(x), scanner.controlFrames(), () -> where.get() + ": control frames");
        assertEquals(closeCodeAt(x), scanner.closeCode(), () -> where.get() + ": close code");
        long toBoundary = bytesToBoundaryAt(x);
        assertEquals(toBoundary, scanner.bytesToBoundary(), () -> where.get() + ": bytes to boundary");
        assertEquals(toBoundary == 0, scanner.atFrameBoundary(), () -> where.get() + ": at boundary");
    }
}
