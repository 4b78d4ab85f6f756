package dev.sluice.handler;

import dev.sluice.runtime.ResponseDeadline;
import dev.sluice.runtime.UpstreamClient;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.server.handlers.proxy.ProxyConnection;
import io.undertow.util.AttachmentKey;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.StreamSourceConduit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Watches the client's request body on its way upstream. Its end starts the
 * {@link ResponseDeadline}. When reading it fails (the body grew past
 * {@code limits.max-request-body-size}, or the client went away mid-upload) the upstream
 * connection is reset at once: Undertow's proxy would otherwise close it cleanly, and a clean
 * close of a chunked request writes the last-chunk marker, so the upstream would take a
 * truncated body for a whole one.
 */
final class RequestBodyWatch extends AbstractStreamSourceConduit<StreamSourceConduit> {
    /** Set when the body was refused for its size, so the answer is 413 rather than 502. */
    static final AttachmentKey<Long> BODY_TOO_LARGE = AttachmentKey.create(Long.class);

    private final HttpServerExchange exchange;
    private final long limit;

    RequestBodyWatch(StreamSourceConduit next, HttpServerExchange exchange, long limit) {
        super(next);
        this.exchange = exchange;
        this.limit = limit;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        try {
            return ended(next.read(dst));
        } catch (IOException e) {
            throw abort(e);
        }
    }

    @Override
    public long read(ByteBuffer[] dsts, int offs, int len) throws IOException {
        try {
            return ended(next.read(dsts, offs, len));
        } catch (IOException e) {
            throw abort(e);
        }
    }

    @Override
    public long transferTo(long position, long count, FileChannel target) throws IOException {
        try {
            return next.transferTo(position, count, target);
        } catch (IOException e) {
            throw abort(e);
        }
    }

    @Override
    public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
        try {
            return ended(next.transferTo(count, throughBuffer, target));
        } catch (IOException e) {
            throw abort(e);
        }
    }

    private <N extends Number> N ended(N read) {
        if (read.longValue() == -1) {
            ResponseDeadline deadline = exchange.getAttachment(ResponseDeadline.KEY);
            if (deadline != null) {
                deadline.requestSent();
            }
        }
        return read;
    }

    private IOException abort(IOException e) {
        if (e instanceof RequestTooBigException) {
            exchange.putAttachment(BODY_TOO_LARGE, limit);
        }
        ProxyConnection upstream = exchange.getAttachment(UpstreamClient.CONNECTION);
        if (upstream != null) {
            UpstreamClient.closeNow(upstream.getConnection(), true);
        }
        return e;
    }
}
