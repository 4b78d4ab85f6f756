package dev.sluice.runtime;

import org.junit.jupiter.api.Test;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.ReadReadyHandler;
import org.xnio.conduits.StreamSourceConduit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ResponseHeadGuard} on its own, over a source that hands out bytes in random pieces
 * (and sometimes none) and a reader that reads into random-sized buffers: what the reader gets
 * for each request must be exactly the answer Undertow should see, the interim heads gone and
 * a 204's or 304's framing fields removed, whatever the cuts.
 */
class ResponseHeadGuardTest {
    private static final long SEED = Long.getLong("guard.seed", 20_261_204L);
    private static final int RUNS = Integer.getInteger("guard.runs", 300);

    @Test
    void eachRequestGetsExactlyItsAnswerHoweverTheBytesAreCut() {
        Random random = new Random(SEED);
        for (int run = 0; run < RUNS; run++) {
            Source source = new Source(random);
            List<Integer> stray = new ArrayList<>();
            ResponseHeadGuard guard = new ResponseHeadGuard(source, stray::add);
            int requests = 1 + random.nextInt(6);
            for (int r = 0; r < requests; r++) {
                Answer answer = answer(random);
                long token = guard.requestSent();
                source.add(answer.wire);
                byte[] got = readExactly(guard, answer.seen.length, random);
                assertArrayEquals(answer.seen, got, "seed " + SEED + " run " + run + " request " + r + ": sent\n"
                        + text(answer.wire) + "\nexpected\n" + text(answer.seen) + "\ngot\n" + text(got));
                guard.exchangeOver(token);
            }
            assertEquals(List.of(), stray, "seed " + SEED + " run " + run);
        }
    }

    // Undertow's client pushes back what follows the head in its buffer and wakes its read
    // listener, which then reads the socket for nothing once the body has been taken. So the head
    // comes alone, and the body, held, on the next read: one read of the socket for both.
    @Test
    void anAnswerWhoseBodyCameWithItsHeadIsGivenHeadFirstThenBodyFromOneSocketRead() throws Exception {
        Source source = new Source(null);
        ResponseHeadGuard guard = new ResponseHeadGuard(source, bytes -> { });
        guard.requestSent();
        String head = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
        source.add(ascii(head + "hello"));
        ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);

