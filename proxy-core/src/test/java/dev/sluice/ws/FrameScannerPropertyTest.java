package dev.sluice.ws;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static dev.sluice.ws.TestFrames.BINARY;
import static dev.sluice.ws.TestFrames.CLOSE;
import static dev.sluice.ws.TestFrames.CONTINUATION;
import static dev.sluice.ws.TestFrames.FIN;
import static dev.sluice.ws.TestFrames.PING;
import static dev.sluice.ws.TestFrames.PONG;
import static dev.sluice.ws.TestFrames.RSV1;
import static dev.sluice.ws.TestFrames.TEXT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties of the frame scanner over random streams cut into random chunks: after every chunk
 * it reports exactly what {@link ReferenceParse} says of that prefix of the whole stream, and no
 * input makes it throw.
 *
 * <p>Each run draws a fresh base seed; a failure names the seed of the failing case. Replay it
 * alone with {@code -Dsluice.frameScanner.seed=<seed> -Dsluice.frameScanner.tries=1}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FrameScannerPropertyTest {
    private static final long BASE_SEED = Long.getLong("sluice.frameScanner.seed", new SplittableRandom().nextLong());
    private static final int TRIES = Integer.getInteger("sluice.frameScanner.tries", 300);

    /** A generated stream and how it was made, for the failure message. */
    record Generated(boolean masked, byte[] bytes, List<String> frames) {
    }

    // Random valid streams (data frames in a valid fragment sequence, control frames between them,
    // lengths biased to the 125/126/65535/65536 edges, masked per direction) in random chunks: the
    // scanner stays in sync and agrees with the reference on counts, close code and boundaries
    // after every chunk; the reference itself finds the frames that were generated.
    @Test
    void validStreamsScanLikeTheReferenceParse() {
        forEachCase((random, seed) -> {
            Generated stream = validStream(random);
            ReferenceParse reference = ReferenceParse.of(stream.bytes(), stream.masked());
            Supplier<String> context = () -> "seed " + seed + ", masked=" + stream.masked() + ", " + stream.frames();
            assertTrue(reference.keepsFraming(), context);
            assertEquals(stream.frames().size(), reference.frames().size(), context);
            scanInChunks(random, stream.bytes(), stream.masked(), reference, context);
        });
    }

    // The same valid streams with one to three bytes overwritten at random: whatever the damage,
    // the scanner agrees with the reference, including where it loses sync and on which frame.
    @Test
    void corruptedStreamsScanLikeTheReferenceParse() {
        forEachCase((random, seed) -> {
            Generated stream = validStream(random);
            byte[] bytes = stream.bytes();
            List<ReferenceParse.Frame> frames = ReferenceParse.of(bytes, stream.masked()).frames();
            List<String> damage = new ArrayList<>();
            for (int n = frames.isEmpty() ? 0 : 1 + random.nextInt(3); n > 0; n--) {
                // Half the time inside a header, where damage changes the framing; else anywhere.
                ReferenceParse.Frame frame = frames.get(random.nextInt(frames.size()));
                int at = random.nextBoolean()
                        ? (int) (frame.start() + random.nextInt((int) (frame.headerEnd() - frame.start())))
                        : random.nextInt(bytes.length);
                bytes[at] = (byte) random.nextInt(256);
                damage.add(at + "=" + (bytes[at] & 0xFF));
            }
            ReferenceParse reference = ReferenceParse.of(bytes, stream.masked());
            scanInChunks(random, bytes, stream.masked(), reference,
                    () -> "seed " + seed + ", masked=" + stream.masked() + ", " + stream.frames() + ", overwritten " + damage);
        });
    }

    // Garbage (uniform bytes, or bytes that look like frame headers) in either direction never
    // makes the scanner throw, and it agrees with the reference on everything it reports.
    @Test
    void garbageNeverThrowsAndScansLikeTheReferenceParse() {
        forEachCase((random, seed) -> {
            boolean masked = random.nextBoolean();
            byte[] bytes = garbage(random);
            ReferenceParse reference = ReferenceParse.of(bytes, masked);
            scanInChunks(random, bytes, masked, reference, () -> "seed " + seed + ", masked=" + masked + ", " + bytes.length + " bytes");
        });
    }

    private interface Case {
        void run(SplittableRandom random, long seed);
    }

    private static void forEachCase(Case test) {
        for (int i = 0; i < TRIES; i++) {
            long seed = BASE_SEED + i * 0x9E3779B97F4A7C15L;
            test.run(new SplittableRandom(seed), seed);
        }
    }

    /** Feeds the bytes in random chunks (heap or direct buffers) and checks the scanner after each. */
    private static void scanInChunks(SplittableRandom random, byte[] bytes, boolean masked, ReferenceParse reference,
                                     Supplier<String> context) {
        FrameScanner scanner = new FrameScanner(masked);
        int style = random.nextInt(3);
        boolean direct = random.nextBoolean();
        int at = 0;
        while (at < bytes.length) {
            int size = Math.min(bytes.length - at, chunkSize(random, style));
            ByteBuffer chunk = buffer(bytes, at, size, direct);
            int position = chunk.position();
            int limit = chunk.limit();
            scanner.scan(chunk);
            assertEquals(position, chunk.position(), context);
            assertEquals(limit, chunk.limit(), context);
            at += size;
            reference.assertScannerAt(scanner, at, context);
        }
        reference.assertScannerAt(scanner, bytes.length, context);
    }

    /** A buffer holding {@code bytes[at, at+size)} between position and limit, with a random slack before and after. */
    private static ByteBuffer buffer(byte[] bytes, int at, int size, boolean direct) {
        int before = size % 7;
        ByteBuffer buffer = direct ? ByteBuffer.allocateDirect(before + size + 3) : ByteBuffer.allocate(before + size + 3);
        buffer.position(before);
        buffer.put(bytes, at, size);
        buffer.limit(before + size).position(before);
        return buffer;
    }

    /** Chunk sizes: mostly tiny, mixed, or mostly large, so header splits and whole-frame reads both occur. */
    private static int chunkSize(SplittableRandom random, int style) {
        return switch (style) {
            case 0 -> 1 + random.nextInt(16);
            case 1 -> switch (random.nextInt(3)) {
                case 0 -> 1 + random.nextInt(4);
                case 1 -> 1 + random.nextInt(300);
                default -> 1 + random.nextInt(70_000);
            };
            default -> 1 + random.nextInt(70_000);
        };
    }

    /** Up to twelve frames forming a valid sequence for one direction; the last message may be left unfinished. */
    static Generated validStream(SplittableRandom random) {
        boolean masked = random.nextBoolean();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> frames = new ArrayList<>();
        boolean fragmented = false;
        for (int n = random.nextInt(13); n > 0; n--) {
            int firstByte;
            int length;
            if (random.nextInt(10) < 6) {
                int opcode = fragmented ? CONTINUATION : random.nextBoolean() ? TEXT : BINARY;
                boolean fin = random.nextInt(3) > 0;
                boolean compressed = opcode != CONTINUATION && random.nextInt(4) == 0;
                firstByte = (fin ? FIN : 0) | (compressed ? RSV1 : 0) | opcode;
                length = dataLength(random);
                fragmented = !fin;
            } else {
                int[] controls = {CLOSE, PING, PONG};
                firstByte = FIN | controls[random.nextInt(3)];
                length = random.nextInt(3) == 0 ? new int[]{0, 1, 2, 125}[random.nextInt(4)] : random.nextInt(126);
            }
            byte[] payload = new byte[length];
            random.nextBytes(payload);
            byte[] key = null;
            if (masked) {
                key = new byte[4];
                random.nextBytes(key);
            }
            out.writeBytes(TestFrames.frame(firstByte, key, payload));
            frames.add(String.format("%02x/%d", firstByte, length));
        }
        return new Generated(masked, out.toByteArray(), frames);
    }

    /** Payload lengths biased to the edges of the 7-, 16- and 64-bit encodings. */
    private static int dataLength(SplittableRandom random) {
        int pick = random.nextInt(10);
        if (pick < 3) {
            return new int[]{0, 1, 125, 126, 127}[random.nextInt(5)];
        }
        if (pick == 3) {
            return new int[]{65535, 65536, 65537}[random.nextInt(3)];
        }
        if (pick == 9) {
            return random.nextInt(70_000);
        }
        return random.nextInt(300);
    }

    /** Up to 2,000 bytes: uniform, or drawn mostly from bytes that start or size frames. */
    private static byte[] garbage(SplittableRandom random) {
        byte[] bytes = new byte[random.nextInt(2001)];
        boolean headerLike = random.nextBoolean();
        int[] likely = {0x00, 0x01, 0x02, 0x08, 0x09, 0x0A, 0x80, 0x81, 0x82, 0x88, 0x89, 0x8A, 0xC1,
                0x7D, 0x7E, 0x7F, 0xFD, 0xFE, 0xFF};
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (headerLike && random.nextInt(4) > 0 ? likely[random.nextInt(likely.length)] : random.nextInt(256));
        }
        return bytes;
    }
}
