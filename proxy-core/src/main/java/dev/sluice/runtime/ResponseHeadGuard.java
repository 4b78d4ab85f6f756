package dev.sluice.runtime;

import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.ConduitReadableByteChannel;
import org.xnio.conduits.Conduits;
import org.xnio.conduits.StreamSourceConduit;
import org.xnio.channels.StreamSinkChannel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

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
 * 12 bytes of each response head and where the head ends. Everything else passes to Undertow's
 * parser untouched. Undertow offers no hook for any of this, so the guard is a conduit,
 * installed when the connection is made ({@link GuardedHttpClientProvider}) and told by
 * {@link NotingConnection} when a request goes out and when its exchange is over.
 */
final class ResponseHeadGuard extends AbstractStreamSourceConduit<StreamSourceConduit> {
    /** Longest head removed or edited here; a longer one breaks the connection (the request gets a 502). */
    static final int MAX_HEAD = 64 * 1024;
    private static final int STATUS_PREFIX = ResponseHeads.STATUS_PREFIX;
    /** Rounds of examining and reading held heads in one read at most; then other connections on the thread get a turn. */
    private static final int ROUNDS_PER_READ = 32;

    /** Told when bytes arrive that no request asked for: it closes the connection at once and reports them. */
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

    private final StrayBytes stray;
    private State state = State.IDLE;
    private long requests;
    /** Bytes of the head being examined or collected. */
    private final ByteRun head = new ByteRun();
    /** Bytes ready for the reader, taken before anything new. */
    private final ByteRun out = new ByteRun();
    private boolean eof;
    /** Heads are still held to be examined: the reader must come back even if the socket stays quiet. */
    private boolean backlog;

    ResponseHeadGuard(StreamSourceConduit next, StrayBytes stray) {
        super(next);
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
        if (state == State.PASS && out.isEmpty() || state == State.SWITCHED && out.isEmpty()) {
            return next.read(dst);
        }
        int given = out.moveTo(dst);
        if (!dst.hasRemaining()) {
            return given;
        }
        if (eof) {
            return given > 0 ? given : -1;
        }
        if (state == State.PASS || state == State.SWITCHED) {
            if (given > 0) {
                return given; // the socket is read when the reader comes back, not at once: it is most often empty
            }
            int n = next.read(dst);
            eof = n == -1;
            return n;
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
        if (head.isEmpty()) {
            int n = next.read(dst);
            if (n <= 0) {
                eof = n == -1;
                return n;
            }
            if (n >= STATUS_PREFIX && passesAsIs(dst, start)) {
                state = State.PASS; // the common case: an ordinary answer
                return headOnly(dst, start, n);
            }
            // Taken back from the reader's buffer and examined below.
            head.add(dst, start, n);
            dst.position(start);
        }
        int n = 0;
        int rounds = 0;
        backlog = false;
        while (state == State.HEAD) {
            if (!head.isEmpty() && ++rounds > ROUNDS_PER_READ) {
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
                        head.clear();
                    }
                    break;
                }
                head.add(chunk, 0, n);
            }
        }
        int given = out.moveTo(dst);
        if (given == 0 && eof) {
            return -1;
        }
        if (state != State.HEAD && dst.hasRemaining() && out.isEmpty() && !eof) {
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
     * Gives the reader an ordinary answer's head alone when its body came in the same read, and
     * holds the body for the reader's next read. Undertow's client, finding bytes after the head
     * in its buffer, pushes them back and wakes its own read listener, which after the body has
     * been taken reads the socket for nothing: a task and a read system call per response.
     */
    private int headOnly(ByteBuffer dst, int start, int n) {
        int end = ResponseHeads.headEnd(dst, start, n);
        if (end < 0 || end == n) {
            return n;
        }
        out.add(dst, start + end, n - end);
        dst.position(start + end);
        return end;
    }

    /**
     * Acts on the held bytes as far as they allow. False when more bytes are needed to decide,
     * true when a head was dealt with (the state says what comes next).
     */
    private boolean examine() throws IOException {
        int status = ResponseHeads.status(head.array(), head.length());
        if (status == ResponseHeads.UNDECIDED) {
            return false;
        }
        if (ResponseHeads.passesAsIs(status)) {
            state = State.PASS;
            out.add(head.array(), 0, head.length());
            head.clear();
            return true;
        }
        int end = ResponseHeads.headEnd(head.array(), head.length());
        if (end < 0) {
            if (head.length() > MAX_HEAD) {
                throw new IOException("the upstream sent a " + status + " response head of over " + MAX_HEAD + " bytes");
            }
            return false;
        }
        if (status == 100) {
            out.add(head.array(), 0, end); // Undertow's own Expect: 100-continue handling; the answer is still due
        } else if (status == 101) {
            out.add(head.array(), 0, end);
            state = State.SWITCHED;
        } else if (status == 204 || status == 304) {
            emitWithoutFraming(end);
            state = State.PASS;
        }
        // Any other 1xx is interim: dropped, and the answer is still due.
        head.dropFirst(end);
        if (state != State.HEAD) {
            out.add(head.array(), 0, head.length());
            head.clear();
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
        stray.arrived(n);
        return -1;
    }

    private static boolean passesAsIs(ByteBuffer buffer, int start) {
        return ResponseHeads.passesAsIs(ResponseHeads.status(buffer, start));
    }

    /** Passes the head [0, end) on without its Content-Length and Transfer-Encoding lines. */
    private void emitWithoutFraming(int end) {
        int lineStart = 0;
        for (int i = 0; i < end; i++) {
            if (head.array()[i] == '\n') {
                if (!ResponseHeads.isFramingField(head.array(), lineStart, i)) {
                    out.add(head.array(), lineStart, i + 1 - lineStart);
                }
                lineStart = i + 1;
            }
        }
    }

    // ---- the reader sees held bytes as readable

    @Override
    public long read(ByteBuffer[] dsts, int offs, int len) throws IOException {
        if ((state == State.PASS || state == State.SWITCHED) && out.isEmpty()) {
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
        if (!out.isEmpty() || eof || backlog) {
            next.wakeupReads();
        } else {
            next.resumeReads();
        }
    }

    @Override
    public void awaitReadable() throws IOException {
        if (out.isEmpty() && !eof && !backlog) {
            next.awaitReadable();
        }
    }

    @Override
    public void awaitReadable(long time, java.util.concurrent.TimeUnit timeUnit) throws IOException {
        if (out.isEmpty() && !eof && !backlog) {
            next.awaitReadable(time, timeUnit);
        }
    }
}
