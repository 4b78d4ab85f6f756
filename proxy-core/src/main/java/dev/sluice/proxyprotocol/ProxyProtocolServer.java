package dev.sluice.proxyprotocol;

import dev.sluice.config.Cidr;
import dev.sluice.config.HostPort;
import dev.sluice.http.SocketAddresses;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.server.protocol.http.HttpOpenListener;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * A {@code proxy-protocol: true} listener: bound as {@code Undertow.start()} binds an HTTP listener
 * (same socket options, an {@link HttpOpenListener} with the same server options and root handler),
 * but with {@link ProxyProtocolOpenListener} in front of the HTTP open listener. Undertow's own
 * {@code setUseProxyProtocol} would put its {@code ProxyProtocolOpenListener} there instead,
 * which checks no peer and fails a v2 header split across reads.
 */
public final class ProxyProtocolServer implements AutoCloseable {
    private final AcceptingChannel<StreamConnection> channel;
    private final InetSocketAddress address;

    private ProxyProtocolServer(AcceptingChannel<StreamConnection> channel) {
        this.channel = channel;
        this.address = channel.getLocalAddress(InetSocketAddress.class);
    }

    /**
     * Binds and starts accepting.
     *
     * @param undertowOptions the server options the HTTP listeners have
     * @param socketOptions   the socket options on top of Undertow's defaults for a listener
     * @throws IOException when the address cannot be bound
     */
    public static ProxyProtocolServer start(XnioWorker worker, HostPort address, HttpHandler root,
                                            ByteBufferPool buffers, OptionMap undertowOptions, OptionMap socketOptions,
                                            Supplier<List<Cidr>> trustedProxies, Duration headerTimeout)
            throws IOException {
        HttpOpenListener http = new HttpOpenListener(buffers, undertowOptions);
        http.setRootHandler(root);
        InetSocketAddress bind = new InetSocketAddress(InetAddress.getByName(address.host()), address.port());
        ProxyProtocolOpenListener proxy = new ProxyProtocolOpenListener(http, buffers, trustedProxies, headerTimeout,
                SocketAddresses.text(bind));
        ChannelListener<AcceptingChannel<StreamConnection>> accept = ChannelListeners.openListenerAdapter(proxy);
        OptionMap options = OptionMap.builder()
                // what Undertow.start() gives every listener
                .set(Options.WORKER_IO_THREADS, worker.getIoThreadCount())
                .set(Options.TCP_NODELAY, true)
                .set(Options.REUSE_ADDRESSES, true)
                .set(Options.BALANCING_TOKENS, 1)
                .set(Options.BALANCING_CONNECTIONS, 2)
                .set(Options.BACKLOG, 1000)
                .addAll(socketOptions)
                .getMap();
        AcceptingChannel<StreamConnection> channel = worker.createStreamConnectionServer(bind, accept, options);
        ProxyProtocolServer server = new ProxyProtocolServer(channel);
        proxy.named(SocketAddresses.text(server.address()));
        channel.resumeAccepts();
        return server;
    }

    /** The bound address (the actual port when 0 was asked for). */
    public InetSocketAddress address() {
        return address;
    }

    /** Stops accepting; open connections stay (as Undertow's stop() leaves them). */
    @Override
    public void close() {
        IoUtils.safeClose(channel);
    }
}
