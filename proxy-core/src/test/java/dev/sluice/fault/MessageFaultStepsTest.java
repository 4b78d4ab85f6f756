package dev.sluice.fault;

import dev.sluice.config.FaultConfig;
import dev.sluice.tunnel.Tunnel;
import dev.sluice.ws.Direction;
import dev.sluice.ws.StageContext;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Seeded property tests of the message faults on their own: random messages (sizes from empty
 * to 64-bit lengths, up to four fragments, pings between fragments, masked or not) cut into
 * random reads. Whatever the cuts, the step's output is the input with exactly the chosen
 * messages' frames removed or repeated, every other byte unchanged.
 */
class MessageFaultStepsTest {
    private static final int SEEDS = 200;

    /** One frame of the generated stream, and the data message it belongs to (-1 for a control frame). */
    private record Frame(byte[] bytes, int message, boolean last) {
    }

    @Test
    void droppingTheFirstMessagesRemovesExactlyTheirFrames() {
        for (int seed = 0; seed < SEEDS; seed++) {
            for (Direction direction : Direction.values()) {
                SplittableRandom random = new SplittableRandom(seed);
                List<Frame> frames = stream(random, direction.masked());
                ActiveFault fault = new ActiveFault("drop", FaultConfig.dropMessages(3), false);
                byte[] out = run(new DropMessages(fault, context(direction)), frames, random);

                ByteArrayOutputStream expected = new ByteArrayOutputStream();
                frames.stream().filter(f -> f.message() < 0 || f.message() >= 3).forEach(f -> expected.writeBytes(f.bytes()));
                assertArrayEquals(expected.toByteArray(), out, "seed " + seed + " " + direction);
                assertEquals(3, fault.acted());
            }
        }
    }

    @Test
    void duplicatingTheFirstMessagesRepeatsTheirFramesRightAfterThem() {
        for (int seed = 0; seed < SEEDS; seed++) {
            for (Direction direction : Direction.values()) {
                SplittableRandom random = new SplittableRandom(seed);
                List<Frame> frames = stream(random, direction.masked());
                ActiveFault fault = new ActiveFault("dup", FaultConfig.duplicateMessages(3), false);
                byte[] out = run(new DuplicateMessages(fault, context(direction)), frames, random);

                ByteArrayOutputStream expected = new ByteArrayOutputStream();
                ByteArrayOutputStream copy = new ByteArrayOutputStream();
                for (Frame f : frames) {
                    expected.writeBytes(f.bytes());
                    if (f.message() >= 0 && f.message() < 3) {
                        copy.writeBytes(f.bytes());
                        if (f.last()) {
                            expected.writeBytes(copy.toByteArray());
                            copy.reset();
                        }
                    }
                }
                assertArrayEquals(expected.toByteArray(), out, "seed " + seed + " " + direction);
                assertEquals(3, fault.acted());
            }
        }
    }

    /** Feeds the frames to the step in random cuts and collects what it passes on, in order. */
    private static byte[] run(FaultStep step, List<Frame> frames, SplittableRandom random) {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        frames.forEach(f -> in.writeBytes(f.bytes()));
        byte[] all = in.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int at = 0; at < all.length; ) {
            int n = Math.min(all.length - at, 1 + random.nextInt(random.nextBoolean() ? 16 : 20_000));
            // a pump's buffer: the bytes between position and limit of a larger array
            ByteBuffer buffer = ByteBuffer.allocate(n + 8).position(4).limit(4 + n);
            buffer.duplicate().put(all, at, n);
            step.onBytes(buffer, bytes -> {
                byte[] passed = new byte[bytes.remaining()];
                bytes.duplicate().get(passed);
                out.writeBytes(passed);
            });
            at += n;
        }
        return out.toByteArray();
    }

    private static List<Frame> stream(SplittableRandom random, boolean masked) {
        List<Frame> frames = new ArrayList<>();
        int messages = 5 + random.nextInt(20);
        for (int m = 0; m < messages; m++) {
            int fragments = 1 + random.nextInt(4);
            int opcode = random.nextBoolean() ? 0x1 : 0x2;
            for (int f = 0; f < fragments; f++) {
                boolean last = f == fragments - 1;
                frames.add(new Frame(frame(random, last, f == 0 ? opcode : 0x0, size(random), masked), m, last));
                if (!last && random.nextInt(3) == 0) {
                    frames.add(new Frame(frame(random, true, 0x9, random.nextInt(126), masked), -1, true));
                }
            }
            if (random.nextInt(4) == 0) {
                frames.add(new Frame(frame(random, true, 0xA, random.nextInt(20), masked), -1, true));
            }
        }
        return frames;
    }

    private static int size(SplittableRandom random) {
        return switch (random.nextInt(10)) {
            case 0 -> 0;
            case 1 -> 126 + random.nextInt(1000);
            case 2 -> 65_536 + random.nextInt(5000);
            default -> random.nextInt(126);
        };
    }

    private static byte[] frame(SplittableRandom random, boolean fin, int opcode, int length, boolean masked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((fin ? 0x80 : 0) | opcode);
        int maskBit = masked ? 0x80 : 0;
        if (length < 126) {
            out.write(maskBit | length);
        } else if (length < 65_536) {
            out.write(maskBit | 126);
            out.write(length >>> 8);
            out.write(length);
        } else {
            out.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) length >>> shift));
            }
        }
        if (masked) {
            for (int i = 0; i < 4; i++) {
                out.write(random.nextInt(256));
            }
        }
        for (int i = 0; i < length; i++) {
            out.write(random.nextInt(256));
        }
        return out.toByteArray();
    }

    /** The step's seam to its tunnel: only the direction is used by these steps. */
    private static StageContext context(Direction direction) {
        return new StageContext() {
            @Override
            public Direction direction() {
                return direction;
            }

            @Override
            public Tunnel tunnel() {
                throw new UnsupportedOperationException();
            }

            @Override
            public void schedule(Runnable task, long delayNanos) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void closeAfterWritten(String reason) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void reset(String reason, Duration after) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void close(int code, String reason, String why) {
                throw new UnsupportedOperationException();
            }
        };
    }
}
