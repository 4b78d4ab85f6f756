package dev.sluice.runtime;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.StatusCodes;
import org.xnio.XnioExecutor;

import java.util.concurrent.TimeUnit;

/**
 * {@code response-timeout}: from the moment the whole request is with the upstream until the
 * response head arrives. Slow uploads and long downloads are not cut short; an upstream that
 * takes the request and says nothing is. On expiry the upstream connection is closed and the
 * answer is 504.
 */
public final class ResponseDeadline {
    public static final AttachmentKey<ResponseDeadline> KEY = AttachmentKey.create(ResponseDeadline.class);

    private final HttpServerExchange exchange;
    private final UpstreamPool pool;
    private XnioExecutor.Key timer;
    private boolean started;
    private boolean expired;

    private ResponseDeadline(HttpServerExchange exchange, UpstreamPool pool) {
        this.exchange = exchange;
        this.pool = pool;
    }

    /** Attaches a deadline to the exchange; it starts once the request is sent, see {@link #requestSent}. */
    public static ResponseDeadline attach(HttpServerExchange exchange, UpstreamPool pool) {
        ResponseDeadline deadline = new ResponseDeadline(exchange, pool);
        exchange.putAttachment(KEY, deadline);
        exchange.addResponseCommitListener(ex -> deadline.cancel());
        exchange.addExchangeCompleteListener((ex, next) -> {
            deadline.cancel();
            next.proceed();
        });
        return deadline;
    }

    /** Starts the clock, once; call when the request's last byte is on its way upstream. */
    public void requestSent() {
        if (started || exchange.isResponseStarted()) {
            return;
        }
        started = true;
        timer = exchange.getIoThread().executeAfter(this::expire, pool.responseTimeout(), TimeUnit.MILLISECONDS);
    }

    /** Whether the upstream was given up on; a timed-out request is not retried elsewhere. */
    public boolean expired() {
        return expired;
    }

    /** What to tell the client and the log. */
    public String reason() {
        return "upstream " + pool.name() + " sent no response head within response-timeout ("
                + pool.responseTimeout() + " ms)";
    }

    void cancel() {
        if (timer != null) {
            timer.remove();
            timer = null;
        }
    }

    private void expire() {
        timer = null;
        if (exchange.isResponseStarted()) {
            return;
        }
        expired = true;
        UpstreamClient.abandon(exchange, false, () -> {
            exchange.setStatusCode(StatusCodes.GATEWAY_TIME_OUT); // the proxy's error page gives it its reason
            exchange.endExchange();
        });
    }
}
