package dev.sluice;

import dev.sluice.config.Cidr;
import dev.sluice.config.ListenerConfig;
import dev.sluice.http.H2ClientFrameGuard;
import dev.sluice.http.H2cUpgradeGuard;
import dev.sluice.http.SocketAddresses;
import dev.sluice.proxyprotocol.ProxyProtocolOpenListener;
import dev.sluice.runtime.IoThreads;
import dev.sluice.runtime.SendTimeoutConduit;
import dev.sluice.tls.TlsOpenListener;
import io.undertow.UndertowOptions;
import io.undertow.connector.ByteBufferPool;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import io.undertow.server.HttpHandler;
import io.undertow.server.OpenListener;
import io.undertow.server.protocol.http.AlpnOpenListener;
import io.undertow.server.protocol.http.HttpOpenListener;
import io.undertow.server.protocol.http2.Http2OpenListener;
import io.undertow.server.protocol.http2.Http2UpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;
import org.xnio.conduits.ConduitStreamSinkChannel;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * A client listener Sluice binds itself rather than through Undertow's builder: one with TLS,
 * HTTP/2 or the PROXY protocol. It is bound as {@code Undertow.start()} binds one (the same socket
 * options, Undertow's HTTP, ALPN and HTTP/2 open listeners with the same server options and root
 * handler), with what Undertow lacks in front: the PROXY header read by Sluice's own parser from
 * trusted peers only, the TLS handshake with a deadline ({@link TlsOpenListener}), and for HTTP/2
 * a guard against the frame Undertow mishandles ({@link H2ClientFrameGuard}). Plain HTTP/1.1
 * listeners stay Undertow's, so the common path is untouched.
 */
final class BoundListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BoundListener.class);
    private final AcceptingChannel<StreamConnection> channel;
    private final InetSocketAddress address;
    private final UndertowXnioSsl ssl;

    private BoundListener(AcceptingChannel<StreamConnection> channel, UndertowXnioSsl ssl) {
        this.channel = channel;
        this.address = channel.getLocalAddress(InetSocketAddress.class);
        this.ssl = ssl;
    }

    /** Whether Sluice binds this listener itself (else Undertow's builder does: plain HTTP/1.1 ones). */
    static boolean bindsItself(ListenerConfig listener) {
        return listener.isTls() || listener.proxyProtocol() || listener.http2() != null;
    }

    /**
     * Binds and starts accepting.
     *
     * @param sslContext      the listener's TLS, or null
     * @param undertowOptions the server options every listener has
     * @param headerTimeout   how long the PROXY header, and the TLS handshake, may take
     * @param sendTimeout     how long an HTTP/2 connection's writes may stall before it is closed
     * @throws IOException when the address cannot be bound
     */
    static BoundListener start(XnioWorker worker, ListenerConfig listener, SSLContext sslContext, HttpHandler root,
                               ByteBufferPool buffers, OptionMap undertowOptions, Supplier<List<Cidr>> trustedProxies,
                               Duration headerTimeout, Duration sendTimeout) throws IOException {
        boolean h2c = listener.http2() != null && sslContext == null;
        // h2c: prior knowledge needs ENABLE_HTTP2 in the listener's options, the upgrade its handler
        HttpOpenListener http = new HttpOpenListener(buffers, h2c
                ? OptionMap.builder().addAll(undertowOptions).set(UndertowOptions.ENABLE_HTTP2, true).getMap()
                : undertowOptions);
        http.setRootHandler(h2c ? new H2cUpgradeGuard(new Http2UpgradeHandler(root), root) : root);
        OpenListener open = http;
        if (listener.http2() != null && sslContext != null) {
            AlpnOpenListener alpn = new AlpnOpenListener(buffers, undertowOptions, http);
            Http2OpenListener h2 = new Http2OpenListener(buffers, undertowOptions);
            h2.setRootHandler(root);
            alpn.addProtocol(Http2OpenListener.HTTP2, h2, 10);
            alpn.addProtocol(Http2OpenListener.HTTP2_14, h2, 7);
            open = alpn;
        }
        ChannelListener<StreamConnection> first = open;
        if (listener.http2() != null) {
            OpenListener protocols = open;
            // the limit Undertow's parser has for the fields of a head, as wire bytes of a header block
            long maxHeaderBlock = undertowOptions.get(UndertowOptions.MAX_HEADER_SIZE, UndertowOptions.DEFAULT_MAX_HEADER_SIZE);
            first = connection -> { // over TLS: on the TLS layer, what the client sends decrypted
                connection.getSourceChannel().setConduit(new H2ClientFrameGuard(connection.getSourceChannel().getConduit(),
                        maxHeaderBlock, () -> IoThreads.execute(connection.getIoThread(), () -> sendTimeout(connection, sendTimeout))));
                protocols.handleEvent(connection);
            };
        }
        UndertowXnioSsl ssl = null;
        if (sslContext != null) {
            ssl = new UndertowXnioSsl(worker.getXnio(), OptionMap.create(Options.USE_DIRECT_BUFFERS, true), sslContext);
            first = new TlsOpenListener(ssl, first, headerTimeout);
        }
        InetSocketAddress bind = new InetSocketAddress(InetAddress.getByName(listener.address().host()),
                listener.address().port());
        ProxyProtocolOpenListener proxy = null;
        if (listener.proxyProtocol()) {
            proxy = new ProxyProtocolOpenListener(first, buffers, trustedProxies, headerTimeout, SocketAddresses.text(bind));
            first = proxy;
        }
        OptionMap options = OptionMap.builder()
                // what Undertow.start() gives every listener
                .set(Options.WORKER_IO_THREADS, worker.getIoThreadCount())
                .set(Options.TCP_NODELAY, true)
                .set(Options.REUSE_ADDRESSES, true)
                .set(Options.BALANCING_TOKENS, 1)
                .set(Options.BALANCING_CONNECTIONS, 2)
                .set(Options.BACKLOG, 1000)
                .getMap();
        AcceptingChannel<StreamConnection> channel = worker.createStreamConnectionServer(bind,
                ChannelListeners.openListenerAdapter(first), options);
        BoundListener bound = new BoundListener(channel, ssl);
        if (proxy != null) {
            proxy.named(SocketAddresses.text(bound.address()));
        }
        channel.resumeAccepts();
        return bound;
    }

    /**
     * {@code limits.send-timeout} for a whole HTTP/2 connection: each stream has it already (its
     * response is given up, with RST_STREAM), but a client that reads nothing at all takes not
     * even that frame, and Undertow would keep the connection until its idle timeout. Installed
     * after the current IO task: an upgrade's switch resets the connection's conduits first.
     */
    private static void sendTimeout(StreamConnection connection, Duration timeout) {
        ConduitStreamSinkChannel sink = connection.getSinkChannel();
        if (!connection.isOpen()) {
            return;
        }
        sink.setConduit(new SendTimeoutConduit(sink.getConduit(), timeout, () -> {
            log.debug("HTTP/2 connection from {} closed: {}", connection.getPeerAddress(), SendTimeoutConduit.reason(timeout));
            IoUtils.safeClose(connection);
        }));
    }

    /** The bound address (the actual port when 0 was asked for). */
    InetSocketAddress address() {
        return address;
    }

    /** New handshakes get these certificates; open connections keep theirs. */
    void setSslContext(SSLContext context) {
        ssl.updateSSLContext(context);
    }

    /** Stops accepting; open connections stay (as Undertow's stop() leaves them). */
    @Override
    public void close() {
        IoUtils.safeClose(channel);
    }
}
