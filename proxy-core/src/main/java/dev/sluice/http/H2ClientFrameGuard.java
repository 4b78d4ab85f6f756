package dev.sluice.http;

import org.xnio.IoUtils;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.ConduitReadableByteChannel;
import org.xnio.conduits.StreamSourceConduit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/**
 * Watches what a client sends on a connection that may speak HTTP/2, under Undertow's frame
 * parser, and ends the connection on what Undertow mishandles:
 * <ul>
 * <li>a frame only a server may send, {@code PUSH_PROMISE} (RFC 9113 section 8.4, a connection
 *     error): Undertow 2.4.4 takes a client's PUSH_PROMISE without END_HEADERS for a header block
 *     and fails with a ClassCastException it logs with a stack trace;</li>
 * <li>a header block (HEADERS and its CONTINUATION frames) longer on the wire than
 *     {@code maxHeaderBlock}: Undertow bounds the fields it decodes, but not the frames, so a
 *     block of empty CONTINUATION frames that never ends (the "CONTINUATION flood") would be
 *     read for as long as the client sends it;</li>
 * <li>a header block Undertow's HPACK decoder fails on with an unchecked exception, logged
 *     with a stack trace ({@link HpackShadow}).</li>
 * </ul>
 *
 * <p>It reads frame headers and header blocks only: when the stream starts with the HTTP/2
 * preface it follows the frames by their lengths; when it starts with anything else (HTTP/1.1)
 * it steps aside, until {@link #switchedToHttp2} says an {@code Upgrade: h2c} made it HTTP/2. It
 * never changes a byte.
 */
public final class H2ClientFrameGuard extends AbstractStreamSourceConduit<StreamSourceConduit> {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int FRAME_HEADER = 9;
    private static final int HEADERS = 0x1;
    private static final int PUSH_PROMISE = 0x5;
    private static final int CONTINUATION = 0x9;
    private static final int END_HEADERS = 0x4;

    private final long maxHeaderBlock;
    private final Runnable onHttp2;
    private boolean off;
    private int prefaceRead;
    private final byte[] header = new byte[FRAME_HEADER];
    private int headerRead;
    private long payloadLeft;
    /** Wire bytes of the header block being received, frame headers included; 0 between blocks. */
    private long headerBlock;
    /** Whether the frame being read is a HEADERS or CONTINUATION frame, whose payload goes to {@link #hpack}. */
    private boolean inHeaderBlock;
    private HpackShadow hpack = new HpackShadow();
    /** Set when the bytes Undertow read ahead of an upgrade broke a rule: every read fails with it. */
    private IOException tripped;

    /**
     * @param maxHeaderBlock the most wire bytes a header block may take
     * @param onHttp2        runs once, on the IO thread that read it, when the preface is complete
     */
    public H2ClientFrameGuard(StreamSourceConduit next, long maxHeaderBlock, Runnable onHttp2) {
        super(next);
        this.maxHeaderBlock = maxHeaderBlock;
        this.onHttp2 = onHttp2;
    }

    /**
     * The connection switched to HTTP/2 by {@code Upgrade: h2c}: what follows the upgrade request
     * starts with the preface, beginning with {@code readAhead} (the bytes Undertow's HTTP/1.1
     * parser had already read past the request, not consumed here).
     *
     * @return false when those bytes break a rule: the caller must drop them (Undertow would
     *         parse them before any read reaches this guard), and the next read fails
     */
    public boolean switchedToHttp2(ByteBuffer readAhead) {
        off = false;
        prefaceRead = 0;
        headerRead = 0;
        payloadLeft = 0;
        headerBlock = 0;
        inHeaderBlock = false;
        hpack = new HpackShadow();
        if (readAhead == null) {
            return true;
        }
        try {
            watch(readAhead, readAhead.position(), readAhead.limit());
            return true;
        } catch (IOException e) {
            tripped = e;
            return false;
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (tripped != null) {
            throw tripped;
        }
        int start = dst.position();
        int n = next.read(dst);
        if (n > 0 && !off) {
            watch(dst, start, start + n);
        }
        return n;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offs, int len) throws IOException {
        if (tripped != null) {
            throw tripped;
        }
        int[] starts = new int[len];
        for (int i = 0; i < len; i++) {
            starts[i] = dsts[offs + i].position();
        }
        long n = next.read(dsts, offs, len);
        if (n > 0 && !off) {
            for (int i = 0; i < len && !off; i++) {
                watch(dsts[offs + i], starts[i], dsts[offs + i].position());
            }
        }
        return n;
    }

    @Override
    public void resumeReads() {
        if (tripped != null) {
            next.wakeupReads(); // the client may send nothing more: the failing read must come now
        } else {
            next.resumeReads();
        }
    }

    @Override
    public long transferTo(long position, long count, FileChannel target) throws IOException {
        return target.transferFrom(new ConduitReadableByteChannel(this), position, count);
    }

    @Override
    public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
        return IoUtils.transfer(new ConduitReadableByteChannel(this), count, throughBuffer, target);
    }

    /** Follows bytes {@code from..to} of {@code buffer} (absolute), just read. */
    private void watch(ByteBuffer buffer, int from, int to) throws IOException {
        for (int at = from; at < to && !off; ) {
            if (prefaceRead < PREFACE.length) {
                if (buffer.get(at) != PREFACE[prefaceRead]) {
                    off = true; // not HTTP/2: nothing to watch
                    return;
                }
                prefaceRead++;
                at++;
                if (prefaceRead == PREFACE.length) {
                    onHttp2.run();
                }
            } else if (payloadLeft > 0) {
                int skip = (int) Math.min(payloadLeft, to - at);
                if (inHeaderBlock) {
                    hpack.payload(buffer, at, at + skip);
                }
                payloadLeft -= skip;
                at += skip;
            } else {
                header[headerRead++] = buffer.get(at++);
                if (headerRead == FRAME_HEADER) {
                    headerRead = 0;
                    frame();
                }
            }
        }
    }

    private void frame() throws IOException {
        int type = header[3] & 0xFF;
        payloadLeft = ((header[0] & 0xFFL) << 16) | ((header[1] & 0xFF) << 8) | (header[2] & 0xFF);
        if (type == PUSH_PROMISE) {
            throw new IOException("the client sent a PUSH_PROMISE, which only a server may send");
        }
        if (type == HEADERS || type == CONTINUATION) {
            headerBlock = (type == HEADERS ? 0 : headerBlock) + FRAME_HEADER + payloadLeft;
            if (headerBlock > maxHeaderBlock) {
                throw new IOException("the client's header block went past " + maxHeaderBlock + " bytes");
            }
            if ((header[4] & END_HEADERS) != 0) {
                headerBlock = 0;
            }
            hpack.frame(type, header[4] & 0xFF, payloadLeft);
        }
        inHeaderBlock = (type == HEADERS || type == CONTINUATION) && payloadLeft > 0;
    }
}
