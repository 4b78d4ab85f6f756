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
 * parser, and ends the connection on a frame only a server may send: {@code PUSH_PROMISE} (RFC
 * 9113 section 8.4, a connection error). Undertow 2.4.4 takes a client's PUSH_PROMISE without
 * END_HEADERS for a header block and fails with a ClassCastException it logs with a stack trace.
 *
 * <p>It reads frame headers only: when the stream starts with the HTTP/2 preface it follows the
 * frames by their lengths; when it starts with anything else (HTTP/1.1) it steps aside for good.
 * It never copies or changes a byte.
 */
public final class H2ClientFrameGuard extends AbstractStreamSourceConduit<StreamSourceConduit> {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int FRAME_HEADER = 9;
    private static final int PUSH_PROMISE = 0x5;

    private boolean off;
    private int prefaceRead;
    private final byte[] header = new byte[FRAME_HEADER];
    private int headerRead;
    private long payloadLeft;

    public H2ClientFrameGuard(StreamSourceConduit next) {
        super(next);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int start = dst.position();
        int n = next.read(dst);
        if (n > 0 && !off) {
            watch(dst, start, start + n);
        }
        return n;
    }

    @Override
    public long read(ByteBuffer[] dsts, int offs, int len) throws IOException {
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
            } else if (payloadLeft > 0) {
                long skip = Math.min(payloadLeft, to - at);
                payloadLeft -= skip;
                at += (int) skip;
            } else {
                header[headerRead++] = buffer.get(at++);
                if (headerRead == FRAME_HEADER) {
                    headerRead = 0;
                    if ((header[3] & 0xFF) == PUSH_PROMISE) {
                        throw new IOException("the client sent a PUSH_PROMISE, which only a server may send");
                    }
                    payloadLeft = ((header[0] & 0xFFL) << 16) | ((header[1] & 0xFF) << 8) | (header[2] & 0xFF);
                }
            }
        }
    }
}
