package dev.sluice.runtime;

import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.ConduitReadableByteChannel;
import org.xnio.conduits.Conduits;
import org.xnio.conduits.StreamSourceConduit;
import org.xnio.channels.StreamSinkChannel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * Sits under Undertow's HTTP client on every upstream connection and fixes the three things its
 * response parser (Undertow 2.4) gets wrong, each of which would leave an answer on a pooled
 * connection for the next request, another client's, to receive:
 * <ul>
 * <li>Undertow takes every 1xx but 100 for the final answer (an interim {@code 103 Early Hints}
 *     or {@code 102 Processing} completes the exchange, and the real answer stays unread). Here
 *     an interim head is removed whole; 100 (Undertow's own Expect handling) and 101 pass.</li>
 * <li>Undertow reads a body after a 204 or 304 that carries {@code Content-Length} (RFC 9110
 *     §8.6, §15.4.5: they never have one) and waits for bytes that never come. Here the framing
 *     fields of such a head are removed, so that Undertow frames it as empty.</li>
 * <li>Bytes that arrive while no request is outstanding answer nothing Sluice asked: the
 *     connection is closed and the event reported, instead of reaching Undertow's client,
 *     which has no request to pair them with.</li>
 * </ul>
 * This is the one place where Sluice reads HTTP framing itself: only the status line's first
 * 12 bytes of each response head and, for the heads it removes or edits, where the head
 * ends. Everything else passes to Undertow's parser untouched. Undertow offers no hook for any
 * of this, so the guard is a conduit, installed when the connection is made
 * ({@link GuardedHttpClientProvider}) and told by {@link NotingConnection} when a request goes
 * out and when its exchange is over.
 */
final class ResponseHeadGuard extends AbstractStreamSourceConduit<StreamSourceConduit> {
    /** Longest head removed or edited here; a longer one breaks the connection (the request gets a 502). */
    static final int MAX_HEAD = 64 * 1024;
    /** {@code HTTP/1.1 103}: enough to tell an interim or bodiless answer from any other. */
    private static final int STATUS_PREFIX = 12;
    private static final byte[] NO_BYTES = new byte[0];
    /** Rounds of examining and reading held heads in one read at most; then other connections on the thread get a turn. */
    private static final int ROUNDS_PER_READ = 32;

    /** Told when bytes arrive that no request asked for; the connection is closed right after. */
    interface StrayBytes {
        void arrived(int bytes);
    }

    private enum State {
        /** No request outstanding: any byte is stray. */
        IDLE,
        /** A response head is due: its first bytes decide what happens to it. */
        HEAD,
        /** The answer's head has passed: everything passes until the next request. */
        PASS,
        /** A 101 passed: the connection is someone else's protocol now, for good. */
        SWITCHED
    }

    private final Runnable close;
    private final StrayBytes stray;
    private State state = State.IDLE;
    private long requests;
    /** Bytes of the head being examined or collected: [0, held). */
    private byte[] head = NO_BYTES;
    private int held;
    /** Bytes ready for the reader, taken before anything new: [outStart, outEnd). */
    private byte[] out = NO_BYTES;
    private int outStart;
    private int outEnd;
    private boolean eof;
    /** Heads are still held to be examined: the reader must come back even if the socket stays quiet. */
    private boolean backlog;
    private final byte[] prefix = new byte[STATUS_PREFIX];

    /**
     * @param close closes the connection under this conduit, at once
     * @param stray told when bytes arrive with no request outstanding
     */
    ResponseHeadGuard(StreamSourceConduit next, Runnable close, StrayBytes stray) {
        super(next);
        this.close = close;
        this.stray = stray;
    }

    /** A request is going out: the next bytes are its answer's head. @return a token for {@link #exchangeOver} */
    long requestSent() {
        if (state != State.SWITCHED) {
            state = State.HEAD;
        }
        return ++requests;
    }

    /** The exchange of the request that {@code token} names is over; unless another went out since, nothing is due. */
    void exchangeOver(long token) {
        if (token == requests && state != State.SWITCHED) {
            state = State.IDLE;
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (state == State.PASS && outStart == outEnd || state == State.SWITCHED && outStart == outEnd) {
            return next.read(dst);
        }
        int given = give(dst);
        if (!dst.hasRemaining()) {
            return given;
        }
        if (eof) {
            return given > 0 ? given : -1;
        }
        if (state == State.PASS || state == State.SWITCHED) {
            int n = next.read(dst);
            eof = n == -1;
            return given > 0 ? given + Math.max(n, 0) : n;
        }
        if (state == State.IDLE) {
            return given > 0 ? given : readStray(dst);
        }
        int n = readHead(dst);
        return given > 0 ? given + Math.max(n, 0) : n;
    }

    /** Reads what is due as a response head; returns how many bytes went to {@code dst} (-1 at the end). */
    private int readHead(ByteBuffer dst) throws IOException {
        int start = dst.position();
        if (held == 0) {
            int n = next.read(dst);
            if (n <= 0) {
                eof = n == -1;
                return n;
            }
            if (n >= STATUS_PREFIX && passesAsIs(dst, start)) {
                state = State.PASS; // the common case: an ordinary answer, never copied
                return n;
            }
            // Taken back from the reader's buffer and examined below.
            hold(dst, start, n);
        }
        int n = 0;
        int rounds = 0;
        backlog = false;
        while (state == State.HEAD) {
            if (held > 0 && ++rounds > ROUNDS_PER_READ) {
                // An upstream sending interim heads without end gets a turn, not the IO thread.
                backlog = true;
                next.wakeupReads();
                break;
            }
            if (!examine()) {
                ByteBuffer chunk = ByteBuffer.allocate(4096);
                n = next.read(chunk);
                if (n <= 0) {
                    if (n == -1) {
                        // A head cut off by the close: the reader sees the close, as Undertow's parser would.
                        eof = true;
                        held = 0;
                    }
                    break;
                }
                chunk.flip();
                hold(chunk, 0, n);
            }
        }
        int given = give(dst);
        if (given == 0 && eof) {
            return -1;
        }
        if (state != State.HEAD && dst.hasRemaining() && outStart == outEnd && !eof) {
            int more = next.read(dst);
            if (more == -1) {
                eof = true;
                return given > 0 ? given : -1;
            }
            given += more;
        }
        return given;
    }

    /**
     * Acts on the held bytes as far as they allow. False when more bytes are needed to decide,
     * true when a head was dealt with (the state says what comes next).
     */
    private boolean examine() throws IOException {
        int status = status(head, held);
        if (status == UNDECIDED) {
            return false;
        }
        if (passesAsIs(status)) {
            state = State.PASS;
            emit(head, 0, held);
            held = 0;
            return true;
        }
        int end = headEnd(head, held);
        if (end < 0) {
            if (held > MAX_HEAD) {
                throw new IOException("the upstream sent a " + status + " response head of over " + MAX_HEAD + " bytes");
            }
            return false;
        }
        if (status == 100) {
            emit(head, 0, end); // Undertow's own Expect: 100-continue handling; the answer is still due
        } else if (status == 101) {
            emit(head, 0, end);
            state = State.SWITCHED;
        } else if (status == 204 || status == 304) {
            emitWithoutFraming(end);
            state = State.PASS;
        }
        // Any other 1xx is interim: dropped, and the answer is still due.
        int rest = held - end;
        System.arraycopy(head, end, head, 0, rest);
        held = rest;
        if (state != State.HEAD) {
            emit(head, 0, held);
            held = 0;
        }
        return true;
    }

    /** Bytes that no request asked for: the connection is closed, and the reader sees its end. */
    private int readStray(ByteBuffer dst) throws IOException {
        int start = dst.position();
        int n = next.read(dst);
        if (n <= 0) {
            return n;
        }
        dst.position(start);
        eof = true;
        close.run();
        stray.arrived(n);
        return -1;
    }

    // ---- the status line's first bytes and the head's end

    static final int UNDECIDED = -1;
    static final int NOT_A_STATUS_LINE = -2;
    private static final byte[] HTTP_1 = {'H', 'T', 'T', 'P', '/', '1', '.'};

    /** The status code of a head starting {@code HTTP/1.x NNN}, or UNDECIDED, or NOT_A_STATUS_LINE. */
    static int status(byte[] bytes, int length) {
        int checked = Math.min(length, STATUS_PREFIX);
        for (int i = 0; i < checked; i++) {
            byte b = bytes[i];
            boolean fits = i < HTTP_1.length ? b == HTTP_1[i]
                    : i == 7 ? b >= '0' && b <= '9'
                    : i == 8 ? b == ' '
                    : b >= '0' && b <= '9';
            if (!fits) {
                return NOT_A_STATUS_LINE;
            }
        }
        if (length < STATUS_PREFIX) {
            return UNDECIDED;
        }
        return (bytes[9] - '0') * 100 + (bytes[10] - '0') * 10 + (bytes[11] - '0');
    }

    private boolean passesAsIs(ByteBuffer buffer, int start) {
        for (int i = 0; i < STATUS_PREFIX; i++) {
            prefix[i] = buffer.get(start + i);
        }
        return passesAsIs(status(prefix, STATUS_PREFIX));
    }

    /** An answer that Undertow frames right: anything but a 1xx, 204 or 304 (and what is no status line at all). */
    private static boolean passesAsIs(int status) {
        return status == NOT_A_STATUS_LINE || status < 100 || status >= 200 && status != 204 && status != 304;
    }

    /** Where the head ends (just past its empty line), or -1 when it has not ended yet. LF alone ends a line too. */
    static int headEnd(byte[] bytes, int length) {
        int lineLength = 0;
        for (int i = 0; i < length; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                if (lineLength == 0) {
                    return i + 1;
                }
                lineLength = 0;
            } else if (b != '\r') {
                lineLength++;
            }
        }
        return -1;
    }

    /** Passes the head [0, end) on without its Content-Length and Transfer-Encoding lines. */
    private void emitWithoutFraming(int end) {
        int lineStart = 0;
        for (int i = 0; i < end; i++) {
            if (head[i] == '\n') {
                if (!isFramingField(head, lineStart, i)) {
                    emit(head, lineStart, i + 1 - lineStart);
                }
                lineStart = i + 1;
            }
        }
    }

    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] TRANSFER_ENCODING = "transfer-encoding:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static boolean isFramingField(byte[] bytes, int from, int to) {
        return startsWithIgnoringCase(bytes, from, to, CONTENT_LENGTH)
                || startsWithIgnoringCase(bytes, from, to, TRANSFER_ENCODING);
    }

    private static boolean startsWithIgnoringCase(byte[] bytes, int from, int to, byte[] lowerCasePrefix) {
        if (to - from < lowerCasePrefix.length) {
            return false;
        }
        for (int i = 0; i < lowerCasePrefix.length; i++) {
            int b = bytes[from + i];
            if (b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != lowerCasePrefix[i]) {
                return false;
            }
        }
        return true;
    }

    // ---- buffers

    private void hold(ByteBuffer source, int from, int length) {
        if (head.length < held + length) {
            head = Arrays.copyOf(head, Math.max(held + length, Math.max(256, head.length * 2)));
        }
        source.duplicate().position(from).limit(from + length).get(head, held, length);
        held += length;
        if (source.position() > from) {
            source.position(from); // taken back from a reader's buffer
        }
    }

    private void emit(byte[] bytes, int from, int length) {
        if (length == 0) {
            return;
        }
        if (outStart == outEnd) {
            outStart = outEnd = 0;
        }
        if (out.length < outEnd + length) {
            out = Arrays.copyOf(out, Math.max(outEnd + length, 256));
        }
        System.arraycopy(bytes, from, out, outEnd, length);
        outEnd += length;
    }

    private int give(ByteBuffer dst) {
        int n = Math.min(outEnd - outStart, dst.remaining());
        if (n > 0) {
            dst.put(out, outStart, n);
            outStart += n;
            if (outStart == outEnd) {
                out = NO_BYTES; // heads are rare; the common answer never gets here
                outStart = outEnd = 0;
            }
        }
        return n;
    }

    // ---- the reader sees held bytes as readable

    @Override
    public long read(ByteBuffer[] dsts, int offs, int len) throws IOException {
        if ((state == State.PASS || state == State.SWITCHED) && outStart == outEnd) {
            return next.read(dsts, offs, len);
        }
        for (int i = offs; i < offs + len; i++) {
            if (dsts[i].hasRemaining()) {
                return read(dsts[i]);
            }
        }
        return 0;
    }

    @Override
    public long transferTo(long position, long count, FileChannel target) throws IOException {
        return target.transferFrom(new ConduitReadableByteChannel(this), position, count);
    }

    @Override
    public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
        return Conduits.transfer(this, count, throughBuffer, target);
    }

    @Override
    public void resumeReads() {
        if (outStart != outEnd || eof || backlog) {
            next.wakeupReads();
        } else {
            next.resumeReads();
        }
    }

    @Override
    public void awaitReadable() throws IOException {
        if (outStart == outEnd && !eof && !backlog) {
            next.awaitReadable();
        }
    }

    @Override
    public void awaitReadable(long time, java.util.concurrent.TimeUnit timeUnit) throws IOException {
        if (outStart == outEnd && !eof && !backlog) {
            next.awaitReadable(time, timeUnit);
        }
    }
}
