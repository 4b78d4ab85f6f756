package dev.sluice.handler;

import dev.sluice.runtime.ResponseDeadline;
import dev.sluice.runtime.UpstreamClient;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.StreamSourceConduit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Watches the client's request body on its way upstream. Its end starts the
 * {@link ResponseDeadline}. When reading it fails (the body grew past
 * {@code limits.max-request-body-size}, the client went away mid-upload, or the chunked framing
 * is broken) the upstream connection is reset at once: Undertow's proxy would otherwise close
 * it cleanly, and a clean close of a chunked request writes the last-chunk marker, so the
 * upstream would take a truncated body for a whole one. The client's connection is closed too.
 */
final class RequestBodyWatch extends AbstractStreamSourceConduit<StreamSourceConduit> {
    private static final Logger log = LoggerFactory.getLogger("dev.sluice.errors");

    private final HttpServerExchange exchange;
    private final long limit;
    private boolean aborted;

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

    /**
     * Once per exchange (closing the client's connection below drains this body again). The
     * IOException goes on to Undertow's proxy, whose request pump then ends the exchange.
     */
    private IOException abort(IOException e) {
        if (aborted) {
            return e;
        }
        aborted = true;
        UpstreamClient.abandon(exchange, true, () -> {
        });
        // Either way the rest of the body will not be read, so nothing behind it could be told
        // apart as a next request: close, as nginx does. A client that went away is no news.
        if (e instanceof RequestTooBigException) {
            log.info("SLU1413 {} {}: request body went past limits.max-request-body-size ({}), connection closed"
                    + " (request id {})", exchange.getRequestMethod(), exchange.getRequestURI(), limit, RequestIds.of(exchange));
        } else if (ClientAborts.isAbort(e)) {
            log.debug("SLU1499 {} {}: the client went away during the request body ({}) (request id {})",
                    exchange.getRequestMethod(), exchange.getRequestURI(), e.toString(), RequestIds.of(exchange));
        } else {
            log.info("SLU1400 {} {}: request body is malformed, connection closed: {} (request id {})",
                    exchange.getRequestMethod(), exchange.getRequestURI(), e.getMessage(), RequestIds.of(exchange));
        }
        IoUtils.safeClose(exchange.getConnection());
        return e;
    }
}
