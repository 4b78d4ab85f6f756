package dev.sluice.ws;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.sluice.ws.TestFrames.BINARY;
import static dev.sluice.ws.TestFrames.CLOSE;
import static dev.sluice.ws.TestFrames.CONTINUATION;
import static dev.sluice.ws.TestFrames.FIN;
import static dev.sluice.ws.TestFrames.PING;
import static dev.sluice.ws.TestFrames.PONG;
import static dev.sluice.ws.TestFrames.RSV1;
import static dev.sluice.ws.TestFrames.RSV2;
import static dev.sluice.ws.TestFrames.RSV3;
import static dev.sluice.ws.TestFrames.TEXT;
import static dev.sluice.ws.TestFrames.closePayload;
import static dev.sluice.ws.TestFrames.concat;
import static dev.sluice.ws.TestFrames.frame;
import static dev.sluice.ws.TestFrames.header;
import static dev.sluice.ws.TestFrames.keyFor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The frame scanner fed byte by byte and at every split point: it must report what a parse of
 * the whole stream reports ({@link ReferenceParse}), and the exact counts, close codes and
 * reasons written here.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FrameScannerTest {

    static Stream<Arguments> lengthsAndDirections() {
        List<Arguments> cases = new ArrayList<>();
        for (int length : new int[]{0, 125, 126, 65535, 65536}) {
            cases.add(Arguments.of(length, true));
            cases.add(Arguments.of(length, false));
        }
        return cases.stream();
    }

    // A binary frame of each length at the edges of the 7-, 16- and 64-bit encodings, then a ping,
    // cut in two at every index and fed one byte per call: one message, one control frame, and
    // the boundary right after each frame.
    @ParameterizedTest(name = "{0}-byte payload, masked={1}")
    @MethodSource("lengthsAndDirections")
    void framesOfEveryLengthEncodingAtEverySplit(int length, boolean masked) {
        byte[] payload = new byte[length];
        new Random(length).nextBytes(payload);
        byte[] data = frame(FIN | BINARY, keyFor(masked), payload);
        byte[] stream = concat(data, frame(FIN | PING, keyFor(masked), "p"));
        int lengthCode = stream[1] & 0x7F;
        assertEquals(length < 126 ? length : length < 65536 ? 126 : 127, lengthCode, "the encoding under test");

        assertScansAtEverySplit(stream, masked);

        FrameScanner scanner = new FrameScanner(masked);
        scan(scanner, stream, 0, stream.length);
        assertEquals(1, scanner.messages());
        assertEquals(1, scanner.controlFrames());
        assertTrue(scanner.atFrameBoundary());
        assertEquals(List.of(0L, (long) data.length, (long) stream.length), ReferenceParse.of(stream, masked).boundaries());
    }

    // A text message in three fragments with a ping, a pong and a Close between them, then a
    // binary message: two messages (fragments count once, only when the final one's header is
    // read), three control frames, close code 1000.
    @ParameterizedTest(name = "masked={0}")
    @ValueSource(booleans = {true, false})
    void fragmentedMessageWithControlFramesBetweenFragments(boolean masked) {
        byte[] key = keyFor(masked);
        byte[] beforeLastFragment = concat(
                frame(TEXT, key, "Hel"),
                frame(FIN | PING, key, "1"),
                frame(CONTINUATION, key, "lo "),
                frame(FIN | PONG, key, ""),
                frame(FIN | CLOSE, key, closePayload(1000, "bye")));
        byte[] lastFragment = frame(FIN | CONTINUATION, key, "world");
        byte[] stream = concat(beforeLastFragment, lastFragment, frame(FIN | BINARY, key, new byte[]{1, 2}));

        assertScansAtEverySplit(stream, masked);

        int lastHeaderEnd = beforeLastFragment.length + (masked ? 6 : 2);
        FrameScanner scanner = new FrameScanner(masked);
        scan(scanner, stream, 0, lastHeaderEnd - 1);
        assertEquals(0, scanner.messages(), "the last fragment's header is one byte short");
        assertEquals(3, scanner.controlFrames());
        assertEquals(1000, scanner.closeCode());
        scan(scanner, stream, lastHeaderEnd - 1, lastHeaderEnd);
        assertEquals(1, scanner.messages(), "counted once the final header is read, before its payload");
        assertEquals(5, scanner.bytesToBoundary());
        scan(scanner, stream, lastHeaderEnd, stream.length);
        assertEquals(2, scanner.messages());
        assertEquals(3, scanner.controlFrames());
        assertTrue(scanner.inSync());
    }

    // permessage-deflate marks compressed messages with RSV1 (RFC 7692): a compressed frame and a
    // compressed fragmented message pass in sync and count as two messages.
    @ParameterizedTest(name = "masked={0}")
    @ValueSource(booleans = {true, false})
    void rsv1FramesOfPermessageDeflateAreCounted(boolean masked) {
        byte[] key = keyFor(masked);
        byte[] stream = concat(
                frame(FIN | RSV1 | TEXT, key, new byte[]{(byte) 0xf2, 0x48, 0x05, 0x00}),
                frame(RSV1 | BINARY, key, new byte[]{0x01}),
                frame(CONTINUATION, key, new byte[]{0x02}),
                frame(FIN | CONTINUATION, key, new byte[]{0x03}));

        assertScansAtEverySplit(stream, masked);

        FrameScanner scanner = new FrameScanner(masked);
        scan(scanner, stream, 0, stream.length);
        assertTrue(scanner.inSync());
        assertEquals(2, scanner.messages());
    }

    // A frame announcing 2^32 + 5 bytes: the header alone, split anywhere, gives the exact bytes to
    // the boundary; the payload is then only counted (one 1 MiB buffer fed again and again), and a
    // Close frame in the same buffer as the payload's tail is read.
    @ParameterizedTest(name = "masked={0}")
    @ValueSource(booleans = {true, false})
    void frameLargerThanFourGigabytesIsSkippedByCounting(boolean masked) {
        long length = (1L << 32) + 5;
        byte[] head = header(FIN | BINARY, keyFor(masked), length);
        assertEquals(127, head[1] & 0x7F);
        for (int cut = 0; cut <= head.length; cut++) {
            FrameScanner scanner = new FrameScanner(masked);
            scan(scanner, head, 0, cut);
            assertEquals(cut == 0 ? 0 : cut == head.length ? length : -1, scanner.bytesToBoundary());
            scan(scanner, head, cut, head.length);
            assertEquals(length, scanner.bytesToBoundary(), "cut at " + cut);
            assertEquals(1, scanner.messages());
            assertFalse(scanner.atFrameBoundary());
        }

        FrameScanner scanner = new FrameScanner(masked);
        scan(scanner, head, 0, head.length);
        ByteBuffer mebibyte = ByteBuffer.allocate(1 << 20);
        long left = length;
        while (left > mebibyte.capacity()) {
            scanner.scan(mebibyte);
            left -= mebibyte.capacity();
            assertEquals(left, scanner.bytesToBoundary());
        }
        byte[] close = frame(FIN | CLOSE, keyFor(masked), closePayload(1001, ""));
        byte[] tail = concat(new byte[(int) left], close);
        scan(scanner, tail, 0, tail.length);
        assertTrue(scanner.atFrameBoundary());
        assertEquals(1, scanner.messages());
        assertEquals(1, scanner.controlFrames());
        assertEquals(1001, scanner.closeCode());
        assertEquals(head.length + length + close.length, scanner.bytesScanned());
    }

    // The close code's two bytes arrive in separate reads: nothing until the second, then 1001
    // (unmasked with the frame's key where frames are masked).
    @ParameterizedTest(name = "masked={0}")
    @ValueSource(booleans = {true, false})
    void closeCodeSplitBetweenItsTwoBytes(boolean masked) {
        byte[] close = frame(FIN | CLOSE, keyFor(masked), closePayload(1001, "going away"));
        int firstCodeByte = masked ? 6 : 2;

        FrameScanner scanner = new FrameScanner(masked);
        scan(scanner, close, 0, firstCodeByte + 1);
        assertEquals(FrameScanner.NO_CLOSE, scanner.closeCode());
        assertEquals(1, scanner.controlFrames());
        scan(scanner, close, firstCodeByte + 1, firstCodeByte + 2);
        assertEquals(1001, scanner.closeCode());
        scan(scanner, close, firstCodeByte + 2, close.length);
        assertTrue(scanner.atFrameBoundary());
        assertEquals(1001, scanner.closeCode());
    }

    // A Close without payload has no status code (1005); a later Close does not replace the first's.
    @ParameterizedTest(name = "masked={0}")
    @ValueSource(booleans = {true, false})
    void closeWithoutPayloadIs1005AndOnlyTheFirstCloseCounts(boolean masked) {
        byte[] stream = concat(frame(FIN | CLOSE, keyFor(masked), new byte[0]),
                frame(FIN | CLOSE, keyFor(masked), closePayload(1000, "")));

        assertScansAtEverySplit(stream, masked);

        FrameScanner scanner = new FrameScanner(masked);
        scan(scanner, stream, 0, stream.length);
        assertEquals(FrameScanner.NO_STATUS_CODE, scanner.closeCode());
        assertEquals(2, scanner.controlFrames());
    }

    // A Close with a single payload byte carries no status code either (RFC 6455 section 5.5.1
    // forbids it, but the framing holds): 1005, still in sync.
    @Test
    void closeWithOneBytePayloadHasNoStatusCode() {
        byte[] stream = frame(FIN | CLOSE, null, new byte[]{0x03});
        FrameScanner scanner = new FrameScanner(false);
        scan(scanner, stream, 0, stream.length);
        assertEquals(FrameScanner.NO_STATUS_CODE, scanner.closeCode());
        assertTrue(scanner.inSync());
        assertTrue(scanner.atFrameBoundary());
    }

    // The scanner reads only between position and limit: bytes outside them that would break the
    // framing (0xFF: RSV2, RSV3, reserved opcode) are never looked at, in a direct buffer too.
    @Test
    void readsOnlyBetweenPositionAndLimit() {
        byte[] text = frame(FIN | TEXT, null, "hello");
        ByteBuffer direct = ByteBuffer.allocateDirect(text.length + 20);
        direct.put(new byte[10]).put(text).put(new byte[10]);
        for (int i = 0; i < direct.capacity(); i++) {
            if (i < 10 || i >= 10 + text.length) {
                direct.put(i, (byte) 0xFF);
            }
        }
        direct.position(10).limit(10 + text.length);

        FrameScanner scanner = new FrameScanner(false);
        scanner.scan(direct);

        assertEquals(10, direct.position());
        assertEquals(10 + text.length, direct.limit());
        assertTrue(scanner.inSync(), scanner::syncLostReason);
        assertEquals(1, scanner.messages());
        assertEquals(text.length, scanner.bytesScanned());
    }

    /** One way to break the framing: the bad bytes, where the bad frame starts in them, and the reason. */
    record OutOfSync(String name, boolean masked, byte[] bad, int badFrameAt, String reason) {
        @Override
        public String toString() {
            return name + (masked ? ", masked" : ", unmasked");
        }
    }

    static Stream<OutOfSync> outOfSyncCases() {
        List<OutOfSync> cases = new ArrayList<>();
        for (boolean masked : new boolean[]{true, false}) {
            byte[] key = keyFor(masked);
            byte[] firstFragment = frame(TEXT, key, "a");
            cases.add(new OutOfSync("reserved opcode 0x3", masked, frame(FIN | 0x3, key, "x"), 0,
                    "reserved opcode 0x3"));
            cases.add(new OutOfSync("reserved opcode 0xB", masked, frame(FIN | 0xB, key, ""), 0,
                    "reserved opcode 0xb"));
            cases.add(new OutOfSync("ping without FIN", masked, frame(PING, key, "x"), 0,
                    "control frame 0x9 without FIN"));
            cases.add(new OutOfSync("close of 126 bytes", masked, frame(FIN | CLOSE, key, new byte[126]), 0,
                    "control frame 0x8 with a payload over 125 bytes"));
            cases.add(new OutOfSync("continuation with no message", masked, frame(FIN | CONTINUATION, key, "x"), 0,
                    "continuation frame with no message in progress"));
            cases.add(new OutOfSync("text inside a fragmented message", masked,
                    concat(firstFragment, frame(FIN | TEXT, key, "b")), firstFragment.length,
                    "new data frame 0x1 inside a fragmented message"));
            cases.add(new OutOfSync("64-bit length with the top bit", masked,
                    concat(header(FIN | BINARY, key, Long.MIN_VALUE + 5), new byte[5]), 0,
                    "64-bit payload length with the top bit set"));
            cases.add(new OutOfSync("RSV2", masked, frame(FIN | RSV2 | TEXT, key, "x"), 0, "RSV2/RSV3 set"));
            cases.add(new OutOfSync("RSV3", masked, frame(FIN | RSV3 | BINARY, key, "x"), 0, "RSV2/RSV3 set"));
            cases.add(new OutOfSync("mask bit against the direction", masked, frame(FIN | TEXT, keyFor(!masked), "x"), 0,
                    masked ? "unmasked frame where frames must be masked" : "masked frame where frames must not be masked"));
        }
        return cases.stream();
    }

    // After one good message, bytes that break the framing put the scanner out of sync with a
    // reason naming the bad frame's offset; the valid message and Close after them are not
    // counted, and no boundary is claimed. Fed whole, at every split and byte by byte.
    @ParameterizedTest(name = "{0}")
    @MethodSource("outOfSyncCases")
    void brokenFramingLosesSyncForGoodWithAReason(OutOfSync c) {
        byte[] key = keyFor(c.masked());
        byte[] good = frame(FIN | TEXT, key, "hi");
        byte[] stream = concat(good, c.bad(), frame(FIN | TEXT, key, "after"), frame(FIN | CLOSE, key, closePayload(1000, "")));
        String reason = c.reason() + " at byte " + (good.length + c.badFrameAt());

        assertScansAtEverySplit(stream, c.masked());

        FrameScanner whole = new FrameScanner(c.masked());
        scan(whole, stream, 0, good.length);
        assertTrue(whole.inSync());
        scan(whole, stream, good.length, stream.length);
        FrameScanner byByte = new FrameScanner(c.masked());
        for (int i = 0; i < stream.length; i++) {
            scan(byByte, stream, i, i + 1);
        }
        for (FrameScanner scanner : List.of(whole, byByte)) {
            assertFalse(scanner.inSync());
            assertEquals(reason, scanner.syncLostReason());
            assertEquals(1, scanner.messages());
            assertEquals(0, scanner.controlFrames());
            assertEquals(FrameScanner.NO_CLOSE, scanner.closeCode());
            assertFalse(scanner.atFrameBoundary());
            assertEquals(-1, scanner.bytesToBoundary());
            assertEquals(stream.length, scanner.bytesScanned());
        }
    }

    // A fresh scanner is at a boundary, in sync, with nothing counted.
    @Test
    void freshScannerIsAtABoundary() {
        FrameScanner scanner = new FrameScanner(true);
        scanner.scan(ByteBuffer.allocate(0));
        assertTrue(scanner.atFrameBoundary());
        assertEquals(0, scanner.bytesToBoundary());
        assertTrue(scanner.inSync());
        assertNull(scanner.syncLostReason());
        assertEquals(FrameScanner.NO_CLOSE, scanner.closeCode());
        assertEquals(0, scanner.messages());
    }

    /**
     * Feeds the stream cut in two at every index, then one byte per call, checking the scanner
     * against the reference parse at every cut and at the end; the stream's bytes must be untouched.
     */
    static void assertScansAtEverySplit(byte[] stream, boolean masked) {
        ReferenceParse reference = ReferenceParse.of(stream, masked);
        byte[] pristine = stream.clone();
        for (int i = 0; i <= stream.length; i++) {
            int cut = i;
            FrameScanner scanner = new FrameScanner(masked);
            scan(scanner, stream, 0, cut);
            reference.assertScannerAt(scanner, cut, () -> "split at " + cut + ", masked=" + masked);
            scan(scanner, stream, cut, stream.length);
            reference.assertScannerAt(scanner, stream.length, () -> "split at " + cut + ", masked=" + masked);
        }
        FrameScanner byByte = new FrameScanner(masked);
        for (int i = 0; i < stream.length; i++) {
            scan(byByte, stream, i, i + 1);
            reference.assertScannerAt(byByte, i + 1, () -> "byte by byte, masked=" + masked);
        }
        assertArrayEquals(pristine, stream, "the scanner changed a byte");
    }

    /** Scans {@code stream[from, to)} as a buffer positioned at {@code from}; position and limit must stay put. */
    static void scan(FrameScanner scanner, byte[] stream, int from, int to) {
        ByteBuffer buffer = ByteBuffer.wrap(stream, from, to - from);
        scanner.scan(buffer);
        assertEquals(from, buffer.position(), "position moved");
        assertEquals(to, buffer.limit(), "limit moved");
    }
}
