package dev.sluice.tunnel;

import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpServerConnection;
import io.undertow.util.ImmediatePooledByteBuffer;
import org.xnio.ChannelListener;
import org.xnio.conduits.ConduitStreamSourceChannel;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Notices a client that leaves while its WebSocket handshake is upstream. Undertow stops
 * reading an HTTP/1.1 connection once a request head is parsed, so a client's FIN would
 * otherwise go unseen until the 101 is written to it: by then the upstream has opened a
 * WebSocket session for nobody, and a tunnel would be registered for it.
 *
 * <p>The client's side is read meanwhile. An EOF or a read error means it is gone. Any bytes
 * it sends (early frames, a pipelined request) end the watch and are handed back to the
 * connection as the bytes read behind the request, after any already there, so the tunnel
 * or the next request gets them in order; the watch keeps nothing, so it cannot buffer without
 * bound. A client that sends bytes and then leaves is noticed only when its answer is written.
 * HTTP/1.1 only: an HTTP/2 stream's connection is shared and Undertow does not upgrade it.
 */
final class ClientLeaveWatch implements ChannelListener<ConduitStreamSourceChannel> {
    private static final ClientLeaveWatch NONE = new ClientLeaveWatch(null, null, null);

    private final HttpServerConnection connection;
    private final ConduitStreamSourceChannel source;
    private final Runnable whenGone;
    private ChannelListener<? super ConduitStreamSourceChannel> previous;
    private boolean watching;

    private ClientLeaveWatch(HttpServerConnection connection, ConduitStreamSourceChannel source, Runnable whenGone) {
        this.connection = connection;
        this.source = source;
        this.whenGone = whenGone;
    }

    /** Starts watching the exchange's client connection; on its IO thread, once the request is being handled. */
    static ClientLeaveWatch start(HttpServerExchange exchange, Runnable whenGone) {
        if (!(exchange.getConnection() instanceof HttpServerConnection connection)) {
            return NONE;
        }
        ClientLeaveWatch watch = new ClientLeaveWatch(connection, connection.getChannel().getSourceChannel(), whenGone);
        watch.previous = watch.source.getReadListener();
        watch.source.setReadListener(watch);
        watch.watching = true;
        watch.source.resumeReads();
        return watch;
    }

    /** Gives the connection's reads back to Undertow, suspended as it left them; before any answer is written. */
    void stop() {
        if (!watching) {
            return;
        }
        watching = false;
        source.suspendReads();
        source.setReadListener(previous);
    }

    @Override
    public void handleEvent(ConduitStreamSourceChannel channel) {
        if (!watching) {
            return;
        }
        PooledByteBuffer pooled = connection.getByteBufferPool().allocate();
        boolean kept = false;
        try {
            ByteBuffer buffer = pooled.getBuffer();
            buffer.clear();
            int read;
            try {
                read = channel.read(buffer);
            } catch (IOException e) {
                read = -1;
            }
            if (read == 0) {
                return;
            }
            stop();
            if (read < 0) {
                whenGone.run();
                return;
            }
            buffer.flip();
            keepBehindRequest(pooled);
            kept = true;
        } finally {
            if (!kept) {
                pooled.close();
            }
        }
    }

    private void keepBehindRequest(PooledByteBuffer read) {
        PooledByteBuffer earlier = connection.getExtraBytes();
        if (earlier == null || !earlier.getBuffer().hasRemaining()) {
            if (earlier != null) {
                earlier.close();
            }
            connection.setExtraBytes(read);
            return;
        }
        ByteBuffer both = ByteBuffer.allocate(earlier.getBuffer().remaining() + read.getBuffer().remaining());
        both.put(earlier.getBuffer()).put(read.getBuffer()).flip();
        earlier.close();
        read.close();
        connection.setExtraBytes(new ImmediatePooledByteBuffer(both));
    }
}
