package dev.sluice.builtin;

import io.undertow.websockets.WebSocketConnectionCallback;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedBinaryMessage;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import io.undertow.websockets.spi.WebSocketHttpExchange;
import org.xnio.IoUtils;
import org.xnio.Pooled;

import java.nio.ByteBuffer;

/**
 * Sends every text message back as text and every binary message back as binary. Pings get pongs and a
 * close is answered with a close carrying the same code ({@link AbstractReceiveListener} does both).
 */
final class WebSocketEcho implements WebSocketConnectionCallback {
    /** Largest message echoed; a bigger one is refused with close code 1009 (message too big). */
    static final long MAX_MESSAGE_BYTES = 16L * 1024 * 1024;

    @Override
    public void onConnect(WebSocketHttpExchange exchange, WebSocketChannel channel) {
        channel.getReceiveSetter().set(new EchoListener());
        channel.resumeReceives();
    }

    @SuppressWarnings("deprecation") // BufferedBinaryMessage hands out xnio's deprecated Pooled; Undertow 2.4 has no other way
    private static final class EchoListener extends AbstractReceiveListener {
        @Override
        protected void onFullTextMessage(WebSocketChannel channel, BufferedTextMessage message) {
            // One message in flight: stop reading until the echo is written, so a client that does not
            // read its echoes is slowed down instead of filling our memory.
            channel.suspendReceives();
            WebSockets.sendText(message.getData(), channel, resumeAfterSend(null));
        }

        @Override
        protected void onFullBinaryMessage(WebSocketChannel channel, BufferedBinaryMessage message) {
            Pooled<ByteBuffer[]> data = message.getData();
            channel.suspendReceives();
            WebSockets.sendBinary(data.getResource(), channel, resumeAfterSend(data));
        }

        @Override
        protected long getMaxTextBufferSize() {
            return MAX_MESSAGE_BYTES;
        }

        @Override
        protected long getMaxBinaryBufferSize() {
            return MAX_MESSAGE_BYTES;
        }

        private static WebSocketCallback<Void> resumeAfterSend(Pooled<ByteBuffer[]> toFree) {
            return new WebSocketCallback<>() {
                @Override
                public void complete(WebSocketChannel channel, Void context) {
                    free(toFree);
                    channel.resumeReceives();
                }

                @Override
                public void onError(WebSocketChannel channel, Void context, Throwable failure) {
                    free(toFree);
                    IoUtils.safeClose(channel);
                }
            };
        }

        private static void free(Pooled<ByteBuffer[]> data) {
            if (data != null) {
                data.close();
            }
        }
    }
}
