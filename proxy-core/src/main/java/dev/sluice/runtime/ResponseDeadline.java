package dev.sluice.runtime;

import dev.sluice.upstream.Server;
import dev.sluice.observe.Metrics;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.proxy.ProxyConnection;
import io.undertow.util.AttachmentKey;
import io.undertow.util.StatusCodes;

import java.util.concurrent.TimeUnit;

/**
 * {@code response-timeout}: from the moment the whole request is with the upstream until the
 * response head arrives. Slow uploads and long downloads are not cut short; an upstream that
 * takes the request and says nothing is. On expiry the upstream connection is closed, which
 * makes Undertow's proxy fail the exchange, and the answer is 504. While it runs it also
 * watches for Undertow's client following an upstream's unasked switch to h2c (502). Both are
 * looked at by its IO thread's {@link HeadWaits} sweep, so it ends within one sweep period of
 * the timeout.
 *
 * <p>"With the upstream" means both: the request's body has been read to its end and an
 * upstream connection was given. A small body is read whole before a connection is taken
 * (limits.request-body-buffer), a large one after: either may come first.
 */
public final class ResponseDeadline extends HeadWaits.Wait {
    public static final AttachmentKey<ResponseDeadline> KEY = AttachmentKey.create(ResponseDeadline.class);

    private final HttpServerExchange exchange;
    private final UpstreamPool pool;
    private final Metrics metrics;
    private boolean bodyRead;
    private boolean connected;
    private boolean started;
    private boolean expired;
    private boolean switchedToH2c;

    private ResponseDeadline(HttpServerExchange exchange, UpstreamPool pool, Metrics metrics) {
        this.exchange = exchange;
        this.pool = pool;
        this.metrics = metrics;
    }

    /** Attaches a deadline to the exchange; it starts once the request is sent, see {@link #bodyRead}, {@link #connected}. */
    public static ResponseDeadline attach(HttpServerExchange exchange, UpstreamClient client) {
        ResponseDeadline deadline = new ResponseDeadline(exchange, client.pool(), client.metrics());
        exchange.putAttachment(KEY, deadline);
        exchange.addResponseCommitListener(ex -> deadline.end());
        exchange.addExchangeCompleteListener((ex, next) -> {
            deadline.end();
            next.proceed();
        });
        return deadline;
    }

    /** The request's body was read to its end (or it had none). */
    public void bodyRead() {
        bodyRead = true;
        startWhenSent();
    }

    /** An upstream connection was given to the exchange. */
    public void connected() {
        connected = true;
        startWhenSent();
    }

    /** Starts the clock, once, when the request's last byte is on its way upstream. */
    private void startWhenSent() {
        if (!bodyRead || !connected || started || exchange.isResponseStarted()) {
            return;
        }
        started = true;
        ProxyConnection connection = exchange.getAttachment(UpstreamClient.CONNECTION);
        if (connection != null) {
            HeadWaits.start(this, connection.getConnection(), TimeUnit.MILLISECONDS.toNanos(pool.responseTimeout()));
        }
    }

    /** Whether the upstream was given up on; such a request is not retried elsewhere. */
    public boolean gaveUp() {
        return expired || switchedToH2c;
    }

    /** Whether no response head came within the response timeout (504). */
    public boolean expired() {
        return expired;
    }

    /** Whether the upstream answered 101 with Upgrade: h2c and Undertow's client followed it (502). */
    public boolean switchedToH2c() {
        return switchedToH2c;
    }

    /** What to tell the client and the log. */
    public String reason() {
        if (switchedToH2c) {
            return "upstream " + pool.name() + " answered with a 101 to HTTP/2 (Upgrade: h2c) that was not asked for";
        }
        return "upstream " + pool.name() + " sent no response head within response-timeout ("
                + pool.responseTimeout() + " ms)";
    }

    @Override
    protected void onH2cSwitch() {
        switchedToH2c = true;
        UpstreamClient.abandon(exchange, false, () -> {
            exchange.setStatusCode(StatusCodes.BAD_GATEWAY); // the proxy's error page gives it its reason
            exchange.endExchange();
        });
    }

    @Override
    protected void onTimeout() {
        if (exchange.isResponseStarted()) {
            return;
        }
        expired = true;
        metrics.responseTimeout(pool.name());
        UpstreamClient.serverFailed(exchange, Server.Failure.TIMEOUT, "no response head within " + pool.responseTimeout() + " ms");
        UpstreamClient.abandon(exchange, false, () -> {
            exchange.setStatusCode(StatusCodes.GATEWAY_TIME_OUT); // the proxy's error page gives it its reason
            exchange.endExchange();
        });
    }
}
