package dev.sluice.tunnel;

import dev.sluice.record.MessageLog;
import dev.sluice.record.Recording;
import dev.sluice.record.WsMessage;
import dev.sluice.ws.Direction;
import dev.sluice.ws.TestFrames;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static dev.sluice.ws.TestFrames.BINARY;
import static dev.sluice.ws.TestFrames.CLOSE;
import static dev.sluice.ws.TestFrames.CONTINUATION;
import static dev.sluice.ws.TestFrames.FIN;
import static dev.sluice.ws.TestFrames.PING;
import static dev.sluice.ws.TestFrames.TEXT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The recording stage turns a direction's bytes into whole messages however the bytes are cut
 * into buffers, and passes every buffer on at once, the same buffer, untouched.
 */
class RecordingStageTest {
    /** A payload over 125 bytes, so its frame has a 16-bit length. */
    private static final byte[] LONG = randomBytes(300);

    /** Text, a binary message in two fragments with a ping between them, a 300-byte binary (16-bit length), a Close. */
    private static byte[] stream(boolean masked) {
        return TestFrames.concat(
                TestFrames.frame(FIN | TEXT, key(masked, 1), "hello"),
                TestFrames.frame(BINARY, key(masked, 2), new byte[]{1, 2, 3}),
                TestFrames.frame(FIN | PING, key(masked, 3), "p"),
                TestFrames.frame(FIN | CONTINUATION, key(masked, 4), new byte[]{4, 5, 6, 7}),
                TestFrames.frame(FIN | BINARY, key(masked, 5), LONG),
                TestFrames.frame(FIN | CLOSE, key(masked, 6), TestFrames.closePayload(1000, "bye")));
    }

    /** A different mask key per frame, none of whose bytes is zero, so unmasking with the wrong key or offset shows. */
    private static byte[] key(boolean masked, int frame) {
        return masked ? new byte[]{(byte) (0x11 * frame), 0x5a, (byte) (0x80 | frame), 0x3c} : null;
    }

    // Both directions, the stream cut into buffers of every size from 1 byte to all of it: always
    // the same five entries, fragments joined (length 7, opcode and time of the first fragment),
    // the ping on its own and before the message it interrupted, payloads unmasked.
    @Test
    void messagesAreTheSameHoweverTheBytesAreCut() {
        for (Direction direction : Direction.values()) {
            byte[] stream = stream(direction.masked());
            for (int size = 1; size <= stream.length; size++) {
                List<WsMessage> messages = record(direction, stream, size, 1000);
                String context = direction + ", buffers of " + size;
                assertEquals(5, messages.size(), context + ": " + messages);
                assertMessage(messages.get(0), direction, TEXT, "hello".getBytes(StandardCharsets.UTF_8), context);
                assertMessage(messages.get(1), direction, PING, "p".getBytes(StandardCharsets.UTF_8), context);
                assertMessage(messages.get(2), direction, BINARY, new byte[]{1, 2, 3, 4, 5, 6, 7}, context);
                assertMessage(messages.get(3), direction, BINARY, LONG, context);
                assertMessage(messages.get(4), direction, CLOSE, TestFrames.closePayload(1000, "bye"), context);
                assertFalse(messages.get(2).time().isAfter(messages.get(1).time()),
                        context + ": a message's time is its first fragment's, before the ping");
            }
        }
    }

    // With payloads cut at 4 bytes, each entry keeps its first 4 bytes (across the fragments of
    // the binary message) and its whole length; with payloads off none is kept.
    @Test
    void payloadsAreCutToTheLimitOrNotKept() {
        byte[] stream = stream(true);
        List<WsMessage> cut = record(Direction.TO_UPSTREAM, stream, 3, 4);
        assertArrayEquals("hell".getBytes(StandardCharsets.UTF_8), cut.get(0).payload());
        assertEquals(5, cut.get(0).length());
        assertTrue(cut.get(0).isCut());
        assertArrayEquals(new byte[]{1, 2, 3, 4}, cut.get(2).payload());
        assertEquals(7, cut.get(2).length());
        assertArrayEquals("p".getBytes(StandardCharsets.UTF_8), cut.get(1).payload());
        assertFalse(cut.get(1).isCut());

        List<WsMessage> none = record(Direction.TO_UPSTREAM, stream, 3, 0);
        assertEquals(5, none.size());
        none.forEach(m -> assertNull(m.payload(), m.toString()));
        assertEquals(300, none.get(3).length());
    }

    // Bytes that are not WebSocket framing (a reserved opcode) after one good message: that
    // message is recorded, nothing after it, and every byte still goes on unchanged.
    @Test
    void recordingStopsWhereTheFramingBreaks() {
        byte[] stream = TestFrames.concat(
                TestFrames.frame(FIN | TEXT, null, "ok"),
                TestFrames.frame(FIN | 0x3, null, "reserved"),
                TestFrames.frame(FIN | TEXT, null, "after"));
        List<WsMessage> messages = record(Direction.TO_CLIENT, stream, 5, 100);
        assertEquals(1, messages.size(), messages.toString());
        assertEquals("ok", messages.get(0).text());
    }

    /** Feeds the stream to a new stage in buffers of {@code size}; checks each buffer is passed on as it came. */
    private static List<WsMessage> record(Direction direction, byte[] stream, int size, int maxPayload) {
        MessageLog log = Recording.on(maxPayload).tunnelOpened(1);
        RecordingStage stage = new RecordingStage(direction, log);
        List<ByteBuffer> passed = new ArrayList<>();
        for (int at = 0; at < stream.length; at += size) {
            int end = Math.min(stream.length, at + size);
            // a buffer with bytes before and after the chunk, as a stage may get a view of a pooled buffer
            ByteBuffer buffer = ByteBuffer.allocate(stream.length + 2);
            buffer.put(stream).position(at).limit(end);
            byte[] before = buffer.array().clone();
            stage.onBytes(buffer, passed::add);
            assertEquals(1, passed.size(), "passed on at once");
            ByteBuffer out = passed.remove(0);
            assertSame(buffer, out);
            assertEquals(at, out.position());
            assertEquals(end, out.limit());
            assertTrue(Arrays.equals(before, out.array()), "bytes untouched");
        }
        return log.list();
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new Random(7).nextBytes(bytes);
        return bytes;
    }

    private static void assertMessage(WsMessage message, Direction direction, int opcode, byte[] payload, String context) {
        assertEquals(direction, message.direction(), context);
        assertEquals(opcode, message.opcode(), context);
        assertEquals(payload.length, message.length(), context);
        assertArrayEquals(payload, message.payload(), context + ": " + message);
    }
}
