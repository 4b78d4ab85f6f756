package dev.sluice.handler;

import dev.sluice.runtime.IoThreads;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import org.xnio.XnioExecutor;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@code limits.request-body-timeout}, as nginx's {@code client_body_timeout}: the longest the
 * client may leave Sluice waiting for the next bytes of a request body, while the body is
 * buffered and while it streams upstream. Only time spent ready to read counts: waiting for
 * an upstream connection, or for the upstream to take what was already read, is not the
 * client's fault.
 *
 * <p>A read only notes the time; the one timer re-arms itself when it fires. On expiry the
 * reader is woken and its next read fails (see {@link RequestBodyWatch}), so the exchange
 * ends down the same path as any broken body: the upstream connection, if one was taken, is
 * reset, and the client gets 408 when no response has started (see {@link ProxyErrorPages}).
 */
final class RequestBodyTimeout {
    /** Set when the body timed out: the reason, for the 408 and the log. */
    static final AttachmentKey<String> EXPIRED = AttachmentKey.create(String.class);

    /** The body's reads as this timeout needs to see them. */
    interface Reads {
        /** Whether someone is waiting to read the body now. */
        boolean waiting();

        /** Calls the waiting reader back, whatever is there to read. */
        void wakeReader();
    }

    private final HttpServerExchange exchange;
    private final Reads reads;
    private final long timeoutNanos;
    private long lastProgress = System.nanoTime();
    private XnioExecutor.Key timer;
    private boolean over;
    private boolean expired;

    private RequestBodyTimeout(HttpServerExchange exchange, Reads reads, Duration timeout) {
        this.exchange = exchange;
        this.reads = reads;
        this.timeoutNanos = timeout.toNanos();
    }

    /** Starts timing the body of this exchange; call when the body is first read. */
    static RequestBodyTimeout start(HttpServerExchange exchange, Reads reads, Duration timeout) {
        RequestBodyTimeout bodyTimeout = new RequestBodyTimeout(exchange, reads, timeout);
        bodyTimeout.arm(bodyTimeout.timeoutNanos);
        exchange.addExchangeCompleteListener((ex, next) -> {
            bodyTimeout.stop();
            next.proceed();
        });
        return bodyTimeout;
    }

    /** The client is not behind as of now: bytes arrived, or a wait for them begins. */
    void restart() {
        lastProgress = System.nanoTime();
    }

    /** The body ended or failed; nothing more to time. */
    void stop() {
        over = true;
        if (timer != null) {
            timer.remove();
            timer = null;
        }
    }

    boolean expired() {
        return expired;
    }

    /** What a read fails with once the body timed out. */
    IOException failure() {
        return new IOException(reason());
    }

    private String reason() {
        return "the request body stalled: no bytes for " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
                + " ms (limits.request-body-timeout)";
    }

    private void arm(long nanos) {
        timer = IoThreads.executeAfter(exchange.getIoThread(), this::check, nanos);
    }

    private void check() {
        timer = null;
        if (over) {
            return;
        }
        long now = System.nanoTime();
        if (!reads.waiting()) {
            lastProgress = now;
            arm(timeoutNanos);
            return;
        }
        long idle = now - lastProgress;
        if (idle < timeoutNanos) {
            arm(timeoutNanos - idle);
            return;
        }
        over = true;
        expired = true;
        exchange.putAttachment(EXPIRED, reason());
        reads.wakeReader();
    }
}
