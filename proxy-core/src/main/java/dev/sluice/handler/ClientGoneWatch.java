package dev.sluice.handler;

import dev.sluice.http.RequestIds;
import io.undertow.server.HttpServerExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.conduits.AbstractStreamSinkConduit;
import org.xnio.conduits.StreamSinkConduit;

import java.io.IOException;

/**
 * Watches the response on its way to the client for the client going away while it is being
 * finished. Undertow's proxy takes a failed last flush for the request failing and logs it as
 * an error with a stack trace (UT005028), though a client that closed or reset its connection
 * is nobody's fault here. So the client's connection is closed, the abort logged at debug, and
 * the flush reported done: nothing more could be sent on it anyway. (A failed write in the
 * middle of a response already ends quietly, through the proxy's own handler.)
 */
final class ClientGoneWatch extends AbstractStreamSinkConduit<StreamSinkConduit> {
    private static final Logger log = LoggerFactory.getLogger("dev.sluice.errors");

    private final HttpServerExchange exchange;
    private boolean gone;

    ClientGoneWatch(StreamSinkConduit next, HttpServerExchange exchange) {
        super(next);
        this.exchange = exchange;
    }

    @Override
    public void terminateWrites() throws IOException {
        if (gone) {
            return;
        }
        try {
            next.terminateWrites();
        } catch (IOException e) {
            gone(e);
        }
    }

    @Override
    public boolean flush() throws IOException {
        if (gone) {
            return true;
        }
        try {
            return next.flush();
        } catch (IOException e) {
            gone(e);
            return true;
        }
    }

    private void gone(IOException e) throws IOException {
        if (!ClientAborts.isAbort(e)) {
            throw e;
        }
        gone = true;
        log.debug("SLU1499 {} {}: the client went away before the response was complete ({}) (request id {})",
                exchange.getRequestMethod(), exchange.getRequestURI(), e.toString(), RequestIds.of(exchange));
        IoUtils.safeClose(exchange.getConnection());
    }
}
