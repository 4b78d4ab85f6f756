package dev.sluice.tls;

import io.undertow.protocols.ssl.UndertowXnioSsl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;
import org.xnio.ssl.SslConnection;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The TLS step of a listener Sluice binds itself: wraps each connection in Undertow's TLS layer
 * and hands it to the next open listener (HTTP/1.1, or ALPN for HTTP/2), with a deadline on the
 * handshake. Undertow's request-header timeout starts only with the first request bytes, after
 * the handshake, so without this a client that stalls mid-handshake holds its connection until
 * the 60 s idle timeout.
 *
 * <p>Its {@link UndertowXnioSsl} takes a new {@code SSLContext} on reload: new handshakes get the
 * new certificates, open connections keep theirs.
 */
public final class TlsOpenListener implements ChannelListener<StreamConnection> {
    private static final Logger log = LoggerFactory.getLogger(TlsOpenListener.class);

    private final UndertowXnioSsl ssl;
    private final ChannelListener<? super StreamConnection> next;
    private final long handshakeTimeoutMillis;

    public TlsOpenListener(UndertowXnioSsl ssl, ChannelListener<? super StreamConnection> next, Duration handshakeTimeout) {
        this.ssl = ssl;
        this.next = next;
        this.handshakeTimeoutMillis = Math.max(1, handshakeTimeout.toMillis());
    }

    @Override
    public void handleEvent(StreamConnection connection) {
        SslConnection tls = ssl.wrapExistingConnection(connection, OptionMap.EMPTY, false);
        XnioExecutor.Key deadline = connection.getIoThread().executeAfter(() -> {
            log.debug("SLU4003 closed a connection from {}: no TLS handshake within {} ms (limits.request-header-timeout)",
                    connection.getPeerAddress(), handshakeTimeoutMillis);
            IoUtils.safeClose(tls);
        }, handshakeTimeoutMillis, TimeUnit.MILLISECONDS);
        tls.getHandshakeSetter().set(done -> deadline.remove());
        tls.setCloseListener(closed -> deadline.remove());
        next.handleEvent(tls);
    }
}
