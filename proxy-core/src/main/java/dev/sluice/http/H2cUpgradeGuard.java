package dev.sluice.http;

import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.AbstractServerConnection;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/**
 * In front of Undertow's {@code Http2UpgradeHandler}: a connection that switches to HTTP/2 by
 * {@code Upgrade: h2c} gets its {@link H2ClientFrameGuard} (which stepped aside for the HTTP/1.1
 * request) watching again from the preface on. The switch is told to the guard when the 101
 * exchange completes, just before Undertow hands the connection to HTTP/2 and pushes back the
 * bytes it read past the request; those bytes are checked then, since they reach Undertow's
 * frame parser without passing the guard again.
 *
 * <p>The guard is the connection's original source conduit (Sluice installs it before
 * Undertow's HTTP listener, which adds no conduit of its own with Sluice's options). Should it
 * not be, the upgrade is not offered: the request is answered over HTTP/1.1.
 */
public final class H2cUpgradeGuard implements HttpHandler {
    private final HttpHandler upgrade;
    private final HttpHandler plain;

    /**
     * @param upgrade Undertow's upgrade handler
     * @param plain   what the upgrade handler passes other requests to
     */
    public H2cUpgradeGuard(HttpHandler upgrade, HttpHandler plain) {
        this.upgrade = upgrade;
        this.plain = plain;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (!exchange.getRequestHeaders().contains(Headers.UPGRADE)) {
            upgrade.handleRequest(exchange);
            return;
        }
        if (!(exchange.getConnection() instanceof AbstractServerConnection connection)
                || !(connection.getOriginalSourceConduit() instanceof H2ClientFrameGuard guard)) {
            plain.handleRequest(exchange);
            return;
        }
        exchange.addExchangeCompleteListener((ex, next) -> {
            if (ex.getStatusCode() == 101 && "h2c".equals(ex.getResponseHeaders().getFirst(Headers.UPGRADE))) {
                PooledByteBuffer readAhead = connection.getExtraBytes();
                if (!guard.switchedToHttp2(readAhead == null ? null : readAhead.getBuffer())) {
                    readAhead.close();
                    connection.setExtraBytes(null);
                }
            }
            next.proceed();
        });
        upgrade.handleRequest(exchange);
    }
}
