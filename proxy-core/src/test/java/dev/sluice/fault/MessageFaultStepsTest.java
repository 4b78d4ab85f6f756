package dev.sluice.fault;

import dev.sluice.config.FaultConfig;
import dev.sluice.ws.Direction;
import dev.sluice.ws.FrameScanner;
import dev.sluice.ws.OpenTunnel;
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
                byte[] out = run(new DropMessages(fault, context(direction, null)), frames, random);

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
                byte[] out = run(new DuplicateMessages(fault, context(direction, null)), frames, random);

                assertArrayEquals(expected(frames, 0, true), out, "seed " + seed + " " + direction);
                assertEquals(3, fault.acted());
            }
        }
    }

    // A message fault switched on at a random point of a random stream (inside a header, a
    // payload, a fragmented message) starts at the next message boundary: what the peer gets is
    // the stream with the frames of exactly the next three messages that begin after that point
    // removed (or repeated), and every other byte unchanged.
    @Test
    void aMessageFaultAddedMidStreamStartsAtTheNextMessage() {
        for (int seed = 0; seed < SEEDS; seed++) {
            for (Direction direction : Direction.values()) {
                for (boolean duplicate : new boolean[] {false, true}) {
                    SplittableRandom random = new SplittableRandom(seed);
                    List<Frame> frames = new ArrayList<>(stream(random, direction.masked()));
                    int messages = countMessages(frames);
                    long switchAt = random.nextLong(startOf(frames, messages - 1) + 1);
                    for (int m = messages; m < messages + 3; m++) { // so that three whole messages always follow
                        frames.add(new Frame(frame(random, true, 0x2, size(random), direction.masked()), m, true));
                    }
                    Faults faults = new Faults(List::of, () -> List.of("/"));
                    FaultConfig config = duplicate ? FaultConfig.duplicateMessages(3) : FaultConfig.dropMessages(3);
                    FrameScanner scanner = new FrameScanner(direction.masked());
                    List<String> marks = new ArrayList<>();
                    FaultChain chain = new FaultChain(faults, context(direction, scanner, marks), new TunnelRolls());
                    byte[] out = runChain(chain, scanner, frames, random, switchAt, () -> faults.add(config));

                    String where = "seed " + seed + " " + direction + (duplicate ? " duplicate" : " drop") + " from byte " + switchAt;
                    int first = firstMessageFrom(frames, switchAt);
                    assertArrayEquals(expected(frames, first, duplicate), out, where);
                    assertEquals(3, faults.list().get(0).acted(), where);
                    assertEquals(expectedMarks(frames, first, duplicate), marks, where + ": the sender's numbers, from 1");
                }
            }
        }
    }

    /** The first message whose first frame begins at or after stream offset {@code from}. */
    private static int firstMessageFrom(List<Frame> frames, long from) {
        long at = 0;
        int last = -1;
        for (Frame f : frames) {
            if (f.message() >= 0 && f.message() != last && at >= from) {
                return f.message();
            }
            if (f.message() >= 0) {
                last = f.message();
            }
            at += f.bytes().length;
        }
        throw new AssertionError("no message after byte " + from);
    }

    /**
     * The stream with messages {@code first} to {@code first + 2} dropped, or repeated right after
     * their last frame (but for one over {@link DuplicateMessages#MAX_COPY} bytes, which passes once).
     */
    private static byte[] expected(List<Frame> frames, int first, boolean duplicate) {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        for (Frame f : frames) {
            boolean chosen = f.message() >= first && f.message() < first + 3;
            if (!chosen || duplicate) {
                expected.writeBytes(f.bytes());
            }
            if (chosen && duplicate) {
                copy.writeBytes(f.bytes());
                if (f.last()) {
                    if (copy.size() <= DuplicateMessages.MAX_COPY) {
                        expected.writeBytes(copy.toByteArray());
                    }
                    copy.reset();
                }
            }
        }
        return expected.toByteArray();
    }

    /** The marks the recording gets for messages {@code first} to {@code first + 2}: numbered from 1, a message too large to repeat unmarked. */
    private static List<String> expectedMarks(List<Frame> frames, int first, boolean duplicate) {
        List<String> marks = new ArrayList<>();
        for (int m = first; m < first + 3; m++) {
            int message = m;
            int size = frames.stream().filter(f -> f.message() == message).mapToInt(f -> f.bytes().length).sum();
            if (!duplicate || size <= DuplicateMessages.MAX_COPY) {
                marks.add("message " + (m + 1) + (duplicate ? " duplicated" : " dropped"));
            }
        }
        return marks;
    }

    private static int countMessages(List<Frame> frames) {
        return (int) frames.stream().mapToInt(Frame::message).filter(m -> m >= 0).distinct().count();
    }

    /** The stream offset of the first frame of message {@code message}. */
    private static long startOf(List<Frame> frames, int message) {
        long at = 0;
        for (Frame f : frames) {
            if (f.message() == message) {
                return at;
            }
            at += f.bytes().length;
        }
        return at;
    }

    /**
     * As a pump does: each random read is scanned, then given to the chain; {@code switchOn}
     * runs between the reads around {@code switchAt} (the read that holds it is cut there).
     */
    private static byte[] runChain(FaultChain chain, FrameScanner scanner, List<Frame> frames, SplittableRandom random,
                                   long switchAt, Runnable switchOn) {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        frames.forEach(f -> in.writeBytes(f.bytes()));
        byte[] all = in.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean switched = false;
        for (int at = 0; at < all.length; ) {
            if (!switched && at >= switchAt) {
                switchOn.run();
                switched = true;
            }
            int n = Math.min(all.length - at, 1 + random.nextInt(random.nextBoolean() ? 16 : 20_000));
            if (!switched && at + n > switchAt) {
                n = (int) (switchAt - at);
            }
            ByteBuffer buffer = ByteBuffer.allocate(n + 8).position(4).limit(4 + n);
            buffer.duplicate().put(all, at, n);
            scanner.scan(buffer);
            chain.onBytes(buffer, bytes -> {
                byte[] passed = new byte[bytes.remaining()];
                bytes.duplicate().get(passed);
                out.writeBytes(passed);
            });
            at += n;
        }
        return out.toByteArray();
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

    /** The step's seam to its tunnel: the direction, the direction's scanner, and a tunnel on route "/". */
    private static StageContext context(Direction direction, FrameScanner scanner) {
        return context(direction, scanner, new ArrayList<>());
    }

    /** As above; what the steps mark for the recording goes to {@code marks}, e.g. "message 4 dropped". */
    private static StageContext context(Direction direction, FrameScanner scanner, List<String> marks) {
        return new StageContext() {
            @Override
            public void markMessage(boolean control, long number, String fault, String effect) {
                marks.add((control ? "control " : "message ") + number + " " + effect);
            }

            @Override
            public Direction direction() {
                return direction;
            }

            @Override
            public FrameScanner scanner() {
                return scanner;
            }

            @Override
            public OpenTunnel tunnel() {
                return new OpenTunnel() {
                    @Override
                    public long id() {
                        return 1;
                    }

                    @Override
                    public String route() {
                        return "/";
                    }

                    @Override
                    public void close(int code, String reason, String why) {
                        throw new UnsupportedOperationException();
                    }

                    @Override
                    public void reset(String reason, Duration after) {
                        throw new UnsupportedOperationException();
                    }
                };
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