        assertEquals(head.length(), guard.read(buffer));
        assertEquals(5, guard.read(buffer));
        assertEquals(head + "hello", new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII));
        assertEquals(1, source.reads, "the body came from the guard, not from another read of the socket");
    }

    @Test
    void bytesWithNoRequestOutstandingCloseTheConnectionAndReachNoReader() throws Exception {
        Source source = new Source(new Random(1));
        List<Integer> stray = new ArrayList<>();
        boolean[] closed = {false};
        ResponseHeadGuard guard = new ResponseHeadGuard(source, bytes -> {
            closed[0] = true;
            stray.add(bytes);
        });
        long token = guard.requestSent();
        byte[] answer = ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        source.add(answer);
        assertArrayEquals(answer, readExactly(guard, answer.length, new Random(2)));
        guard.exchangeOver(token);

        source.add(ascii("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstray"));
        int read;
        ByteBuffer buffer = ByteBuffer.allocate(100);
        do {
            read = guard.read(buffer);
        } while (read == 0);

        assertEquals(-1, read);
        assertEquals(0, buffer.position());
        assertTrue(closed[0]);
        assertEquals(1, stray.size());
    }

    @Test
    void anInterimHeadLongerThanTheLimitBreaksTheConnection() {
        Source source = new Source(new Random(3));
        ResponseHeadGuard guard = new ResponseHeadGuard(source, bytes -> { });
        guard.requestSent();
        source.add(ascii("HTTP/1.1 103 Early Hints\r\nLink: " + "x".repeat(ResponseHeadGuard.MAX_HEAD) + "\r\n\r\n"));
        try {
            readExactly(guard, 1, new Random(4));
            throw new AssertionError("an over-long interim head was accepted");
        } catch (java.io.UncheckedIOException e) {
            assertTrue(e.getCause().getMessage().contains("103"), e.getCause().getMessage());
        }
    }

    /** What the upstream sends for one request, and what Undertow's parser should see of it. */
    private record Answer(byte[] wire, byte[] seen) {
    }

    private static Answer answer(Random random) {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        String eol = random.nextInt(8) == 0 ? "\n" : "\r\n";
        // Now and then a flood of interim heads, more than the guard examines in one read.
        for (int i = random.nextInt(10) == 0 ? 40 + random.nextInt(60) : random.nextInt(4); i > 0; i--) {
            int status = random.nextInt(3) == 0 ? 100 : random.nextBoolean() ? 102 : 103;
            String head = "HTTP/1.1 " + status + " Interim" + eol + headers(random, eol) + eol;
            wire.writeBytes(ascii(head));
            if (status == 100) {
                seen.writeBytes(ascii(head));
            }
        }
        int kind = random.nextInt(4);
        if (kind == 0 || kind == 1) {
            String body = "body-" + "b".repeat(random.nextInt(3000));
            String head = "HTTP/1.1 200 OK" + eol + headers(random, eol) + "Content-Length: " + body.length() + eol + eol;
            wire.writeBytes(ascii(head + body));
            seen.writeBytes(ascii(head + body));
        } else {
            int status = kind == 2 ? 204 : 304;
            String kept = headers(random, eol);
            String head = "HTTP/1.1 " + status + " No Body" + eol + kept + "content-LENGTH: 5" + eol
                    + (random.nextBoolean() ? "Transfer-Encoding: chunked" + eol : "") + kept + eol;
            wire.writeBytes(ascii(head));
            seen.writeBytes(ascii("HTTP/1.1 " + status + " No Body" + eol + kept + kept + eol));
        }
        return new Answer(wire.toByteArray(), seen.toByteArray());
    }

    private static String headers(Random random, String eol) {
        StringBuilder headers = new StringBuilder();
        for (int i = random.nextInt(4); i > 0; i--) {
            headers.append("X-H").append(i).append(": ").append("v".repeat(random.nextInt(40))).append(eol);
        }
        return headers.toString();
    }

    private static byte[] readExactly(ResponseHeadGuard guard, int length, Random random) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        int idle = 0;
        while (got.size() < length) {
            ByteBuffer buffer = ByteBuffer.allocate(1 + random.nextInt(64));
            int n;
            try {
                n = guard.read(buffer);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            if (n < 0) {
                throw new AssertionError("end of stream after " + got.size() + " of " + length + " bytes");
            }
            idle = n == 0 ? idle + 1 : 0;
            if (idle > 10_000) {
                throw new AssertionError("no progress after " + got.size() + " of " + length + " bytes");
            }
            got.write(buffer.array(), 0, buffer.position());
        }
        return got.toByteArray();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n\n");
    }

    /** A connection's bytes as the socket hands them out: in random pieces, sometimes none yet. */
    private static final class Source implements StreamSourceConduit {
        /** Null: every read takes all there is, as a socket's does when the reader's buffer is big enough. */
        private final Random random;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private int taken;
        int reads;

        Source(Random random) {
            this.random = random;
        }

        void add(byte[] bytes) {
            pending.writeBytes(bytes);
        }

        @Override
        public int read(ByteBuffer dst) {
            reads++;
            byte[] all = pending.toByteArray();
            int available = all.length - taken;
            if (available == 0 || random != null && random.nextInt(4) == 0) {
                return 0;
            }
            int n = Math.min(dst.remaining(), random == null ? available : 1 + random.nextInt(Math.min(available, 200)));
            dst.put(all, taken, n);
            taken += n;
            return n;
        }

        @Override
        public long read(ByteBuffer[] dsts, int offs, int len) {
            return read(dsts[offs]);
        }

        @Override
        public long transferTo(long position, long count, FileChannel target) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void terminateReads() {
        }

        @Override
        public boolean isReadShutdown() {
            return false;
        }

        @Override
        public void resumeReads() {
        }

        @Override
        public void suspendReads() {
        }

        @Override
        public void wakeupReads() {
        }

        @Override
        public boolean isReadResumed() {
            return true;
        }

        @Override
        public void awaitReadable() {
        }

        @Override
        public void awaitReadable(long time, TimeUnit timeUnit) {
        }

        @Override
        public XnioIoThread getReadThread() {
            return null;
        }

        @Override
        public void setReadReadyHandler(ReadReadyHandler handler) {
        }

        @Override
        public XnioWorker getWorker() {
            return null;
        }
    }
}
