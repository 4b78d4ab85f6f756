package dev.sluice.handler;

import io.undertow.server.RequestTooBigException;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.ConduitReadableByteChannel;
import org.xnio.conduits.StreamSourceConduit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The first of Sluice's readers of a request body, right above Undertow's framing: it enforces
 * {@code limits.max-request-body-size} on a body read as it streams (a chunked one; a declared
 * length is judged up front), and makes every way the body can fail an IOException, so that
 * the readers above it ({@link RequestBodyWatch}, Undertow's own draining) deal with one kind
 * of failure.
 *
 * <p>Two Undertow 2.4.4 bugs make it necessary. Its own size counter (MAX_ENTITY_SIZE, switched
 * off in {@code Sluice}) prints a raw stack trace to System.err each time a chunked body goes
 * past it. And its chunked parser throws IllegalArgumentException, not IOException, for a
 * trailer line without a field name.
 */
final class RequestBodyGuard extends AbstractStreamSourceConduit<StreamSourceConduit> {
    private final long limit;
    private long read;

    RequestBodyGuard(StreamSourceConduit next, long limit) {
        super(next);
        this.limit = limit;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        try {
            return (int) counted(next.read(dst));
        } catch (RuntimeException e) {
            throw malformed(e);
        }
    }

    @Override
    public long read(ByteBuffer[] dsts, int offs, int len) throws IOException {
        try {
            return counted(next.read(dsts, offs, len));
        } catch (RuntimeException e) {
            throw malformed(e);
        }
    }

    // The transfers go through read() above, so that no byte passes uncounted.
    @Override
    public long transferTo(long position, long count, FileChannel target) throws IOException {
        return target.transferFrom(new ConduitReadableByteChannel(this), position, count);
    }

    @Override
    public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
        return IoUtils.transfer(new ConduitReadableByteChannel(this), count, throughBuffer, target);
    }

    private long counted(long bytes) throws RequestTooBigException {
        if (bytes > 0) {
            read += bytes;
            if (read > limit) {
                throw new RequestTooBigException("request body is over limits.max-request-body-size (" + limit + ")");
            }
        }
        return bytes;
    }

    private static IOException malformed(RuntimeException e) {
        return new IOException("malformed request body: " + e.getMessage(), e);
    }
}
