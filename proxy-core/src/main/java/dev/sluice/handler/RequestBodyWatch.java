package dev.sluice.handler;

import dev.sluice.http.RequestIds;
import dev.sluice.runtime.ResponseDeadline;
import dev.sluice.runtime.UpstreamClient;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.AttachmentKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.StreamSourceConduit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.time.Duration;

/**
 * Watches the client's request body as it is read, whether into the buffer or on its way
 * upstream. Its end counts towards the {@link ResponseDeadline}; its reads keep the
 * {@link RequestBodyTimeout} at bay. When reading it fails (the body grew past
 * {@code limits.max-request-body-size}, the client went away mid-upload, or stalled past
 * {@code limits.request-body-timeout}) the upstream connection, if one was taken, is reset at
 * once: Undertow's proxy would otherwise close it cleanly, and a clean close of a chunked
 * request writes the last-chunk marker, so the upstream would take a truncated body for a
 * whole one. A body that cannot be answered any more (the client went away, or its framing is
 * broken) closes the client's connection too, as nginx does.
 */
final class RequestBodyWatch extends AbstractStreamSourceConduit<StreamSourceConduit>
        implements RequestBodyTimeout.Reads {
    /** Set when the body was refused for its size, so the answer is 413 rather than 502. */
    static final AttachmentKey<Long> BODY_TOO_LARGE = AttachmentKey.create(Long.class);
    private static final Logger log = LoggerFactory.getLogger("dev.sluice.errors");

    private final HttpServerExchange exchange;
    private final long limit;
    private final RequestBodyTimeout timeout;
    private boolean aborted;

    RequestBodyWatch(StreamSourceConduit next, HttpServerExchange exchange, long limit, Duration bodyTimeout) {
        super(next);
        this.exchange = exchange;
        this.limit = limit;
        this.timeout = RequestBodyTimeout.start(exchange, this, bodyTimeout);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        try {
            checkTimeout();
            return seen(next.read(dst));
        } catch (IOException e) {
            throw abort(e);
        }
    }

    @Override
    public long read(ByteBuffer[] dsts, int offs, int len) throws IOException {
        try {
            checkTimeout();
            return seen(next.read(dsts, offs, len));
        } catch (IOException e) {
            throw abort(e);
        }
    }

    @Override
    public long transferTo(long position, long count, FileChannel target) throws IOException {
        try {
            checkTimeout();
            return seen(next.transferTo(position, count, target));
        } catch (IOException e) {
            throw abort(e);
        }
    }

    @Override
    public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
        try {
            checkTimeout();
            return seen(next.transferTo(count, throughBuffer, target));
        } catch (IOException e) {
            throw abort(e);
        }
    }

    @Override
    public void resumeReads() {
        if (!next.isReadResumed()) {
            timeout.restart(); // a pause (no connection yet, a busy upstream) is not the client's
        }
        next.resumeReads();
    }

    @Override
    public void wakeupReads() {
        if (!next.isReadResumed()) {
            timeout.restart();
        }
        next.wakeupReads();
    }

    @Override
    public boolean waiting() {
        return next.isReadResumed();
    }

    @Override
    public void wakeReader() {
        next.wakeupReads();
    }

    private void checkTimeout() throws IOException {
        if (timeout.expired()) {
            throw timeout.failure();
        }
    }

    private <N extends Number> N seen(N read) {
        long n = read.longValue();
        if (n > 0) {
            timeout.restart();
        } else if (n == -1) {
            timeout.stop();
            ResponseDeadline deadline = exchange.getAttachment(ResponseDeadline.KEY);
            if (deadline != null) {
                deadline.bodyRead();
            }
        }
        return read;
    }

    /**
     * Once per exchange (closing the client's connection below drains this body again). The
     * IOException goes on to Undertow's proxy, whose request pump then ends the exchange.
     */
    private IOException abort(IOException e) {
        timeout.stop();
        if (aborted) {
            return e; // once per exchange: closing the client's connection drains this body again
        }
        aborted = true;
        boolean tooLarge = e instanceof RequestTooBigException;
        if (tooLarge) {
            exchange.putAttachment(BODY_TOO_LARGE, limit);
        }
        // Too large or too slow: ProxyErrorPages answers 413 or 408 from the cause recorded
        // here, and closes. Anything else cannot be answered: the client went away, or nothing
        // behind a broken body could be told apart as a next request.
        boolean answered = tooLarge || timeout.expired();
        UpstreamClient.abandon(exchange, true, () -> {
            if (answered && !exchange.isResponseStarted()) {
                exchange.endExchange();
            }
        });
        if (!answered) {
            if (ClientAborts.isAbort(e)) {
                log.debug("SLU1498 {} {}: the client went away during the request body ({}) (request id {})",
                        exchange.getRequestMethod(), exchange.getRequestURI(), e.toString(), RequestIds.of(exchange));
            } else {
                log.info("SLU1001 {} {}: request body is malformed, connection closed: {} (request id {})",
                        exchange.getRequestMethod(), exchange.getRequestURI(), e.getMessage(), RequestIds.of(exchange));
            }
            IoUtils.safeClose(exchange.getConnection());
        }
        return e;
    }
}
