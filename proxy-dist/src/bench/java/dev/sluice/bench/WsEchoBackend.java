package dev.sluice.bench;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedBinaryMessage;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;

import java.util.concurrent.CountDownLatch;

/**
 * The benchmark's WebSocket backend: an Undertow server on 127.0.0.1:PORT that echoes every
 * text and binary message on any path. Kept outside Sluice so "direct" and "through a proxy"
 * reach the very same echo.
 *
 * <p>Usage: {@code WsEchoBackend PORT [IO_THREADS]} (1 IO thread unless given).
 */
public final class WsEchoBackend {
    private WsEchoBackend() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        int ioThreads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        Undertow server = Undertow.builder()
                .addHttpListener(port, "127.0.0.1")
                .setIoThreads(ioThreads)
                .setHandler(Handlers.websocket((exchange, channel) -> {
                    channel.getReceiveSetter().set(new Echo());
                    channel.resumeReceives();
                }))
                .build();
        server.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            stopped.countDown();
        }, "ws-echo-stop"));
        System.out.println("WebSocket echo on 127.0.0.1:" + port + ", " + ioThreads + " IO thread(s)");
        stopped.await();
    }

    private static final class Echo extends AbstractReceiveListener {
        @Override
        protected void onFullTextMessage(WebSocketChannel channel, BufferedTextMessage message) {
            WebSockets.sendText(message.getData(), channel, null);
        }

        @Override
        protected void onFullBinaryMessage(WebSocketChannel channel, BufferedBinaryMessage message) {
            WebSockets.sendBinary(message.getData().getResource(), channel, null, message.getData());
        }
    }
}
