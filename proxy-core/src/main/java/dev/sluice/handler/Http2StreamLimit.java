package dev.sluice.handler;

import io.undertow.UndertowOptions;
import io.undertow.protocols.http2.Http2Channel;
import io.undertow.protocols.http2.Http2Stream;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http2.Http2ServerConnection;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Protocols;
import org.xnio.IoUtils;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Holds each HTTP/2 connection to its listener's {@code max-concurrent-streams}: a stream past
 * it is refused with {@code RST_STREAM REFUSED_STREAM} (which a client may retry), before it
 * reaches anything else. Undertow sends the setting to the client but does not enforce it, so a
 * client that ignores it could open streams without end.
 *
 * <p>Undertow gives a stream's connection no public way to its frame channel or stream id:
 * both are read from its fields, found once. The streams of a connection share its
 * attachments, which is where the count lives.
 */
final class Http2StreamLimit implements HttpHandler {
    private static final AttachmentKey<AtomicInteger> OPEN_STREAMS = AttachmentKey.create(AtomicInteger.class);
    private static final VarHandle CHANNEL;
    private static final VarHandle REQUEST_CHANNEL;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(Http2ServerConnection.class, MethodHandles.lookup());
            CHANNEL = lookup.findVarHandle(Http2ServerConnection.class, "channel", Http2Channel.class);
            REQUEST_CHANNEL = lookup.findVarHandle(Http2ServerConnection.class, "requestChannel",
                    io.undertow.protocols.http2.Http2StreamSourceChannel.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError("Undertow's Http2ServerConnection has changed: " + e);
        }
    }

    private final HttpHandler next;

    Http2StreamLimit(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (exchange.getProtocol() != Protocols.HTTP_2_0
                || !(exchange.getConnection() instanceof Http2ServerConnection connection)) {
            next.handleRequest(exchange);
            return;
        }
        int max = connection.getUndertowOptions().get(UndertowOptions.HTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, -1);
        AtomicInteger open = openStreams(connection);
        if (max > 0 && open.incrementAndGet() > max) {
            open.decrementAndGet();
            refuse(connection);
            return;
        }
        if (max > 0) {
            exchange.addExchangeCompleteListener((ex, nextListener) -> {
                open.decrementAndGet();
                nextListener.proceed();
            });
        }
        next.handleRequest(exchange);
    }

    private static AtomicInteger openStreams(Http2ServerConnection connection) {
        // A connection's streams are parsed on its IO thread, where this handler runs first.
        AtomicInteger open = connection.getAttachment(OPEN_STREAMS);
        if (open == null) {
            open = new AtomicInteger();
            connection.putAttachment(OPEN_STREAMS, open);
        }
        return open;
    }

    private static void refuse(Http2ServerConnection connection) {
        Http2Channel channel = (Http2Channel) CHANNEL.get(connection);
        Http2Stream stream = (Http2Stream) REQUEST_CHANNEL.get(connection);
        if (channel != null && stream != null) {
            channel.sendRstStream(stream.getStreamId(), Http2Channel.ERROR_REFUSED_STREAM);
        } else {
            IoUtils.safeClose(connection); // RST_STREAM CANCEL: still only this stream
        }
    }
}
