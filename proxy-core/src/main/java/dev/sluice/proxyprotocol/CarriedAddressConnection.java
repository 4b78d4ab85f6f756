package dev.sluice.proxyprotocol;

import org.xnio.IoUtils;
import org.xnio.Option;
import org.xnio.StreamConnection;

import java.io.IOException;
import java.net.SocketAddress;

/**
 * A client connection as seen through a PROXY header: the same socket (its conduits, options and
 * IO thread), but its peer is the client the header named and its local address the one that
 * client connected to. Everything above it (Undertow's exchange source and destination address,
 * and so X-Forwarded-*, the access log, tunnels, recording) sees the carried addresses.
 * Closing either closes both.
 */
final class CarriedAddressConnection extends StreamConnection {
    private final StreamConnection delegate;
    private final SocketAddress peer;
    private final SocketAddress local;

    CarriedAddressConnection(StreamConnection delegate, SocketAddress peer, SocketAddress local) {
        super(delegate.getIoThread());
        this.delegate = delegate;
        this.peer = peer;
        this.local = local;
        setSourceConduit(delegate.getSourceChannel().getConduit());
        setSinkConduit(delegate.getSinkChannel().getConduit());
        // The socket may close under it (both directions shut down through the conduits): this
        // connection's close listener (Undertow's, for the HTTP connection) must hear of it too.
        delegate.setCloseListener(closed -> IoUtils.safeClose(this));
    }

    @Override
    public SocketAddress getPeerAddress() {
        return peer;
    }

    @Override
    public SocketAddress getLocalAddress() {
        return local;
    }

    @Override
    protected void notifyReadClosed() {
        // the shared conduit told the socket itself; closeAction closes it
    }

    @Override
    protected void notifyWriteClosed() {
        // likewise
    }

    @Override
    protected void closeAction() throws IOException {
        delegate.close();
    }

    @Override
    public boolean supportsOption(Option<?> option) {
        return delegate.supportsOption(option);
    }

    @Override
    public <T> T getOption(Option<T> option) throws IOException {
        return delegate.getOption(option);
    }

    @Override
    public <T> T setOption(Option<T> option, T value) throws IOException {
        return delegate.setOption(option, value);
    }
}
