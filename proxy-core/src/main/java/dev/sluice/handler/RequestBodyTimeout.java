package dev.sluice.handler;

import dev.sluice.runtime.ProgressDeadline;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;

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
    private final ProgressDeadline deadline;
    private boolean over;
    private boolean expired;

    private RequestBodyTimeout(HttpServerExchange exchange, Reads reads, Duration timeout) {
        this.exchange = exchange;
        this.reads = reads;
        this.deadline = new ProgressDeadline(exchange.getIoThread(), timeout.toNanos(), new ProgressDeadline.Owner() {
            @Override
            public boolean timing() {
                if (!over && !reads.waiting()) {
                    deadline().progress(); // only time spent ready to read counts
                }
                return !over;
            }

            @Override
            public void expired(long idleNanos) {
                over = true;
                RequestBodyTimeout.this.expired = true;
                exchange.putAttachment(EXPIRED, reason());
                reads.wakeReader();
            }
        });
    }

    private ProgressDeadline deadline() {
        return deadline;
    }

    /** Starts timing the body of this exchange; call when the body is first read. */
    static RequestBodyTimeout start(HttpServerExchange exchange, Reads reads, Duration timeout) {
        RequestBodyTimeout bodyTimeout = new RequestBodyTimeout(exchange, reads, timeout);
        bodyTimeout.deadline.arm();
        exchange.addExchangeCompleteListener((ex, next) -> {
            bodyTimeout.stop();
            next.proceed();
        });
        return bodyTimeout;
    }

    /** The client is not behind as of now: bytes arrived, or a wait for them begins. */
    void restart() {
        deadline.progress();
    }

    /** The body ended or failed; nothing more to time. */
    void stop() {
        over = true;
        deadline.cancel();
    }

    boolean expired() {
        return expired;
    }

    /** What a read fails with once the body timed out. */
    IOException failure() {
        return new IOException(reason());
    }

    private String reason() {
        return "the request body stalled: no bytes for " + TimeUnit.NANOSECONDS.toMillis(deadline.timeoutNanos())
                + " ms (limits.request-body-timeout)";
    }
}
