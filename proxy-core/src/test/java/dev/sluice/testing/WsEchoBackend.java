package dev.sluice.testing;

import io.undertow.Undertow;
import io.undertow.websockets.WebSocketConnectionCallback;
import io.undertow.websockets.WebSocketProtocolHandshakeHandler;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedBinaryMessage;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.CloseMessage;
import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import io.undertow.websockets.core.protocol.Handshake;
import io.undertow.websockets.core.protocol.version13.Hybi13Handshake;

import javax.net.ssl.SSLContext;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An Undertow WebSocket echo server on 127.0.0.1:0, on every path: text comes back as text,
 * binary as binary, byte for byte, up to {@link #MAX_MESSAGE} per message. It picks the first
 * subprotocol the client offers that it was configured with. It notes the code of every Close
 * it receives.
 */
public final class WsEchoBackend implements AutoCloseable {
    /** Largest message echoed; well above the 1 MiB the tests send. */
    public static final int MAX_MESSAGE = 4 * 1024 * 1024;

    private final Undertow server;
    private final AtomicInteger handshakes = new AtomicInteger();
    private final List<Integer> closeCodes = new CopyOnWriteArrayList<>();

    private final boolean tls;

    private WsEchoBackend(String host, int port, Set<String> subprotocols, SSLContext tls) {
        this.tls = tls != null;
        List<Handshake> versions = List.of(new Hybi13Handshake(subprotocols, false));
        WebSocketConnectionCallback echo = (exchange, channel) -> {
            this.handshakes.incrementAndGet();
            channel.getReceiveSetter().set(new Echo(closeCodes));
            channel.resumeReceives();
        };
        Undertow.Builder builder = Undertow.builder();
        if (tls == null) {
            builder.addHttpListener(port, host);
        } else {
            builder.addHttpsListener(port, host, tls);
        }
        this.server = builder
                .setIoThreads(1)
                .setWorkerThreads(2)
                // Undertow's default accept backlog is 1,000: a thousand tunnels opened at once
                // (WssIntegrityIT) overflowed it now and then, and a dropped SYN waits 1 s, then 3 s...
                .setSocketOption(org.xnio.Options.BACKLOG, 4096)
                .setHandler(new WebSocketProtocolHandshakeHandler(versions, echo))
                .build();
    }

    /** Starts an echo server that accepts the given subprotocols (none: it never picks one). */
    public static WsEchoBackend start(String... subprotocols) {
        return startOn("127.0.0.1", 0, subprotocols);
    }

    /** An echo server on this address, e.g. 127.0.0.2 on the port of one on 127.0.0.1 (both this machine on Linux). */
    public static WsEchoBackend startOn(String host, int port, String... subprotocols) {
        WsEchoBackend backend = new WsEchoBackend(host, port, Set.of(subprotocols), null);
        backend.server.start();
        return backend;
    }

    /** An echo server that listens with TLS, serving the certificate of {@code tls}. */
    public static WsEchoBackend startTls(SSLContext tls) {
        WsEchoBackend backend = new WsEchoBackend("127.0.0.1", 0, Set.of(), tls);
        backend.server.start();
        return backend;
    }

    public int port() {
        InetSocketAddress address = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
        return address.getPort();
    }

    /** {@code http://127.0.0.1:port} ({@code https://} with TLS), the form a Sluice upstream takes. */
    public URI uri() {
        return URI.create((tls ? "https" : "http") + "://127.0.0.1:" + port());
    }

    /** WebSocket sessions opened so far. */
    public int handshakes() {
        return handshakes.get();
    }

    /** The status codes of the Close frames received so far, in arrival order. */
    public List<Integer> closeCodes() {
        return List.copyOf(closeCodes);
    }

    @Override
    public void close() {
        server.stop();
    }

    /** Echoes whole messages; Undertow queues sends per channel, so order is kept. */
    private static final class Echo extends AbstractReceiveListener {
        private final List<Integer> closeCodes;

        Echo(List<Integer> closeCodes) {
            this.closeCodes = closeCodes;
        }

        @Override
        protected void onCloseMessage(CloseMessage message, WebSocketChannel channel) {
            closeCodes.add(message.getCode());
        }

        @Override
        protected void onFullTextMessage(WebSocketChannel channel, BufferedTextMessage message) {
            WebSockets.sendText(message.getData(), channel, null);
        }

        @Override
        protected void onFullBinaryMessage(WebSocketChannel channel, BufferedBinaryMessage message) {
            ByteBuffer[] data = message.getData().getResource();
            WebSockets.sendBinary(data, channel, new FreeAfterSend(message));
        }

        @Override
        protected long getMaxTextBufferSize() {
            return MAX_MESSAGE;
        }

        @Override
        protected long getMaxBinaryBufferSize() {
            return MAX_MESSAGE;
        }
    }

    /** Returns the pooled buffers of a binary message once its echo has been written. */
    private record FreeAfterSend(BufferedBinaryMessage message) implements WebSocketCallback<Void> {
        @Override
        public void complete(WebSocketChannel channel, Void context) {
            message.getData().free();
        }

        @Override
        public void onError(WebSocketChannel channel, Void context, Throwable throwable) {
            message.getData().free();
        }
    }
}
