package dev.sluice.proxyprotocol;

import dev.sluice.config.Cidr;
import dev.sluice.config.Plural;
import dev.sluice.http.SocketAddresses;
import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.DelegateOpenListener;
import io.undertow.util.PooledAdaptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;
import org.xnio.conduits.ConduitStreamSourceChannel;
import org.xnio.conduits.PushBackStreamSourceConduit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The first step on a {@code proxy-protocol: true} listener's connections: it checks the peer
 * against {@code trusted-proxies} before reading a byte (anyone else is closed at once), reads the
 * PROXY header ({@link ProxyHeaderParser}) as it arrives within the header timeout counted from
 * accept, and hands the connection on with the carried addresses as its peer and local address
 * ({@link CarriedAddressConnection}; as it is for {@code LOCAL}, {@code UNKNOWN} and
 * {@code AF_UNSPEC}), the bytes read past the header pushed back in front of it. A connection
 * without a valid header is closed without an answer and one rate-limited WARN line names its
 * peer and what was wrong.
 *
 * <p>What comes next is any open listener: Undertow's HTTP one today ({@link DelegateOpenListener}s
 * get the bytes past the header directly), and a TLS one that wraps the connection for a listener
 * with both PROXY and TLS (the header comes before the handshake; the bytes past it are pushed back
 * into the connection's source, under the TLS layer).
 *
 * <p>Everything here runs on the connection's IO thread and never blocks.
 */
public final class ProxyProtocolOpenListener implements ChannelListener<StreamConnection> {
    private static final Logger log = LoggerFactory.getLogger(ProxyProtocolOpenListener.class);
    /** A read's size while the header is read: a v1 line, or a v2 header's addresses with room to spare. */
    private static final int READ_SIZE = 512;

    private final ChannelListener<StreamConnection> next;
    private final ByteBufferPool buffers;
    private final Supplier<List<Cidr>> trustedProxies;
    private final long headerTimeoutMillis;
    private volatile String listener;
    private final RefusalLog refusals = new RefusalLog(log);

    /**
     * @param next           takes each connection once its header is read
     * @param buffers        the pool the bytes past the header are handed on in
     * @param trustedProxies the trusted proxies in force (read per connection: a reload changes them)
     * @param headerTimeout  how long after accept the whole header must have arrived
     * @param listener       the listener's address, for log lines
     */
    public ProxyProtocolOpenListener(ChannelListener<StreamConnection> next, ByteBufferPool buffers,
                                     Supplier<List<Cidr>> trustedProxies, Duration headerTimeout, String listener) {
        this.next = next;
        this.buffers = buffers;
        this.trustedProxies = trustedProxies;
        this.headerTimeoutMillis = Math.max(1, headerTimeout.toMillis());
        this.listener = listener;
    }

    /** Names the listener in log lines by its bound address (known once bound: port 0 gets one). */
    public void named(String boundAddress) {
        this.listener = boundAddress;
    }

    @Override
    public void handleEvent(StreamConnection connection) {
        InetSocketAddress peer = connection.getPeerAddress(InetSocketAddress.class);
        if (!trusted(peer)) {
            refusals.warn("SLU5001", "closed a connection from " + SocketAddresses.text(peer) + " on PROXY protocol"
                    + " listener " + listener + " without reading it: the peer is not in trusted-proxies (add the"
                    + " balancer's address there, or have clients connect to a plain listener)");
            IoUtils.safeClose(connection);
            return;
        }
        HeaderRead read = new HeaderRead(connection, peer);
        read.deadline = connection.getIoThread().executeAfter(read::expire, headerTimeoutMillis, TimeUnit.MILLISECONDS);
        connection.getSourceChannel().setReadListener(read);
        connection.getSourceChannel().wakeupReads();
    }

    private boolean trusted(InetSocketAddress peer) {
        InetAddress address = peer == null ? null : peer.getAddress();
        return address != null && trustedProxies.get().stream().anyMatch(cidr -> cidr.contains(address));
    }

    /** One connection's header, read as it arrives. */
    private final class HeaderRead implements ChannelListener<ConduitStreamSourceChannel> {
        private final StreamConnection connection;
        private final InetSocketAddress peer;
        private final ProxyHeaderParser parser = new ProxyHeaderParser();
        private final ByteBuffer buffer = ByteBuffer.allocate(READ_SIZE);
        private volatile XnioExecutor.Key deadline;
        private boolean over;

        HeaderRead(StreamConnection connection, InetSocketAddress peer) {
            this.connection = connection;
            this.peer = peer;
        }

        @Override
        public void handleEvent(ConduitStreamSourceChannel channel) {
            if (over) {
                return;
            }
            try {
                while (true) {
                    buffer.clear();
                    int read = channel.read(buffer);
                    if (read < 0) {
                        if (parser.bytesSeen() == 0) {
                            // a balancer's TCP health check connects and leaves: not worth a line
                            log.debug("SLU5004 {} closed its connection to {} before sending anything",
                                    SocketAddresses.text(peer), listener);
                            close();
                        } else {
                            refuse("SLU5007", "closed the connection after " + Plural.of(parser.bytesSeen(), "byte")
                                    + " of a PROXY header");
                        }
                        return;
                    }
                    if (read == 0) {
                        return;
                    }
                    buffer.flip();
                    ProxyHeaderParser.Outcome outcome = parser.feed(buffer);
                    if (outcome instanceof ProxyHeaderParser.Failed failed) {
                        refuse("SLU5002", failed.reason());
                        return;
                    }
                    if (outcome instanceof ProxyHeaderParser.Done done) {
                        handOff(channel, done.header());
                        return;
                    }
                }
            } catch (IOException e) {
                log.debug("SLU5008 reading the PROXY header from {} on {} failed: {}", SocketAddresses.text(peer),
                        listener, e.toString());
                close();
            }
        }

        /** The header timeout passed (on the connection's IO thread, as every read is). */
        void expire() {
            if (!over) {
                refuse("SLU5003", "sent no complete PROXY header within " + headerTimeoutMillis
                        + " ms of connecting (limits.request-header-timeout; " + Plural.of(parser.bytesSeen(), "byte")
                        + " of it came)");
            }
        }

        private void refuse(String id, String reason) {
            refusals.warn(id, "closed the connection from " + SocketAddresses.text(peer) + " on PROXY protocol listener "
                    + listener + " without an answer: " + reason);
            close();
        }

        private void close() {
            over = true;
            cancelDeadline();
            IoUtils.safeClose(connection);
        }

        private void cancelDeadline() {
            XnioExecutor.Key key = deadline;
            if (key != null) {
                key.remove();
            }
        }

        private void handOff(ConduitStreamSourceChannel channel, ProxyHeader header) {
            over = true;
            cancelDeadline();
            channel.suspendReads();
            channel.getReadSetter().set(null);
            StreamConnection handed = header.carriesAddress()
                    ? new CarriedAddressConnection(connection, header.source(), header.destination())
                    : connection;
            PooledByteBuffer pastHeader = null;
            if (buffer.hasRemaining()) {
                pastHeader = buffers.allocate();
                pastHeader.getBuffer().clear();
                pastHeader.getBuffer().put(buffer).flip();
            }
            if (log.isDebugEnabled()) {
                log.debug("SLU5005 PROXY header {} from {} on {}: client {}", header.kind(), SocketAddresses.text(peer),
                        listener, header.carriesAddress() ? SocketAddresses.text(header.source()) : "(the peer itself)");
            }
            if (next instanceof DelegateOpenListener delegate) {
                delegate.handleEvent(handed, pastHeader);
                return;
            }
            if (pastHeader != null) {
                PushBackStreamSourceConduit pushBack = new PushBackStreamSourceConduit(
                        handed.getSourceChannel().getConduit());
                pushBack.pushBack(new PooledAdaptor(pastHeader));
                handed.getSourceChannel().setConduit(pushBack);
            }
            next.handleEvent(handed);
        }
    }
}
